/**
 * IndexedDB schema of the knowledge graph: database `llmos-knowledge`, one record per entity and one per
 * relation, keyed `[namespace, id]` so a namespace loads with one key-range read and its writes never
 * touch another namespace. Migrations live only in `upgrade()`.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EntityAttributes, Namespace, RelationAttributes } from './model';

/** Name of the knowledge database (separate from the model library's database, see docs). */
export const KNOWLEDGE_DB_NAME = 'llmos-knowledge';
/** Current schema version. Bump it and add a step in `upgrade()` for every change. */
export const KNOWLEDGE_DB_VERSION = 1;

/** One entity as stored. */
export interface NodeRecord extends EntityAttributes {
  ns: Namespace;
  id: string;
}

/** One relation as stored. */
export interface EdgeRecord extends RelationAttributes {
  ns: Namespace;
  id: string;
  source: string;
  target: string;
}

/** The `idb` schema (typed stores and keys). */
export interface KnowledgeDbSchema extends DBSchema {
  nodes: { key: [string, string]; value: NodeRecord };
  edges: { key: [string, string]; value: EdgeRecord };
}

/** An open knowledge database. */
export type KnowledgeDb = IDBPDatabase<KnowledgeDbSchema>;

/** Open (creating or migrating) the knowledge database. */
export function openKnowledgeDb(name: string = KNOWLEDGE_DB_NAME): Promise<KnowledgeDb> {
  return openDB<KnowledgeDbSchema>(name, KNOWLEDGE_DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('nodes', { keyPath: ['ns', 'id'] });
        db.createObjectStore('edges', { keyPath: ['ns', 'id'] });
      }
    },
  });
}

/** The key range holding every record of one namespace (`[ns]` < `[ns, id]` < `[ns, []]`). */
export function namespaceRange(ns: Namespace): IDBKeyRange {
  return IDBKeyRange.bound([ns], [ns, []]);
}
