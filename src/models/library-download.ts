/**
 * The download half of `ModelLibrary` for stored GGUF files: new records, the projector record a catalog
 * model with `mmproj` needs, one download for a model and its projector (in parallel within the
 * downloader's limit, progress summed under the model's id, the first failure stopping the other), and
 * the header checks that run once the bytes are in — a model must not be a `clip` projector, a projector
 * must be one; a file that fails is discarded (`GgufError`). @internal
 */
import { AbortError, GgufError, LlmOsError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { getModel, putModel, putModels } from '../storage/model-records';
import type { ModelRecord } from '../storage/schema';
import { deleteChunks, readChunks } from '../storage/weight-store';
import type { CatalogEntry } from './catalog';
import type { DownloadOptions, ModelDownloader } from './downloader';
import { hyperParams, readGgufHeader } from './gguf-header';
import { describeGguf } from './gguf-facts';
import { PairProgress } from './pair-progress';
import { checkNotProjector, checkProjectorHeader, projectorIdOf } from './projector';

/** A fresh `remote` record with the library's chunk size; undefined fields are left out. */
export function newRecord(chunkSize: number, r: Pick<ModelRecord, 'id' | 'name' | 'origin'> & Partial<ModelRecord>): ModelRecord {
  return {
    engine: 'wllama', sizeBytes: 0, chunkSize, storedBytes: 0, state: 'remote', createdAt: Date.now(), lastUsed: 0,
    ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)), id: r.id, name: r.name, origin: r.origin,
  } as ModelRecord;
}

/**
 * The projector record of a model about to be downloaded: the stored one, or — for a catalog model whose
 * entry has `mmproj` — a new one, written with the model's pointer to it in one transaction (also for a
 * model stored before its catalog entry had a projector).
 */
export async function projectorFor(db: LlmOsDatabase, rec: ModelRecord, entry: CatalogEntry | undefined): Promise<ModelRecord | undefined> {
  const stored = rec.projectorId ? await getModel(db, rec.projectorId) : undefined;
  if (stored) return stored;
  if (rec.origin !== 'catalog' || entry?.engine !== 'wllama' || !entry.mmproj) return undefined;
  const m = entry.mmproj;
  const proj = newRecord(rec.chunkSize, {
    id: projectorIdOf(rec.id), name: `${entry.name} (vision projector)`, origin: 'catalog', url: m.url, sizeHint: m.sizeBytes,
    sha256: m.sha256, role: 'projector', projectorOf: rec.id,
  });
  await putModels(db, [proj, { ...rec, projectorId: proj.id }]);
  return proj;
}

/**
 * Download a stored model record (and its projector, if given) and check the headers of what arrived.
 * Resolves with the model's final record.
 */
export async function downloadStored(db: LlmOsDatabase, downloader: ModelDownloader, model: ModelRecord, projector: ModelRecord | undefined, options: DownloadOptions): Promise<ModelRecord> {
  // A projector imported from a file has nothing to fetch: when it is complete, only the model downloads.
  const fetchProjector = projector && !(projector.state === 'cached' && !projector.url) ? projector : undefined;
  let rec = fetchProjector ? await downloadPair(db, downloader, model, fetchProjector, options) : await downloader.download(model.id, options);
  if (!rec.hyper) rec = await describeModel(db, rec);
  return rec;
}

async function downloadPair(db: LlmOsDatabase, downloader: ModelDownloader, model: ModelRecord, projector: ModelRecord, options: DownloadOptions): Promise<ModelRecord> {
  const onProgress = options.onProgress;
  const starts = [model, projector].map((r) => ({ id: r.id, loaded: r.storedBytes, total: r.sizeBytes || r.sizeHint || 0 }));
  const pair = onProgress ? new PairProgress(model.id, starts, onProgress) : null;
  const part: DownloadOptions = { ...options, ...(pair ? { onProgress: (p) => pair.update(p) } : {}) };
  const run = (id: string, other: string) => downloader.download(id, part).catch((e: unknown) => {
    downloader.cancel(other);
    throw e;
  });
  const [m, p] = await Promise.allSettled([run(model.id, projector.id), run(projector.id, model.id)]);
  if (m.status === 'rejected' || p.status === 'rejected') {
    // Report the cause, not the cancel it caused in the other half; name the model either way.
    const errors = [m, p].flatMap((r): unknown[] => (r.status === 'rejected' ? [r.reason] : []));
    const err = errors.find((e) => !(e instanceof AbortError)) ?? errors[0];
    if (err instanceof LlmOsError && err.details['id'] === projector.id) Object.assign(err.details, { id: model.id, projectorId: projector.id });
    throw err;
  }
  if (!p.value.hyper) await describeProjector(db, p.value, model.id);
  return m.value;
}

const storedHeader = async (db: LlmOsDatabase, id: string) => readGgufHeader(new Blob((await readChunks(db, id)).map((c) => c.blob)));

/** Read the header of a freshly downloaded model; a non-GGUF download (or a projector) is discarded. */
async function describeModel(db: LlmOsDatabase, rec: ModelRecord): Promise<ModelRecord> {
  try {
    const header = await storedHeader(db, rec.id);
    checkNotProjector(header, rec.url ?? rec.name);
    const facts = describeGguf(header);
    const next = { ...rec, quantisation: facts.quantisation, hyper: facts.hyper, memoryBytes: facts.memoryBytes };
    await putModel(db, next);
    return next;
  } catch (e) {
    if (e instanceof GgufError) await discard(db, rec);
    throw e;
  }
}

/** Check a freshly downloaded projector's header (`clip`); anything else is discarded, a `GgufError`. */
async function describeProjector(db: LlmOsDatabase, rec: ModelRecord, modelId: string): Promise<void> {
  try {
    const header = await storedHeader(db, rec.id);
    checkProjectorHeader(header, rec.url ?? rec.name);
    const hyper = hyperParams(header);
    await putModel(db, { ...((await getModel(db, rec.id)) ?? rec), hyper, quantisation: hyper.fileType });
  } catch (e) {
    if (e instanceof GgufError) {
      await discard(db, rec);
      Object.assign(e.details, { id: modelId, projectorId: rec.id });
    }
    throw e;
  }
}

/** Forget a downloaded file's bytes (it was not what it should be): the record goes back to `remote`. */
async function discard(db: LlmOsDatabase, rec: ModelRecord): Promise<void> {
  await putModel(db, { ...rec, state: 'remote', storedBytes: 0, verified: false });
  await deleteChunks(db, rec.id);
}
