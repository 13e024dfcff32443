/**
 * Damaged records: what the store modules skipped because a stored value failed its shape check
 * (`record-checks.ts`). Each is reported once per page — one console warning in words, and a `change`
 * event so the UI where the user is (the Chat app for its conversations, the model library for model
 * records, chunks and its settings) shows a notice that offers to delete it. A record that reads well
 * again (another tab rewrote it) leaves the list by itself.
 */
import type { LlmOsDatabase } from './db';
import type { Problem } from './record-checks';

/** The stores whose records are checked. */
export type CheckedStore = 'conversations' | 'models' | 'chunks' | 'settings';

/** One skipped record. */
export interface DamagedRecord {
  /** Database name (tests and apps may use their own). */
  db: string;
  store: CheckedStore;
  /** Its primary key (`[modelId, index]` for a chunk). */
  key: IDBValidKey;
  /** What is wrong, e.g. `.messages is not an array`. */
  problem: string;
  /** The app of a conversation, when the record names one. */
  appId?: string;
}

const NOUN: Record<CheckedStore, string> = { conversations: 'conversation', models: 'model record', chunks: 'model-file chunk', settings: 'setting' };
const KEY_PATH: Record<CheckedStore, (v: Record<string, unknown>) => unknown> = {
  conversations: (v) => v['id'], models: (v) => v['id'], settings: (v) => v['key'], chunks: (v) => [v['modelId'], v['index']],
};
const idOf = (r: Pick<DamagedRecord, 'db' | 'store' | 'key'>) => `${r.db}\u0000${r.store}\u0000${JSON.stringify(r.key)}`;

/** The page's list of skipped records (one per page: every store module reports here). */
export class DamagedRecords extends EventTarget {
  private readonly records = new Map<string, DamagedRecord>();

  /**
   * The value if `problem` is null; else report it (warning once) and return undefined. Store modules
   * call this on every record they read.
   */
  check<T>(db: LlmOsDatabase, store: CheckedStore, value: unknown, problem: Problem): T | undefined {
    const v = value as Record<string, unknown>;
    const key = KEY_PATH[store](v) as IDBValidKey;
    if (problem === null) {
      if (this.records.size && this.records.delete(idOf({ db: db.name, store, key }))) this.changed();
      return value as T;
    }
    const rec: DamagedRecord = { db: db.name, store, key, problem, ...(typeof v['appId'] === 'string' ? { appId: v['appId'] } : {}) };
    const id = idOf(rec);
    if (!this.records.has(id)) {
      this.records.set(id, rec);
      console.warn(`LLM OS skipped a damaged ${NOUN[store]} in IndexedDB (${db.name} › ${store} › ${JSON.stringify(key)}): ${problem}. `
        + 'It is left as it is; the app that lists it offers to delete it.');
      this.changed();
    }
    return undefined;
  }

  /** Skipped records of one database, optionally of some stores only. */
  list(db: string, stores?: readonly CheckedStore[]): DamagedRecord[] {
    return [...this.records.values()].filter((r) => r.db === db && (!stores || stores.includes(r.store)));
  }

  /**
   * Delete a skipped record from its store (a model record with every chunk of that model), and forget
   * it. The database must be the one it was read from.
   */
  async delete(db: LlmOsDatabase, rec: DamagedRecord): Promise<void> {
    if (rec.store === 'models') {
      const tx = db.transaction(['models', 'chunks'], 'readwrite');
      const id = rec.key as string;
      await Promise.all([tx.objectStore('models').delete(id), tx.objectStore('chunks').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])), tx.done]);
    } else {
      await db.delete(rec.store, rec.key as never);
    }
    if (this.records.delete(idOf(rec))) this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** The page's damaged-record list. */
export const damagedRecords = new DamagedRecords();
