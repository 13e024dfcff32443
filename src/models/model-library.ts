/**
 * `ModelLibrary`: the one place the page asks about models. It lists catalog models, downloaded and
 * imported GGUF files and WebLLM's own cache in one list (name, engine, size, quantisation, memory
 * estimate, state remote/partial/cached, last used); downloads and resumes GGUF files into IndexedDB;
 * imports local files; deletes; frees space by evicting the least recently used; and hands a cached
 * model to an engine worker as file-backed Blobs (`ModelSource` of kind `gguf-blobs`) — no network, and
 * no copy of the weights on the main thread. Fires `change` whenever the list changes.
 */
import type { ModelSource } from '../engines/engine';
import { GgufError, InvalidRequestError, StorageQuotaError, UnknownModelError } from '../errors';
import { openLlmOsDb, type LlmOsDatabase } from '../storage/db';
import { deleteModel, getModel, listModels, putModel, touchModel } from '../storage/model-records';
import { requestPersistence, storageInfo, type EstimateFn, type StorageInfo } from '../storage/quota';
import type { ModelRecord, ModelState } from '../storage/schema';
import { getSetting, setSetting } from '../storage/settings';
import { DEFAULT_CHUNK_SIZE, deleteChunks, readChunks } from '../storage/weight-store';
import { catalogFor, type CatalogEntry, type DeviceCapability } from './catalog';
import { toMB } from './cost';
import { ModelDownloader, type DownloadOptions, type DownloaderOptions } from './downloader';
import { readGgufHeader } from './gguf-header';
import { describeGguf } from './gguf-facts';
import { fetchManifest } from './integrity';
import { importGguf } from './model-import';
import { sha256Hex } from './sha256';
import { deleteWebllmCache, webllmCacheStates } from './webllm-cache-state';

