/**
 * `EngineHost`: the object an engine worker exposes through Comlink (see `EngineHostApi`). It owns one
 * engine at a time, created lazily from a factory so a worker only downloads the engine it uses; it
 * streams tokens back with adaptive batching (one message per token while the page keeps up, batched
 * while a previous delivery is unacknowledged) and keeps a Web Lock for its whole life so the page can
 * tell at once when the worker dies.
 */
import * as Comlink from 'comlink';
import { AbortError, InvalidRequestError, ModelNotLoadedError } from '../errors';
import type { EngineHostApi, WorkerHello } from '../protocol/engine-host-api';
import type {
  Engine, EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress,
  ModelInfo, ModelSource, TokenEvent,
} from '../protocol/engine';

export type EngineFactories = Partial<Record<EngineKind, () => Promise<Engine>>>;

/** Engines that keep their own model cache (WebLLM) also implement these. */
interface EngineModelCache {
  hasCached(source: ModelSource): Promise<boolean>;
  deleteCached(source: ModelSource): Promise<void>;
}

export class EngineHost implements EngineHostApi {
  private engine: Engine | null = null;
  private jobs = new Map<string, AbortController>();

  constructor(private readonly factories: EngineFactories) {}

  async hello(lifeLock: string): Promise<WorkerHello> {
    // Hold the lock until this worker dies; resolve once it is really held.
    await new Promise<void>((granted, refused) => {
      // Refused where the frame is denied storage (Web Locks need it): fail at once, never hang.
      navigator.locks.request(lifeLock, () => {
        granted();
        return new Promise<never>(() => {});
      }).catch(refused);
    });
    return {
      lifeLock,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: navigator.hardwareConcurrency ?? 1,
    };
  }

  async load(kind: EngineKind, source: ModelSource, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    const factory = this.factories[kind];
    if (!factory) throw new InvalidRequestError(`This worker has no ${kind} engine`, { engine: kind });
    if (this.engine && this.engine.kind !== kind) {
      await this.engine.unload();
      this.engine = null;
    }
    this.engine ??= await factory();
    let last = -1;
    try {
      return await this.engine.load(source, options, (p) => {
        // Progress is monotonic by contract, whatever the engine reports.
        if (p.fraction < last) p = { ...p, fraction: last };
        last = p.fraction;
        onProgress?.(p);
      });
    } finally {
      release(onProgress);
    }
  }

  async generate(jobId: string, request: GenerateRequest, onTokens: (t: TokenEvent[]) => void): Promise<GenerateResult> {
    const engine = this.requireEngine();
    if (this.jobs.has(jobId)) throw new InvalidRequestError(`Job ${jobId} is already running`, { jobId });
    const ctrl = new AbortController();
    this.jobs.set(jobId, ctrl);
    let pending: TokenEvent[] = [];
    let inFlight: Promise<unknown> | null = null;
    const flush = (): Promise<unknown> | null => {
      if (inFlight || pending.length === 0) return inFlight;
      const batch = pending;
      pending = [];
      inFlight = Promise.resolve(onTokens(batch)).catch(() => undefined).finally(() => {
        inFlight = null;
        flush();
      });
      return inFlight;
    };
    try {
      const result = await engine.generate(request, (t) => {
        pending.push(t);
        flush();
      }, ctrl.signal);
      // Every token reaches the page before the result does.
      while (inFlight || pending.length) await (flush() ?? Promise.resolve());
      return result;
    } finally {
      this.jobs.delete(jobId);
      release(onTokens);
    }
  }

  abort(jobId: string): void {
    this.jobs.get(jobId)?.abort(new AbortError('Aborted by caller', { jobId }));
  }

  interrupt(): void {
    this.engine?.interrupt();
  }

  async unload(): Promise<void> {
    for (const c of this.jobs.values()) c.abort();
    await this.engine?.unload();
  }

  async capabilities(): Promise<EngineCapabilities> {
    return this.engine?.capabilities() ?? {
      engine: 'wllama', backend: 'none', f16: false, threads: 0, multithread: false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  }

  async stats(): Promise<EngineStats> {
    return this.engine?.stats() ?? { modelId: null, loaded: false, generations: 0, tokensGenerated: 0, busy: false, lastUsage: null };
  }

  async hasCachedModel(kind: EngineKind, source: ModelSource): Promise<boolean> {
    return (await this.modelCache(kind)).hasCached(source);
  }

  async deleteCachedModel(kind: EngineKind, source: ModelSource): Promise<void> {
    return (await this.modelCache(kind)).deleteCached(source);
  }

  /** The loaded engine of that kind, or a fresh (unloaded) one just for cache operations. */
  private async modelCache(kind: EngineKind): Promise<EngineModelCache> {
    const factory = this.factories[kind];
    if (!factory) throw new InvalidRequestError(`This worker has no ${kind} engine`, { engine: kind });
    const engine = (this.engine?.kind === kind ? this.engine : await factory()) as Engine & Partial<EngineModelCache>;
    if (!engine.hasCached || !engine.deleteCached) throw new InvalidRequestError(`The ${kind} engine keeps no model cache`, { engine: kind });
    return engine as Engine & EngineModelCache;
  }

  crash(): void {
    // Simulates a hard crash: the worker stops without replying to anything in flight.
    (globalThis as unknown as { close(): void }).close();
  }

  private requireEngine(): Engine {
    if (!this.engine) throw new ModelNotLoadedError('No model is loaded: load one first', {});
    return this.engine;
  }
}

/**
 * Release a proxied page callback once it is no longer needed: otherwise its MessagePort (and the
 * page-side closure) lives until the worker happens to collect garbage.
 */
function release(callback: unknown): void {
  const proxy = callback as { [Comlink.releaseProxy]?: () => void } | undefined;
  try {
    proxy?.[Comlink.releaseProxy]?.();
  } catch {
    // Not a Comlink proxy (in-thread use): nothing to release.
  }
}
