/**
 * Import a local `.gguf` (a `File` from a picker or a drop, or any Blob): validate its header first (a
 * non-GGUF or truncated file is a `GgufError` before anything is written), check the quota, then store it
 * in chunks with per-chunk and whole-file SHA-256. A failed import leaves nothing behind. @internal
 */
import { AbortError, GgufError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { deleteModel, putModel } from '../storage/model-records';
import { ensureSpace, type EstimateFn } from '../storage/quota';
import type { ModelRecord } from '../storage/schema';
import { putChunk } from '../storage/weight-store';
import { readGgufHeader } from './gguf-header';
import { describeGguf } from './gguf-facts';
import { Sha256, sha256Hex } from './sha256';

/** Options of `importGguf`. */
export interface ImportOptions {
  /** Display name (default: the file name without `.gguf`). */
  name?: string;
  chunkSize: number;
  estimate?: EstimateFn | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((loaded: number, total: number) => void) | undefined;
}

/** A stable id for an imported file: its name and size (re-importing the same file replaces it). */
export function importId(name: string, size: number): string {
  const slug = name.toLowerCase().replace(/\.gguf$/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `import:${slug}-${size}`;
}

/** Validate and store a local GGUF file; resolves with its `cached` record. */
export async function importGguf(db: LlmOsDatabase, file: Blob, options: ImportOptions): Promise<ModelRecord> {
  const fileName = (file as Partial<File>).name ?? 'model.gguf';
  if (file.size === 0) throw new GgufError('The file is empty', { name: fileName });
  const header = await readGgufHeader(file); // GgufError / UnsupportedModelError before any write
  const facts = describeGguf(header);
  await ensureSpace(file.size, options.estimate, { name: fileName });
  const now = Date.now();
  let rec: ModelRecord = {
    id: importId(fileName, file.size), name: options.name ?? (facts.name || fileName.replace(/\.gguf$/i, '')), engine: 'wllama',
    origin: 'import', sizeBytes: file.size, chunkSize: options.chunkSize, storedBytes: 0, state: 'partial',
    quantisation: facts.quantisation, hyper: facts.hyper, memoryBytes: facts.memoryBytes, createdAt: now, lastUsed: 0,
  };
  await deleteModel(db, rec.id);
  await putModel(db, rec);
  const whole = new Sha256();
  try {
    for (let index = 0, off = 0; off < file.size; index++, off += options.chunkSize) {
      if (options.signal?.aborted) throw new AbortError('Import cancelled', { name: fileName });
      const bytes = new Uint8Array(await file.slice(off, off + options.chunkSize).arrayBuffer());
      whole.update(bytes);
      rec = { ...rec, storedBytes: rec.storedBytes + bytes.length };
      await putChunk(db, { modelId: rec.id, index, blob: new Blob([bytes]), size: bytes.length, sha256: await sha256Hex(bytes) }, rec);
      options.onProgress?.(rec.storedBytes, file.size);
    }
  } catch (e) {
    await deleteModel(db, rec.id).catch(() => undefined);
    throw e;
  }
  rec = { ...rec, state: 'cached', sha256: whole.digestHex(), verified: true };
  await putModel(db, rec);
  return rec;
}
