/**
 * `ModelLibrary`: the one place the page asks about models. It lists catalog models, downloaded and
 * imported GGUF files and WebLLM's own cache in one list (name, engine, size, quantisation, memory
 * estimate, state remote/partial/cached, last used, inputs); downloads and resumes GGUF files into
 * IndexedDB; imports local files; deletes; frees space by evicting the least recently used; and hands a
 * cached model to an engine worker as file-backed Blobs (`ModelSource` of kind `gguf-blobs`) — no
 * network, and no copy of the weights on the main thread. Fires `change` whenever the list changes.
 *
 * A GGUF model may have a vision projector (mmproj GGUF): it is stored as its own chunked record
 * (`<id>#mmproj`, see `projector.ts`) by the same downloader, but the library treats the pair as one
 * model — one row, downloaded, cancelled, evicted and deleted together, and `source()` hands both over.
 */
import type { ModelSource } from '../protocol/engine';
import { InvalidRequestError, StorageQuotaError, UnknownModelError } from '../errors';
import { openLlmOsDb, type LlmOsDatabase } from '../storage/db';
import { deleteModels, getModel, listModels, putModel, putModels, touchModel } from '../storage/model-records';
import { requestPersistence, storageInfo, type EstimateFn, type StorageInfo } from '../storage/quota';
import type { ModelRecord } from '../storage/schema';
import { numberMap } from '../storage/record-checks';
import { getSetting, setSetting } from '../storage/settings';
import { DEFAULT_CHUNK_SIZE, readChunks } from '../storage/weight-store';
import { catalogFor, type CatalogEntry, type DeviceCapability } from './catalog';
import { projectorMemoryBytes, toMB } from './cost';
import { ModelDownloader, type DownloadOptions, type DownloaderOptions } from './downloader';
import { fetchManifest } from './integrity';
import { downloadStored, newRecord, projectorFor } from './library-download';
import { catalogRow, recordRow, webllmRow, type LibraryEntry } from './library-entry';
import { importGguf, importProjector } from './model-import';
import { foldProjector, isProjector, projectorIdOf, splitModelFiles } from './projector';
import { sha256Hex } from './sha256';
import { deleteWebllmCache, webllmCacheStates } from './webllm-cache-reader';

export type { LibraryEntry } from './library-entry';

/** Options of `importFile` and `attachProjector`. */
export interface ImportFileOptions {
  name?: string;
  /** The model's vision projector (mmproj GGUF, architecture `clip`): stored with the model. */
  projector?: Blob;
  signal?: AbortSignal;
  /** Bytes stored so far of everything imported (model + projector). */
  onProgress?: (loaded: number, total: number) => void;
}

/** Options of `ModelLibrary.open`. */
export interface LibraryOptions extends DownloaderOptions {
  /** Database name (tests use their own). */
  dbName?: string;
  /** Chunk size for new downloads and imports (default 16 MiB). */
  chunkSize?: number;
  /** Catalog to list; default `catalogFor(device)`. */
  catalog?: CatalogEntry[];
  /** Device used to filter the default catalog (default: no shader-f16, 2048 MB). */
  device?: DeviceCapability;
  estimate?: EstimateFn;
}

const WEBLLM_LAST_USED = 'models.webllmLastUsed';

/** The model library (see the module comment). Open with `ModelLibrary.open()`. */
export class ModelLibrary extends EventTarget {
  private readonly downloader: ModelDownloader;
  private readonly chunkSize: number;
  private readonly catalog: CatalogEntry[];

  private constructor(readonly db: LlmOsDatabase, private readonly options: LibraryOptions) {
    super();
    this.downloader = new ModelDownloader(db, options);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.catalog = options.catalog ?? catalogFor(options.device ?? { f16: false, vramBudgetMB: 2048 });
  }

  /** Open the library (and its database). */
  static async open(options: LibraryOptions = {}): Promise<ModelLibrary> {
    return new ModelLibrary(await openLlmOsDb(options.dbName), options);
  }

  /** Everything: stored GGUF models, catalog models, and WebLLM models that are recommended or cached. */
  async list(): Promise<LibraryEntry[]> {
    const records = await listModels(this.db);
    const byId = new Map(records.map((r) => [r.id, r]));
    const out: LibraryEntry[] = [];
    for (const e of this.catalog) if (e.engine === 'wllama' && !byId.has(e.id)) out.push(catalogRow(e));
    // A projector is listed folded into its model (one row per model).
    const running = this.downloader.inProgress;
    for (const r of records) if (!isProjector(r)) out.push(recordRow(r, r.projectorId ? byId.get(r.projectorId) : undefined, running));
    const webllm = this.catalog.filter((e) => e.engine === 'webllm');
    const states = await webllmCacheStates(webllm.map((e) => e.record));
    const used = await getSetting<Record<string, number>>(this.db, WEBLLM_LAST_USED, {}, numberMap);
    for (const e of webllm) out.push(webllmRow(e, states.get(e.id)!, used[e.id] ?? null));
    return out;
  }