/** One row of the library. */
export interface LibraryEntry {
  id: string;
  name: string;
  engine: 'wllama' | 'webllm';
  origin: 'catalog' | 'url' | 'import';
  /** Whole size in bytes, when known. */
  sizeBytes: number | null;
  storedBytes: number;
  quantisation: string | null;
  /** Estimated memory to run it (weights + KV at 2048 tokens + overhead), MB. */
  memoryMB: number | null;
  state: ModelState;
  /** Last load (ms since epoch), null if never. */
  lastUsed: number | null;
  /** Whole-file SHA-256 checked. */
  verified: boolean;
  downloading: boolean;
  url?: string;
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
    for (const e of this.catalog) {
      if (e.engine === 'wllama' && !byId.has(e.id)) {
        out.push({
          id: e.id, name: e.name, engine: 'wllama', origin: 'catalog', sizeBytes: e.sizeBytes ?? null, storedBytes: 0,
          quantisation: e.quantisation, memoryMB: toMB(e.memoryBytes), state: 'remote', lastUsed: null, verified: false,
          downloading: false, url: e.url,
        });
      }
    }
    for (const r of records) out.push(this.recordEntry(r));
    const webllm = this.catalog.filter((e) => e.engine === 'webllm');
    const states = await webllmCacheStates(webllm.map((e) => e.record));
    const used = await getSetting<Record<string, number>>(this.db, WEBLLM_LAST_USED, {});
    for (const e of webllm) {
      const s = states.get(e.id)!;
      out.push({
        id: e.id, name: e.name, engine: 'webllm', origin: 'catalog', sizeBytes: s.sizeBytes, storedBytes: s.storedBytes,
        quantisation: e.quantisation, memoryMB: toMB(e.memoryBytes), state: s.state, lastUsed: used[e.id] ?? null,
        verified: false, downloading: false,
      });
    }
    return out;
  }

  /** One entry, or undefined. */
  async get(id: string): Promise<LibraryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }

  private recordEntry(r: ModelRecord): LibraryEntry {
    return {
      id: r.id, name: r.name, engine: 'wllama', origin: r.origin, sizeBytes: r.sizeBytes || r.sizeHint || null,
      storedBytes: r.storedBytes, quantisation: r.quantisation ?? null, memoryMB: r.memoryBytes ? toMB(r.memoryBytes) : null,
      state: r.state, lastUsed: r.lastUsed || null, verified: r.verified === true,
      downloading: this.downloader.inProgress.includes(r.id), ...(r.url ? { url: r.url } : {}),
    };
  }

  /**
   * Download (or resume) a GGUF model: a catalog id, or an id from `addUrl`. Resolves when every chunk is
   * stored and verified. See `ModelDownloader.download` for the errors.
   */
  async download(id: string, options: DownloadOptions = {}): Promise<LibraryEntry> {
    let rec = await getModel(this.db, id);
    if (!rec) {
      const entry = this.catalog.find((e) => e.id === id);
      if (!entry) throw new UnknownModelError(`No model ${id} in the library or the catalog`, { id });
      if (entry.engine === 'webllm') {
        throw new InvalidRequestError('WebLLM models are downloaded into their own cache when an engine loads them', { id });
      }
      rec = this.newRecord({ id, name: entry.name, origin: 'catalog', url: entry.url, sizeHint: entry.sizeBytes, quantisation: entry.quantisation, memoryBytes: entry.memoryBytes, sha256: entry.sha256 });
      if (entry.manifestUrl) Object.assign(rec, await this.manifest(entry.manifestUrl, options.signal));
      await putModel(this.db, rec);
    }
    void requestPersistence();
    this.changed();
    try {
      rec = await this.downloader.download(id, options);
      if (!rec.hyper) rec = await this.describe(rec);
      return this.recordEntry(rec);
    } finally {
      this.changed();
    }
  }

  private async manifest(url: string, signal?: AbortSignal): Promise<Partial<ModelRecord>> {
    const m = await fetchManifest(url, signal, this.options.fetch);
    return { ...(m.sha256 ? { sha256: m.sha256 } : {}), ...(m.chunkSha256 ? { chunkSize: m.chunkSize!, chunkSha256: m.chunkSha256 } : {}) };
  }

  /** Read the header of a freshly downloaded file; a non-GGUF download is discarded. */
  private async describe(rec: ModelRecord): Promise<ModelRecord> {
    try {
      const facts = describeGguf(await readGgufHeader(new Blob((await readChunks(this.db, rec.id)).map((c) => c.blob))));
      const next = { ...rec, quantisation: facts.quantisation, hyper: facts.hyper, memoryBytes: facts.memoryBytes };
      await putModel(this.db, next);
      return next;
    } catch (e) {
      if (e instanceof GgufError) await putModel(this.db, { ...rec, state: 'remote', storedBytes: 0, verified: false }).then(() => deleteChunks(this.db, rec.id));
      throw e;
    }
  }

  /** Cancel a download; its chunks stay for a later resume. */
  cancel(id: string): void {
    this.downloader.cancel(id);
  }

  /** Resume every download that a reload or a closed tab interrupted. */
  async resumePending(options: Omit<DownloadOptions, 'signal'> = {}): Promise<PromiseSettledResult<LibraryEntry>[]> {
    const pending = (await listModels(this.db)).filter((r) => r.pending && r.state !== 'cached');
    return Promise.allSettled(pending.map((r) => this.download(r.id, options)));
  }

  /** Add any GGUF URL to the library (state `remote`; call `download` to fetch it). */
  async addUrl(url: string, opts: { name?: string; sha256?: string; manifestUrl?: string } = {}): Promise<LibraryEntry> {
    let u: URL;
    try {
      u = new URL(url, globalThis.location?.href);
    } catch {
      throw new InvalidRequestError(`Not a URL: ${url}`, { url });
    }
    if (!/^https?:$/.test(u.protocol)) throw new InvalidRequestError(`Only http(s) URLs can be downloaded: ${url}`, { url });
    if (opts.sha256 && !/^[0-9a-f]{64}$/i.test(opts.sha256)) throw new InvalidRequestError('sha256 must be 64 hex digits', { sha256: opts.sha256 });
    const id = `url:${(await sha256Hex(new TextEncoder().encode(u.href))).slice(0, 16)}`;
    const existing = await getModel(this.db, id);
    if (existing) return this.recordEntry(existing);
    const name = opts.name ?? decodeURIComponent(u.pathname.split('/').pop() ?? 'model').replace(/\.gguf$/i, '');
    const rec = this.newRecord({ id, name, origin: 'url', url: u.href, ...(opts.sha256 ? { sha256: opts.sha256.toLowerCase() } : {}) });
    if (opts.manifestUrl) Object.assign(rec, await this.manifest(opts.manifestUrl));
    await putModel(this.db, rec);
    this.changed();
    return this.recordEntry(rec);
  }

  /** Import a local `.gguf` (File or Blob); a non-GGUF file is a `GgufError` and nothing is stored. */
  async importFile(file: Blob, opts: { name?: string; signal?: AbortSignal; onProgress?: (loaded: number, total: number) => void } = {}): Promise<LibraryEntry> {
    try {
      const rec = await importGguf(this.db, file, { ...opts, chunkSize: this.chunkSize, estimate: this.options.estimate });
      return this.recordEntry(rec);
    } finally {
      this.changed();
    }
  }

  /** Delete a model's stored bytes (GGUF chunks, or WebLLM's cache) and its record. */
  async delete(id: string): Promise<void> {
    const webllm = this.catalog.find((e) => e.id === id && e.engine === 'webllm');
    if (webllm?.engine === 'webllm') {
      await deleteWebllmCache(webllm.record);
    } else {
      this.downloader.cancel(id);
      await deleteModel(this.db, id);
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
   * The cached model as an engine source: its chunks as IndexedDB-backed Blobs (no network, no copy).
   * Marks the model used. Throws `UnknownModelError` unless every chunk is stored.
   */
  async source(id: string): Promise<ModelSource> {
    const rec = await getModel(this.db, id);
    if (!rec || rec.state !== 'cached') throw new UnknownModelError(`Model ${id} is not downloaded`, { id, state: rec?.state ?? 'remote' });
    const chunks = await readChunks(this.db, id);
    const bytes = chunks.reduce((n, c) => n + c.size, 0);
    if (bytes !== rec.sizeBytes || chunks.some((c, i) => c.index !== i)) {
      await putModel(this.db, { ...rec, state: 'partial', storedBytes: bytes, verified: false });
      this.changed();
      throw new UnknownModelError(`Model ${id} is missing chunks; download it again to repair it`, { id, storedBytes: bytes, sizeBytes: rec.sizeBytes });
    }
    await this.markUsed(id);
    return { kind: 'gguf-blobs', id, blobs: chunks.map((c) => c.blob) };
  }

  /** Record a use (LRU): `source()` does it for GGUF; call it when an engine loads a WebLLM model. */
  async markUsed(id: string, now: number = Date.now()): Promise<void> {
    if (this.catalog.some((e) => e.id === id && e.engine === 'webllm')) {
      const used = await getSetting<Record<string, number>>(this.db, WEBLLM_LAST_USED, {});
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

  private newRecord(r: Pick<ModelRecord, 'id' | 'name' | 'origin'> & Partial<ModelRecord>): ModelRecord {
    return {
      engine: 'wllama', sizeBytes: 0, chunkSize: this.chunkSize, storedBytes: 0, state: 'remote', createdAt: Date.now(), lastUsed: 0,
      ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)), id: r.id, name: r.name, origin: r.origin,
    } as ModelRecord;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
