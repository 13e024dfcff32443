/**
 * `ModelDownloader`: runs `DownloadJob`s with a limit on parallel downloads, one job per model (a second
 * `download()` of the same model joins the first), cancel by id or AbortSignal, and a Web Lock per model so
 * two tabs never write the same chunks at once (the second waits, then finds the chunks stored).
 */
import { AbortError, LlmOsError, NetworkError, UnknownModelError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { getModel, putModel } from '../storage/model-records';
import type { EstimateFn } from '../storage/quota';
import type { ModelRecord } from '../storage/schema';
import { DownloadJob } from './download-job';
import type { DownloadProgress, DownloadWarning } from './download-progress';

/** Construction options. */
export interface DownloaderOptions {
  /** Downloads running at once; more wait in a queue (default 2). */
  concurrency?: number;
  /** Network failures in a row (without progress) retried before giving up (default 3). */
  retries?: number;
  /** First retry delay, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  /** Times one chunk may arrive corrupt before giving up (default 3). */
  maxChunkRetries?: number;
  /** Minimum interval between progress events inside a chunk (default 100 ms). */
  progressIntervalMs?: number;
  fetch?: typeof fetch;
  estimate?: EstimateFn;
}

/** Per-download callbacks and cancellation. */
export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  onWarning?: (w: DownloadWarning) => void;
  signal?: AbortSignal;
}

interface Running {
  promise: Promise<ModelRecord>;
  ctrl: AbortController;
  listeners: DownloadOptions[];
}

/** Runs model downloads: a parallel limit, one job per model, cancel, Web Lock per model across tabs. */
export class ModelDownloader {
  private readonly running = new Map<string, Running>();
  private readonly waiters: (() => void)[] = [];
  private active = 0;
  private readonly o: Required<Omit<DownloaderOptions, 'estimate'>> & { estimate?: EstimateFn | undefined };

  constructor(private readonly db: LlmOsDatabase, options: DownloaderOptions = {}) {
    this.o = {
      concurrency: options.concurrency ?? 2,
      retries: options.retries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 500,
      maxChunkRetries: options.maxChunkRetries ?? 3,
      progressIntervalMs: options.progressIntervalMs ?? 100,
      fetch: options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a)),
      estimate: options.estimate,
    };
  }

  /**
   * Download (or resume) the model whose record is in the store. Resolves with the `cached` record; rejects
   * with `AbortError`, `NetworkError`, `StorageQuotaError`, `IntegrityError` or `GgufError`. Stored chunks
   * survive every failure, so calling again resumes.
   */
  download(id: string, options: DownloadOptions = {}): Promise<ModelRecord> {
    const existing = this.running.get(id);
    if (existing && !existing.ctrl.signal.aborted) {
      existing.listeners.push(options);
      return this.follow(existing, options);
    }
    // A cancelled run may still be settling its record: start the new one after it.
    const prior = existing?.promise.catch(() => undefined) ?? Promise.resolve();
    const ctrl = new AbortController();
    const entry: Running = { promise: Promise.resolve(null as never), ctrl, listeners: [options] };
    entry.promise = prior.then(() => this.run(id, entry)).finally(() => {
      if (this.running.get(id) === entry) this.running.delete(id);
    });
    this.running.set(id, entry);
    return this.follow(entry, options);
  }

  /** Cancel a download (queued or running); its stored chunks stay for a later resume. */
  cancel(id: string): void {
    this.running.get(id)?.ctrl.abort(new AbortError('Download cancelled', { id }));
  }

  /** Resolves once no download of `id` is queued, running or settling (whatever its outcome). */
  async idle(id: string): Promise<void> {
    for (let run = this.running.get(id); run; run = this.running.get(id)) await run.promise.catch(() => undefined);
  }

  /** Ids of downloads queued or running. */
  get inProgress(): string[] {
    return [...this.running.keys()];
  }

  /** Downloads running right now (not queued). */
  get activeCount(): number {
    return this.active;
  }

  /** A caller's own signal cancels only its interest; the download stops when every caller is gone. */
  private follow(entry: Running, options: DownloadOptions): Promise<ModelRecord> {
    const signal = options.signal;
    if (!signal) return entry.promise;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        entry.listeners = entry.listeners.filter((l) => l !== options);
        if (!entry.listeners.some((l) => !l.signal?.aborted)) entry.ctrl.abort();
        reject(new AbortError('Download cancelled', {}));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async run(id: string, entry: Running): Promise<ModelRecord> {
    const signal = entry.ctrl.signal;
    const record = await getModel(this.db, id);
    if (!record) throw new UnknownModelError(`No model ${id} in the library`, { id });
    if (!record.url) throw new NetworkError(`Model ${id} has no URL to download from`, { id });
    const emit = <K extends 'onProgress' | 'onWarning'>(k: K, v: Parameters<NonNullable<DownloadOptions[K]>>[0]) => {
      for (const l of entry.listeners) (l[k] as ((x: typeof v) => void) | undefined)?.(v);
    };
    emit('onProgress', {
      id, phase: 'queued', loaded: record.storedBytes, total: record.sizeBytes, fraction: record.sizeBytes ? record.storedBytes / record.sizeBytes : 0,
      bytesPerSec: 0, etaSec: null, chunksDone: 0, chunksTotal: 0, resumedFrom: record.storedBytes,
    });
    await this.acquire(signal);
    try {
      return await withLock(`llmos-download-${id}`, signal, async () => {
        const job = new DownloadJob((await getModel(this.db, id)) ?? record, {
          db: this.db, fetch: this.o.fetch, estimate: this.o.estimate, retries: this.o.retries, retryDelayMs: this.o.retryDelayMs,
          maxChunkRetries: this.o.maxChunkRetries, progressIntervalMs: this.o.progressIntervalMs, signal,
          onProgress: (p) => emit('onProgress', p), onWarning: (w) => emit('onWarning', w),
        });
        try {
          return await job.run();
        } catch (e) {
          // A cancel or a hard failure ends the intent to download; a reload (no catch runs) keeps it.
          await putModel(this.db, { ...job.record, pending: false }).catch(() => undefined);
          const err = e instanceof LlmOsError ? e : new NetworkError(String(e), { id });
          (err.details as Record<string, unknown>).id ??= id; // every download error names its model
          throw err;
        }
      });
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (this.active < this.o.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const go = () => { signal.removeEventListener('abort', onAbort); this.active++; resolve(); };
      const onAbort = () => {
        const i = this.waiters.indexOf(go);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new AbortError('Download cancelled while queued', {}));
      };
      this.waiters.push(go);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }
}

/** Run `fn` holding a Web Lock (where the browser has them), abortable while waiting. */
async function withLock<T>(name: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return fn();
  try {
    return await locks.request(name, { signal }, fn);
  } catch (e) {
    if (signal.aborted && !(e instanceof LlmOsError)) throw new AbortError('Download cancelled while waiting for another tab', { lock: name });
    throw e;
  }
}
