/**
 * The `chunks` store: a model file as fixed-size Blobs keyed `[modelId, index]`. A chunk is written only
 * once it is complete and hashed, in the same transaction as its model record's progress, so a crash or a
 * reload never leaves a half chunk or a record that disagrees with the chunks. Blobs read back from
 * IndexedDB are file-backed: handing them to a worker passes a reference, not the bytes. A chunk record
 * that is not a usable chunk (no Blob, no size) reads as missing and is reported once (`damaged-records.ts`).
 */
import { damagedRecords } from './damaged-records';
import type { LlmOsDatabase } from './db';
import { chunkProblem } from './record-checks';
import type { ModelRecord, WeightChunk } from './schema';
import { rethrowQuota } from './quota';

/** Default chunk size: 16 MiB (small enough to hash in one piece, large enough to keep the store short). */
export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;

/** Key range of every chunk of one model, in index order. */
export function chunkRange(modelId: string): IDBKeyRange {
  return IDBKeyRange.bound([modelId, 0], [modelId, Number.MAX_SAFE_INTEGER]);
}

/** Number of chunks of a file of `size` bytes. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Write one verified chunk and (optionally) the updated record atomically; quota failures become `StorageQuotaError`. */
export async function putChunk(db: LlmOsDatabase, chunk: WeightChunk, record?: ModelRecord): Promise<void> {
  try {
    const tx = db.transaction(['chunks', 'models'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').put(chunk),
      record ? tx.objectStore('models').put(record) : undefined,
      tx.done,
    ]);
  } catch (e) {
    rethrowQuota(e, { modelId: chunk.modelId, index: chunk.index, bytes: chunk.size });
  }
}

/** Indexes of the chunks stored for a model (keys only: no Blob is touched). */
export async function storedChunkIndexes(db: LlmOsDatabase, modelId: string): Promise<number[]> {
  const keys = await db.getAllKeys('chunks', chunkRange(modelId));
  return keys.map((k) => k[1]);
}

const checked = (db: LlmOsDatabase, v: unknown): WeightChunk | undefined => damagedRecords.check<WeightChunk>(db, 'chunks', v, chunkProblem(v));

/** Every stored chunk of a model, in index order (damaged ones skipped and reported). */
export async function readChunks(db: LlmOsDatabase, modelId: string): Promise<WeightChunk[]> {
  return (await db.getAll('chunks', chunkRange(modelId))).flatMap((v) => checked(db, v) ?? []);
}

/** One chunk, or undefined (also for a damaged one). */
export async function readChunk(db: LlmOsDatabase, modelId: string, index: number): Promise<WeightChunk | undefined> {
  const v = await db.get('chunks', [modelId, index]);
  return v === undefined ? undefined : checked(db, v);
}

/** Remove one chunk (a corrupt one: it is fetched again). */
export function deleteChunk(db: LlmOsDatabase, modelId: string, index: number): Promise<void> {
  return db.delete('chunks', [modelId, index]);
}

/** Remove every chunk of a model. */
export function deleteChunks(db: LlmOsDatabase, modelId: string): Promise<void> {
  return db.delete('chunks', chunkRange(modelId));
}
