/**
 * `EngineClient`: the page's handle on one engine worker. It wraps `Remote<EngineHostApi>` so that
 * every call either settles or fails with a typed error: when the worker dies (terminated, crashed,
 * out of memory) all pending calls reject with `WorkerCrashedError` at once — the worker's life lock
 * tells us — and aborts travel to the worker as `abort(jobId)`.
 */
import * as Comlink from 'comlink';
import { AbortError, TimeoutError, WorkerCrashedError } from '../errors';
import { installErrorTransfer } from '../protocol/error-transfer';
import type { EngineHostApi, WorkerHello } from '../protocol/engine-host-api';
import { systemClock, withTimeout, type Clock } from './clock';
import type {
  EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress, ModelInfo,
  ModelSource, TokenEvent,
} from '../protocol/engine';

let seq = 0;
const uid = () => `${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Start a real engine worker (Vite bundles it as a separate chunk with the engine libraries). */
export function spawnEngineWorker(name = 'llmos-engine'): Worker {
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name });
}

export interface EngineClientOptions {
  /** Time allowed for the worker to start and answer `hello`. */
  startTimeoutMs?: number;
  /** Time source of that limit (default: the system clock). */
  clock?: Clock;
}

export class EngineClient {
  readonly id = uid();
  readonly remote: Comlink.Remote<EngineHostApi>;
  /** Resolves (never rejects) with the error that ended this worker. */
  readonly exited: Promise<WorkerCrashedError>;
  hello: WorkerHello | null = null;
  private exitError: WorkerCrashedError | null = null;
  private markExited!: (e: WorkerCrashedError) => void;

  private constructor(readonly worker: Worker) {
    installErrorTransfer();
    this.remote = Comlink.wrap<EngineHostApi>(worker);
    this.exited = new Promise((resolve) => { this.markExited = resolve; });
    worker.addEventListener('error', (ev) => {
      // A module that fails to evaluate (or an uncaught error at top level) kills the worker for our purposes.
      ev.preventDefault();
      this.die(`Engine worker error: ${ev.message || 'failed to start'}`);
    });
  }

  /** Spawn a worker and wait until it holds its life lock. */
  static async start(worker: Worker = spawnEngineWorker(), options: EngineClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(worker);
    const lock = `llmos-worker-life-${client.id}`;
    const timeout = options.startTimeoutMs ?? 30_000;
    try {
      client.hello = await withTimeout(
        Promise.race([client.remote.hello(lock), client.exited.then((e) => Promise.reject(e))]),
        timeout, options.clock ?? systemClock,
        () => new TimeoutError(`Engine worker did not start within ${timeout} ms`, { timeoutMs: timeout }),
      );
    } catch (e) {
      client.terminate();
      throw e;
    }
    // Granted only when the worker (the lock holder) is gone.
    void navigator.locks.request(lock, async () => client.die('Engine worker exited unexpectedly'));
    return client;
  }

  get alive(): boolean {
    return this.exitError === null;
  }

  private die(message: string): void {
    if (this.exitError) return;
    this.exitError = new WorkerCrashedError(message, { workerId: this.id });
    this.markExited(this.exitError);
    this.worker.terminate();
    this.remote[Comlink.releaseProxy]?.();
  }

  /** Terminate the worker; pending calls fail with `WorkerCrashedError`. */
  terminate(reason = 'Engine worker was terminated'): void {
    this.die(reason);
  }

  /** Run a remote call, failing fast if the worker dies meanwhile. */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    return Promise.race([fn(), this.exited.then((e) => Promise.reject(e))]);
  }

  load(kind: EngineKind, source: ModelSource, options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<ModelInfo> {
    if (signal?.aborted) return Promise.reject(new AbortError('Load aborted', { id: source.id }));
    const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => {
        void this.remote.unload().catch(() => undefined);
        reject(new AbortError('Load aborted', { id: source.id }));
      }, { once: true });
    });
    return this.call(() => Promise.race([this.remote.load(kind, source, options, progress), aborted]));
  }

  generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    const jobId = uid();
    const onAbort = () => void this.remote.abort(jobId).catch(() => undefined);
    const cb = Comlink.proxy((batch: TokenEvent[]) => {
      for (const t of batch) onToken(t);
    });
    // Post `generate` first: an abort posted before it would reach the worker first and be lost.
    const pending = this.call(() => this.remote.generate(jobId, request, cb));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return pending.finally(() => {
      signal?.removeEventListener('abort', onAbort);
    });
  }

  interrupt(): Promise<void> {
    return this.call(() => this.remote.interrupt());
  }

  unload(): Promise<void> {
    return this.call(() => this.remote.unload());
  }

  capabilities(): Promise<EngineCapabilities> {
    return this.call(() => this.remote.capabilities());
  }

  stats(): Promise<EngineStats> {
    return this.call(() => this.remote.stats());
  }

  /** Whether the engine's own cache holds this model (WebLLM's IndexedDB cache). */
  hasCachedModel(kind: EngineKind, source: ModelSource): Promise<boolean> {
    return this.call(async () => this.remote.hasCachedModel(kind, source));
  }

  /** Delete this model from the engine's own cache. */
  deleteCachedModel(kind: EngineKind, source: ModelSource): Promise<void> {
    return this.call(async () => { await this.remote.deleteCachedModel(kind, source); });
  }
}
