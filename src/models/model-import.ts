/**
 * Import a local `.gguf` (a `File` from a picker or a drop, or any Blob), optionally with its vision
 * projector (mmproj GGUF): validate every header first (a non-GGUF or truncated file, a projector that is
 * not `clip`, or a projector given as the model, is a `GgufError` before anything is written), check the
 * quota for both files, then store each in chunks with per-chunk and whole-file SHA-256. A failed import
 * leaves nothing behind. `importProjector` adds (or replaces) the projector of a stored model. @internal
 */
import { AbortError, GgufError, UnknownModelError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { deleteModels, getModel, putModels } from '../storage/model-records';
import { ensureSpace, type EstimateFn } from '../storage/quota';
import type { ModelRecord } from '../storage/schema';
import { putChunk } from '../storage/weight-store';
import { hyperParams, readGgufHeader, type GgufHeader } from './gguf-header';
import { describeGguf } from './gguf-facts';
import { checkNotProjector, checkProjectorFile, projectorIdOf } from './projector';
import { Sha256, sha256Hex } from './sha256';

/** Options of `importGguf`. */
export interface ImportOptions {
  /** Display name (default: the model's `general.name`, else the file name without `.gguf`). */
  name?: string;
  /** The model's vision projector (mmproj GGUF, architecture `clip`), stored with it. */
  projector?: Blob | undefined;
  chunkSize: number;
  estimate?: EstimateFn | undefined;
  signal?: AbortSignal | undefined;
  /** Bytes stored so far of everything being imported (model + projector). */
  onProgress?: ((loaded: number, total: number) => void) | undefined;
}

/** A stable id for an imported file: its name and size (re-importing the same file replaces it). */
export function importId(name: string, size: number): string {
  const slug = name.toLowerCase().replace(/\.gguf$/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `import:${slug}-${size}`;
}

const nameOf = (file: Blob, fallback: string) => (file as Partial<File>).name ?? fallback;

/** Validate and store a local GGUF file (and its projector); resolves with the model's `cached` record. */
export async function importGguf(db: LlmOsDatabase, file: Blob, options: ImportOptions): Promise<ModelRecord> {
  const fileName = nameOf(file, 'model.gguf');
  if (file.size === 0) throw new GgufError('The file is empty', { name: fileName });
  const header = await readGgufHeader(file); // GgufError / UnsupportedModelError before any write
  checkNotProjector(header, fileName);
  const facts = describeGguf(header);
  const projector = options.projector;
  const projectorHeader = projector ? await checkProjectorFile(projector, nameOf(projector, 'mmproj.gguf')) : null;
  await ensureSpace(file.size + (projector?.size ?? 0), options.estimate, { name: fileName });
  const now = Date.now();
  const id = importId(fileName, file.size);
  const model: ModelRecord = {
    id, name: options.name ?? (facts.name || fileName.replace(/\.gguf$/i, '')), engine: 'wllama',
    origin: 'import', sizeBytes: file.size, chunkSize: options.chunkSize, storedBytes: 0, state: 'partial',
    quantisation: facts.quantisation, hyper: facts.hyper, memoryBytes: facts.memoryBytes, createdAt: now, lastUsed: 0,
    ...(projector ? { projectorId: projectorIdOf(id) } : {}),
  };
  const ids = [id, projectorIdOf(id)];
  await deleteModels(db, ids); // re-importing replaces the model and whatever projector it had
  const total = file.size + (projector?.size ?? 0);
  try {
    const storedModel = await storeFile(db, model, file, options, (n) => options.onProgress?.(n, total));
    if (!projector || !projectorHeader) {
      await putModels(db, [storedModel]);
      return storedModel;
    }
    const proj = projectorRecord(model, projector, projectorHeader, options.chunkSize);
    const storedProjector = await storeFile(db, proj, projector, options, (n) => options.onProgress?.(file.size + n, total));
    await putModels(db, [storedModel, storedProjector]);
    return storedModel;
  } catch (e) {
    await deleteModels(db, ids).catch(() => undefined);
    throw e;
  }
}

/**
 * Add a vision projector to a stored model, replacing the one it had. The file is checked (GGUF, `clip`)
 * and the quota asked before the old projector is touched; if storing fails, the model is left without
 * a projector (text only) and nothing of the new file stays.
 */
export async function importProjector(db: LlmOsDatabase, modelId: string, file: Blob, options: Omit<ImportOptions, 'projector' | 'name'>): Promise<ModelRecord> {
  const header = await checkProjectorFile(file, nameOf(file, 'mmproj.gguf'));
  await ensureSpace(file.size, options.estimate, { id: modelId, name: nameOf(file, 'mmproj.gguf') });
  const model = await getModel(db, modelId);
  if (!model) throw new UnknownModelError(`No model ${modelId} in the library`, { id: modelId }); // deleted meanwhile
  const projId = projectorIdOf(modelId);
  const textOnly: ModelRecord = { ...model };
  delete textOnly.projectorId;
  await deleteModels(db, [projId]);
  await putModels(db, [textOnly]);
  try {
    const proj = await storeFile(db, projectorRecord(model, file, header, options.chunkSize), file, options, (n) => options.onProgress?.(n, file.size));
    const next: ModelRecord = { ...((await getModel(db, modelId)) ?? textOnly), projectorId: projId };
    await putModels(db, [next, proj]);
    return next;
  } catch (e) {
    await deleteModels(db, [projId]).catch(() => undefined);
    throw e;
  }
}

/** The record of a model's projector, before its bytes are stored. */
function projectorRecord(model: ModelRecord, file: Blob, header: GgufHeader, chunkSize: number): ModelRecord {
  const hyper = hyperParams(header);
  return {
    id: projectorIdOf(model.id), name: `${model.name} (vision projector)`, engine: 'wllama', origin: 'import', role: 'projector',
    projectorOf: model.id, sizeBytes: file.size, chunkSize, storedBytes: 0, state: 'partial', quantisation: hyper.fileType, hyper,
    createdAt: Date.now(), lastUsed: 0,
  };
}

/** Store a file's chunks under `rec` (hashing as it goes); resolves with the `cached`, verified record. */
async function storeFile(db: LlmOsDatabase, rec: ModelRecord, file: Blob, options: ImportOptions | Omit<ImportOptions, 'projector' | 'name'>, onBytes: (n: number) => void): Promise<ModelRecord> {
  const name = nameOf(file, rec.name);
  const whole = new Sha256();
  let cur = { ...rec, storedBytes: 0, state: 'partial' as const };
  for (let index = 0, off = 0; off < file.size; index++, off += options.chunkSize) {
    if (options.signal?.aborted) throw new AbortError('Import cancelled', { name });
    const bytes = new Uint8Array(await file.slice(off, off + options.chunkSize).arrayBuffer());
    whole.update(bytes);
    cur = { ...cur, storedBytes: cur.storedBytes + bytes.length };
    await putChunk(db, { modelId: cur.id, index, blob: new Blob([bytes]), size: bytes.length, sha256: await sha256Hex(bytes) }, cur);
    onBytes(cur.storedBytes);
  }
  return { ...cur, state: 'cached', sha256: whole.digestHex(), verified: true };
}
