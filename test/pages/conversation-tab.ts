/**
 * TEST PAGE — one browser tab writing conversations with its own IndexedDB connection, as a second
 * window of the app would. `window.tab` is driven by `test/faults/conversation-tabs.test.ts`.
 */
import { getConversation, putConversation, updateConversation } from '../../src/storage/conversations';
import { openLlmOsDb, type LlmOsDatabase } from '../../src/storage/db';
import type { ConversationRecord } from '../../src/storage/schema';
import { toLlmOsError } from '../../src/errors';

let db: LlmOsDatabase | null = null;
const conn = () => { if (!db) throw new Error('open() first'); return db; };

const api = {
  async open(name: string): Promise<void> { db = await openLlmOsDb(name); },
  close(): void { db?.close(); db = null; },
  /** Append `n` user messages `<tag> i` one by one, each a read-modify-write transaction. */
  async appendMany(id: string, tag: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await updateConversation(conn(), id, (c) => c && { ...c, messages: [...c.messages, { role: 'user', content: `${tag} ${i}` }] });
    }
  },
  read(id: string): Promise<ConversationRecord | undefined> { return getConversation(conn(), id); },
  /** Write `conv` if the stored revision is still `expected`; the error as JSON otherwise. */
  async put(conv: ConversationRecord, expected?: number): Promise<unknown> {
    try {
      return await putConversation(conn(), conv, Date.now(), expected === undefined ? {} : { expectedRevision: expected });
    } catch (e) {
      const err = toLlmOsError(e);
      return { error: { name: err.name, code: err.code, details: err.details } };
    }
  },
};

declare global { interface Window { tab: typeof api } }
window.tab = api;
document.documentElement.dataset.ready = 'true';
