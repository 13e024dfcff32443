/**
 * Opens the `llmos` IndexedDB database. Migrations live only in `upgrade()`, one numbered step per
 * schema version, each applied in order from the version the user has (`oldVersion`) — so a visitor who
 * skipped releases walks every step. Add a step by bumping `DB_VERSION` and appending an `if` block.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { LlmOsDB } from './schema';

/** Current schema version. */
export const DB_VERSION = 1;
/** Default database name; tests pass their own to stay isolated. */
export const DB_NAME = 'llmos';

/** A connection to the `llmos` database. */
export type LlmOsDatabase = IDBPDatabase<LlmOsDB>;

/** Open (creating or migrating as needed) the LLM OS database. */
export function openLlmOsDb(name: string = DB_NAME): Promise<LlmOsDatabase> {
  return openDB<LlmOsDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const models = db.createObjectStore('models', { keyPath: 'id' });
        models.createIndex('by-lastUsed', 'lastUsed');
        const chunks = db.createObjectStore('chunks', { keyPath: ['modelId', 'index'] });
        chunks.createIndex('by-model', 'modelId');
        const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
        conversations.createIndex('by-app', 'appId');
        conversations.createIndex('by-updatedAt', 'updatedAt');
        db.createObjectStore('settings', { keyPath: 'key' });
      }
      // Version 2 goes here: `if (oldVersion < 2) { … }`.
    },
    blocking(_current, _blocked, event) {
      // Another tab opens a newer schema: step aside so its upgrade can run (this tab reloads to follow).
      (event.target as IDBDatabase | null)?.close();
    },
  });
}

/** Delete a database (tests and "reset everything"); resolves once no connection blocks it. */
export function deleteLlmOsDb(name: string = DB_NAME): Promise<void> {
  return deleteDB(name);
}
