/**
 * Two browser tabs writing the same conversation (two real windows opened with `window.open`, each
 * with its own IndexedDB connection, `test/pages/conversation-tab.html`):
 *  - 2 × 60 appends at the same time through `updateConversation`: all 120 land (no lost update);
 *  - two optimistic writes based on the same revision: one wins, the other is a typed `ConflictError`
 *    that writes nothing; re-read and retried, both edits are kept. A blind write (no expected
 *    revision) in the same race loses the first edit — the control that shows what the check prevents.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ERROR_TEXT } from '../../src/errors';
import { deleteLlmOsDb } from '../../src/storage/db';
import type { ConversationRecord } from '../../src/storage/schema';
import { faultCase } from './reliability';

type Tab = Window & { tab: { open(n: string): Promise<void>; close(): void; appendMany(id: string, tag: string, n: number): Promise<void>; read(id: string): Promise<ConversationRecord | undefined>; put(c: ConversationRecord, expected?: number): Promise<unknown> } };

const dbName = `tabs-${crypto.randomUUID().slice(0, 8)}`;
let a: Tab;
let b: Tab;

async function openTab(): Promise<Tab> {
  const w = window.open('/test/pages/conversation-tab.html', '_blank') as Tab | null;
  if (!w) throw new Error('window.open was blocked');
  const t0 = performance.now();
  while (w.document?.documentElement?.dataset.ready !== 'true') {
    if (performance.now() - t0 > 30_000) throw new Error('tab did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  await w.tab.open(dbName);
  return w;
}

const conv = (id: string, messages: ConversationRecord['messages'] = []): ConversationRecord =>
  ({ id, appId: 'chat', title: id, messages, createdAt: 1, updatedAt: 1 });

beforeAll(async () => { [a, b] = await Promise.all([openTab(), openTab()]); }, 60_000);
afterAll(async () => {
  for (const t of [a, b]) { t?.tab.close(); t?.close(); }
  await deleteLlmOsDb(dbName).catch(() => undefined);
});

describe('two tabs, one conversation', () => {
  faultCase('fault', 'two tabs append to the same conversation at once (2 × 60 writes)', 'all 120 messages kept, each tab\'s in its order; the revision counts every write', async () => {
    const created = await a.tab.put(conv('shared')) as ConversationRecord;
    await Promise.all([a.tab.appendMany('shared', 'A', 60), b.tab.appendMany('shared', 'B', 60)]);
    const stored = (await b.tab.read('shared'))!;
    const texts = stored.messages.map((m) => m.content);
    expect(texts).toHaveLength(120);
    expect(texts.filter((t) => t.startsWith('A '))).toEqual(Array.from({ length: 60 }, (_, i) => `A ${i}`));
    expect(texts.filter((t) => t.startsWith('B '))).toEqual(Array.from({ length: 60 }, (_, i) => `B ${i}`));
    // The two tabs really interleaved (not one after the other).
    expect(texts.findIndex((t) => t.startsWith('B '))).toBeLessThan(texts.lastIndexOf('A 59'));
    expect(stored.revision).toBe(created.revision! + 120);
  }, 60_000);

  faultCase('fault', 'two tabs save edits based on the same revision', 'one wins, the other ConflictError CONFLICT writing nothing; after re-read both kept', async () => {
    await a.tab.put(conv('race', [{ role: 'user', content: 'hello' }]));
    const seenA = (await a.tab.read('race'))!;
    const seenB = (await b.tab.read('race'))!;
    expect(seenA.revision).toBe(seenB.revision);
    const first = await a.tab.put({ ...seenA, messages: [...seenA.messages, { role: 'assistant', content: 'from A' }] }, seenA.revision);
    const second = await b.tab.put({ ...seenB, messages: [...seenB.messages, { role: 'assistant', content: 'from B' }] }, seenB.revision) as { error: { name: string; code: string; details: Record<string, unknown> } };
    expect(first).toMatchObject({ revision: seenA.revision! + 1 });
    expect(second.error).toMatchObject({ name: 'ConflictError', code: 'CONFLICT', details: { expected: seenB.revision, actual: seenB.revision! + 1 } });
    expect(ERROR_TEXT.CONFLICT).toBeTruthy();
    expect((await a.tab.read('race'))!.messages.map((m) => m.content)).toEqual(['hello', 'from A']);
    // B re-reads and retries: both edits kept.
    const fresh = (await b.tab.read('race'))!;
    await b.tab.put({ ...fresh, messages: [...fresh.messages, { role: 'assistant', content: 'from B' }] }, fresh.revision);
    expect((await a.tab.read('race'))!.messages.map((m) => m.content)).toEqual(['hello', 'from A', 'from B']);
    // Control: the same race with blind writes (no expected revision) loses A's edit.
    await a.tab.put(conv('blind', [{ role: 'user', content: 'hello' }]));
    const ra = (await a.tab.read('blind'))!;
    const rb = (await b.tab.read('blind'))!;
    await a.tab.put({ ...ra, messages: [...ra.messages, { role: 'assistant', content: 'from A' }] });
    await b.tab.put({ ...rb, messages: [...rb.messages, { role: 'assistant', content: 'from B' }] });
    expect((await a.tab.read('blind'))!.messages.map((m) => m.content)).toEqual(['hello', 'from B']);
  }, 60_000);
});
