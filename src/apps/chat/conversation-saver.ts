/**
 * Saves a conversation at every chunk boundary without queueing a write per token: one IndexedDB write
 * runs at a time, and whatever arrived meanwhile is written right after it (the latest state only). A
 * reload mid-generation therefore loses at most the tokens of the write in flight.
 */
import type { LlmOsDatabase } from '../../storage/db';
import { putConversation } from '../../storage/conversations';
import type { ConversationRecord } from '../../storage/schema';

/** Coalescing writer of one conversation: one write in flight, then the latest state. */
export class ConversationSaver {
  private pending: ConversationRecord | null = null;
  private running: Promise<void> | null = null;
  /** The last write's error, if any (a full quota, a closed database). */
  lastError: unknown = null;

  constructor(private readonly db: LlmOsDatabase) {}

  /** Schedule a save of this state (replacing any not yet written). */
  save(conv: ConversationRecord): Promise<void> {
    this.pending = structuredClone(conv);
    this.running ??= this.drain();
    return this.running;
  }

  /** Resolves when everything scheduled is written. */
  flush(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const next = this.pending;
        this.pending = null;
        try {
          await putConversation(this.db, next);
          this.lastError = null;
        } catch (e) {
          this.lastError = e;
        }
      }
    } finally {
      this.running = null;
    }
  }
}
