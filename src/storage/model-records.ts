/**
 * The `models` store: one `ModelRecord` per stored (or partly stored) GGUF file — a model, or the vision
 * projector of one. Deleting a model removes its record and its chunks in one transaction; a model and its
 * projector are written and deleted together with `putModels` / `deleteModels`. Every record read is
 * shape-checked: a damaged one reads as absent and is reported once (`damaged-records.ts`).
 */
import { damagedRecords } from './damaged-records';
import type { LlmOsDatabase } from './db';
import { modelProblem } from './record-checks';
import type { ModelRecord } from './schema';
import { chunkRange } from './weight-store';

/** A stored value if it is a usable model record; else reported (once) and undefined. */
const checked = (db: LlmOsDatabase, v: unknown): ModelRecord | undefined => damagedRecords.check<ModelRecord>(db, 'models', v, modelProblem(v));

/** A model record, or undefined (also for a damaged record, which is reported). */
export async function getModel(db: LlmOsDatabase, id: string): Promise<ModelRecord | undefined> {
  const v = await db.get('models', id);
  return v === undefined ? undefined : checked(db, v);
}

/** Insert or replace a record. */
export async function putModel(db: LlmOsDatabase, record: ModelRecord): Promise<void> {
  await db.put('models', record);
}

/** Insert or replace several records atomically (a model and its projector). */
export async function putModels(db: LlmOsDatabase, records: ModelRecord[]): Promise<void> {
  const tx = db.transaction('models', 'readwrite');
  await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
}

/** Every record, least recently used first (damaged ones skipped and reported). */
export async function listModels(db: LlmOsDatabase): Promise<ModelRecord[]> {
  // Not through the `by-lastUsed` index alone: a record whose `lastUsed` is not a valid key is not in it.
  const all = (await db.getAll('models')).flatMap((v) => checked(db, v) ?? []);
  return all.sort((a, b) => a.lastUsed - b.lastUsed);
}

/** Remove a record and all of its chunks atomically. */
export async function deleteModel(db: LlmOsDatabase, id: string): Promise<void> {
  const tx = db.transaction(['models', 'chunks'], 'readwrite');
  await Promise.all([tx.objectStore('models').delete(id), tx.objectStore('chunks').delete(chunkRange(id)), tx.done]);
}

/** Remove several records and all of their chunks in one transaction (a model and its projector). */
export async function deleteModels(db: LlmOsDatabase, ids: string[]): Promise<void> {
  const tx = db.transaction(['models', 'chunks'], 'readwrite');
  const models = tx.objectStore('models');
  const chunks = tx.objectStore('chunks');
  await Promise.all([...ids.flatMap((id) => [models.delete(id), chunks.delete(chunkRange(id))]), tx.done]);
}

/** Record a use (for LRU eviction). */
export async function touchModel(db: LlmOsDatabase, id: string, now: number = Date.now()): Promise<void> {
  const tx = db.transaction('models', 'readwrite');
  const rec = await tx.store.get(id);
  if (rec && checked(db, rec)) await tx.store.put({ ...rec, lastUsed: now });
  await tx.done;
}