  /** One entry, or undefined. */
  async get(id: string): Promise<LibraryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }

  /** A model's entry as stored now (with its projector folded in). */
  private async storedEntry(rec: ModelRecord): Promise<LibraryEntry> {
    return recordRow(rec, rec.projectorId ? await getModel(this.db, rec.projectorId) : undefined, this.downloader.inProgress);
  }

  /**
   * Download (or resume) a GGUF model: a catalog id, or an id from `addUrl`. A model with a vision
   * projector downloads both files (in parallel, within the downloader's limit; progress is reported for
   * the pair under the model's id) and resolves when both are stored and verified. See
   * `ModelDownloader.download` for the errors; a projector whose header is not `clip` is a `GgufError`.
   */
  async download(id: string, options: DownloadOptions = {}): Promise<LibraryEntry> {
    let rec = await getModel(this.db, id);
    if (rec && isProjector(rec) && rec.projectorOf) return this.download(rec.projectorOf, options); // a projector comes with its model
    if (!rec) {
      const entry = this.catalog.find((e) => e.id === id);
      if (!entry) throw new UnknownModelError(`No model ${id} in the library or the catalog`, { id });
      if (entry.engine === 'webllm') {
        throw new InvalidRequestError('WebLLM models are downloaded into their own cache when an engine loads them', { id });
      }
      // The record's estimate is the model's own; the projector's weights are added when listed.
      const memoryBytes = entry.memoryBytes - projectorMemoryBytes(entry.mmproj?.sizeBytes ?? 0);
      rec = newRecord(this.chunkSize, { id, name: entry.name, origin: 'catalog', url: entry.url, sizeHint: entry.sizeBytes, quantisation: entry.quantisation, memoryBytes, sha256: entry.sha256 });
      if (entry.manifestUrl) Object.assign(rec, await this.manifest(entry.manifestUrl, options.signal));
      await putModel(this.db, rec);
    }
    const projector = await projectorFor(this.db, rec, this.catalog.find((e) => e.id === id));
    if (projector && !rec.projectorId) rec = { ...rec, projectorId: projector.id };
    void requestPersistence();
    this.changed();
    try {
      return await this.storedEntry(await downloadStored(this.db, this.downloader, rec, projector, options));
    } finally {
      this.changed();
    }
  }

  private async manifest(url: string, signal?: AbortSignal): Promise<Partial<ModelRecord>> {
    const m = await fetchManifest(url, signal, this.options.fetch);
    return { ...(m.sha256 ? { sha256: m.sha256 } : {}), ...(m.chunkSha256 ? { chunkSize: m.chunkSize!, chunkSha256: m.chunkSha256 } : {}) };
  }

  /** Cancel a download (a model's cancels its projector's too); its chunks stay for a later resume. */
  cancel(id: string): void {
    this.downloader.cancel(id);
    this.downloader.cancel(projectorIdOf(id));
  }

  /**
   * Resume every download that a reload or a closed tab interrupted. A pending projector resumes through
   * its model (one download for the pair); a projector whose model is gone is deleted.
   */
  async resumePending(options: Omit<DownloadOptions, 'signal'> = {}): Promise<PromiseSettledResult<LibraryEntry>[]> {
    const records = await listModels(this.db);
    const byId = new Map(records.map((r) => [r.id, r]));
    const ids = new Set<string>();
    for (const r of records) {
      const parent = isProjector(r) ? byId.get(r.projectorOf ?? '') : r;
      if (!parent) await deleteModels(this.db, [r.id]); // an orphan projector
      else if (r.pending && r.state !== 'cached') ids.add(parent.id);
    }
    return Promise.allSettled([...ids].map((id) => this.download(id, options)));
  }

  /**
   * Add any GGUF URL to the library (state `remote`; call `download` to fetch it). `projectorUrl`: its
   * vision projector (mmproj GGUF), downloaded and kept with it; given for a URL already in the library
   * that has none, it is added to that model.
   */
  async addUrl(url: string, opts: { name?: string; sha256?: string; manifestUrl?: string; projectorUrl?: string } = {}): Promise<LibraryEntry> {
    const u = httpUrl(url, 'url');
    const projectorUrl = opts.projectorUrl ? httpUrl(opts.projectorUrl, 'projectorUrl') : undefined;
    if (opts.sha256 && !/^[0-9a-f]{64}$/i.test(opts.sha256)) throw new InvalidRequestError('sha256 must be 64 hex digits', { sha256: opts.sha256 });
    const id = `url:${(await sha256Hex(new TextEncoder().encode(u.href))).slice(0, 16)}`;
    const projector = (model: ModelRecord) => newRecord(model.chunkSize, {
      id: projectorIdOf(id), name: `${model.name} (vision projector)`, origin: 'url', url: projectorUrl!.href, role: 'projector', projectorOf: id,
    });
    const existing = await getModel(this.db, id);
    if (existing) {
      if (!projectorUrl || existing.projectorId) return this.storedEntry(existing);
      if (this.downloader.inProgress.includes(id)) {
        throw new InvalidRequestError(`Model ${id} is downloading: add its projector when the download is done`, { id });
      }
      // A stored model gains a projector: its row turns partial until the projector is downloaded.
      const proj = projector(existing);
      const rec = { ...existing, projectorId: proj.id };
      await putModels(this.db, [proj, rec]);
      this.changed();
      return this.storedEntry(rec);
    }
    const name = opts.name ?? decodeURIComponent(u.pathname.split('/').pop() ?? 'model').replace(/\.gguf$/i, '');
    const rec = newRecord(this.chunkSize, { id, name, origin: 'url', url: u.href, ...(opts.sha256 ? { sha256: opts.sha256.toLowerCase() } : {}) });
    if (opts.manifestUrl) Object.assign(rec, await this.manifest(opts.manifestUrl));
    if (projectorUrl) {
      const proj = projector(rec);
      await putModels(this.db, [proj, { ...rec, projectorId: proj.id }]);
    } else {
      await putModel(this.db, rec);
    }
    this.changed();
    return this.storedEntry({ ...rec, ...(projectorUrl ? { projectorId: projectorIdOf(id) } : {}) });
  }

  /**
   * Import a local `.gguf` (File or Blob), with its vision projector in `opts.projector` if it has one. A
   * non-GGUF file, a projector whose architecture is not `clip`, or a projector given as the model, is a
   * `GgufError` and nothing is stored.
   */
  async importFile(file: Blob, opts: ImportFileOptions = {}): Promise<LibraryEntry> {
    try {
      const rec = await importGguf(this.db, file, { ...opts, chunkSize: this.chunkSize, estimate: this.options.estimate });
      return await this.storedEntry(rec);
    } finally {
      this.changed();
    }
  }

  /**
   * Import one model file, or a model and its vision projector in either order (told apart by their
   * headers). More files, two models or two projectors are an `InvalidRequestError`.
   */
  async importFiles(files: readonly Blob[], opts: Omit<ImportFileOptions, 'projector'> = {}): Promise<LibraryEntry> {
    const { model, projector } = await splitModelFiles(files);
    return this.importFile(model, { ...opts, ...(projector ? { projector } : {}) });
  }

  /**
   * Add a vision projector (mmproj GGUF, architecture `clip`) to a stored model, replacing the one it had;
   * the model then accepts images. A file that is not a projector is a `GgufError` and changes nothing.
   */
  async attachProjector(modelId: string, file: Blob, opts: Omit<ImportFileOptions, 'projector' | 'name'> = {}): Promise<LibraryEntry> {
    const rec = await getModel(this.db, modelId);
    if (!rec || isProjector(rec)) throw new UnknownModelError(`No model ${modelId} in the library`, { id: modelId });
    if (this.downloader.inProgress.some((id) => id === modelId || id === projectorIdOf(modelId))) {
      throw new InvalidRequestError(`Model ${modelId} is downloading: cancel the download first`, { id: modelId });
    }
    try {
      return await this.storedEntry(await importProjector(this.db, modelId, file, { ...opts, chunkSize: this.chunkSize, estimate: this.options.estimate }));
    } finally {
      this.changed();
    }
  }

  /**
   * Delete a model's stored bytes (GGUF chunks — with its projector's — or WebLLM's cache) and its record,
   * in one transaction. Deleting a projector's own id detaches it: the model stays, text only.
   */
  async delete(id: string): Promise<void> {
    const webllm = this.catalog.find((e) => e.id === id && e.engine === 'webllm');
    if (webllm?.engine === 'webllm') {
      await deleteWebllmCache(webllm.record);
    } else {
      const rec = await getModel(this.db, id);
      const ids = rec && isProjector(rec) ? [id] : [id, projectorIdOf(id)];
      for (const i of ids) this.downloader.cancel(i);
      // A cancelled download still settles its record: wait, so it cannot write the record back.
      await Promise.all(ids.map((i) => this.downloader.idle(i)));
      await deleteModels(this.db, ids);
      const parent = rec && isProjector(rec) && rec.projectorOf ? await getModel(this.db, rec.projectorOf) : undefined;
      if (parent?.projectorId === id) {
        const textOnly = { ...parent };
        delete textOnly.projectorId;
        await putModel(this.db, textOnly);
      }
    }
    this.changed();
  }

  /**
   * Free at least `mb` MB by deleting the least recently used stored models (never those in `keep`, nor
   * one downloading). Throws `StorageQuotaError` — deleting nothing — when even evicting all would not do.
   */
  async freeSpace(mb: number, keep: string[] = []): Promise<{ freedMB: number; evicted: string[] }> {
    const target = mb * 1024 * 1024;
    const candidates = (await this.list())
      .filter((e) => e.state !== 'remote' && !e.downloading && !keep.includes(e.id))
      .sort((a, b) => (a.lastUsed ?? 0) - (b.lastUsed ?? 0));
    const possible = candidates.reduce((n, e) => n + e.storedBytes, 0);
    if (possible < target) {
      throw new StorageQuotaError(`Cannot free ${mb} MB: only ${toMB(possible)} MB can be evicted`, { neededMB: mb, availableMB: toMB(possible) });
    }
    let freed = 0;
    const evicted: string[] = [];
    for (const e of candidates) {
      if (freed >= target) break;
      await this.delete(e.id);
      freed += e.storedBytes;
      evicted.push(e.id);
    }
    return { freedMB: toMB(freed), evicted };
  }

  /**
   * The cached model as an engine source: its chunks as IndexedDB-backed Blobs (no network, no copy), and
   * its projector's chunks in `projector` when it has one. Marks the model used. Throws
   * `UnknownModelError` unless every chunk of both is stored.
   */
  async source(id: string): Promise<ModelSource> {
    const rec = await getModel(this.db, id);
    const proj = rec?.projectorId ? await getModel(this.db, rec.projectorId) : undefined;
    if (!rec || isProjector(rec) || rec.state !== 'cached' || (rec.projectorId && proj?.state !== 'cached')) {
      const state = rec && !isProjector(rec) ? foldProjector(rec, proj).state : 'remote';
      throw new UnknownModelError(`Model ${id} is not downloaded`, { id, state });
    }
    const blobs = await this.storedBlobs(rec, id);
    const projector = proj ? await this.storedBlobs(proj, id) : undefined;
    await this.markUsed(id);
    return { kind: 'gguf-blobs', id, blobs, ...(projector ? { projector } : {}) };
  }

  /** Every chunk of a cached file; a gap marks it `partial` and is an `UnknownModelError` (repair by downloading). */
  private async storedBlobs(rec: ModelRecord, modelId: string): Promise<Blob[]> {
    const chunks = await readChunks(this.db, rec.id);
    const bytes = chunks.reduce((n, c) => n + c.size, 0);
    if (bytes !== rec.sizeBytes || chunks.some((c, i) => c.index !== i)) {
      await putModel(this.db, { ...rec, state: 'partial', storedBytes: bytes, verified: false });
      this.changed();
      const part = rec.id === modelId ? {} : { projectorId: rec.id };
      throw new UnknownModelError(`Model ${modelId} is missing chunks; download it again to repair it`, { id: modelId, ...part, storedBytes: bytes, sizeBytes: rec.sizeBytes });
    }
    return chunks.map((c) => c.blob);
  }

  /** Record a use (LRU): `source()` does it for GGUF; call it when an engine loads a WebLLM model. */
  async markUsed(id: string, now: number = Date.now()): Promise<void> {
    if (this.catalog.some((e) => e.id === id && e.engine === 'webllm')) {
      const used = await getSetting<Record<string, number>>(this.db, WEBLLM_LAST_USED, {}, numberMap);
      await setSetting(this.db, WEBLLM_LAST_USED, { ...used, [id]: now });
    } else {
      await touchModel(this.db, id, now);
    }
  }

  /** Usage, quota and persistence of this origin's storage. */
  storage(): Promise<StorageInfo> {
    return storageInfo(this.options.estimate);
  }

  /** Ask for persistent storage (the browser may decide silently). */
  persist(): Promise<boolean> {
    return requestPersistence();
  }

  /** Close the database connection (cancels nothing: call `cancel` first). */
  close(): void {
    this.db.close();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** An absolute http(s) URL (relative ones resolve against the page), or an `InvalidRequestError` naming `field`. */
function httpUrl(url: string, field: string): URL {
  let u: URL;
  try {
    u = new URL(url, globalThis.location?.href);
  } catch {
    throw new InvalidRequestError(`Not a URL: ${url}`, { url, field });
  }
  if (!/^https?:$/.test(u.protocol)) throw new InvalidRequestError(`Only http(s) URLs can be downloaded: ${url}`, { url, field });
  return u;
}
