/**
 * `EngineHost`: the object an engine worker exposes through Comlink (see `EngineHostApi`). It owns one
 * engine at a time, created lazily from a factory so a worker only downloads the engine it uses; it
 * streams tokens back with adaptive batching (one message per token while the page keeps up, batched
 * while a previous delivery is unacknowledged) and keeps a Web Lock for its whole life so the page can
 * tell at once when the worker dies.
 *
 * It also does, once for every engine, what engines have in common (engines only load and generate, see
 * `Engine`): the running jobs, each with its own abort signal, which `abort(jobId)`, `interrupt()`,
 * `load` and `unload` act on; the replay of a preempted generation (`ReplayFilter`); the empty result of
 * a job aborted before its engine started; and the statistics (`EngineStats`).
 */
import * as Comlink from 'comlink';
import { AbortError, InvalidRequestError, ModelNotLoadedError } from '../errors';
import type { EngineHostApi, WorkerHello } from '../protocol/engine-host-api';
import {
  makeUsage,
  type Engine, type EngineCapabilities, type EngineKind, type EngineStats, type GenerateRequest, type GenerateResult,
  type LoadOptions, type LoadProgress, type ModelInfo, type ModelSource, type StopReason, type TokenEvent, type Usage,
} from '../protocol/engine';
import { ReplayFilter } from './replay-filter';

export type EngineFactories = Partial<Record<EngineKind, () => Promise<Engine>>>;

/** Engines that keep their own model cache (WebLLM) also implement these. */
interface EngineModelCache {
  hasCached(source: ModelSource): Promise<boolean>;
  deleteCached(source: ModelSource): Promise<void>;
}

/** A running generation. */
interface Job {
  ctrl: AbortController;
  /** Stopped by `interrupt()`: its stop reason is `interrupt`, not `abort`. */
  interrupted: boolean;
  /** Settles when the engine's `generate` has (null until it started). */
  settled: Promise<unknown> | null;
}

/** How long `load` and `unload` wait for aborted generations to end before they go ahead anyway. */
const STOP_WAIT_MS = 5_000;

export class EngineHost implements EngineHostApi {
  private engine: Engine | null = null;
  private readonly jobs = new Map<string, Job>();
  private loads = 0;
  private generations = 0;
  private tokensGenerated = 0;
  private lastUsage: Usage | null = null;

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
    this.loads++;
    try {
      await this.stopJobs();
      if (this.engine && this.engine.kind !== kind) {
        await this.engine.unload();
        this.engine = null;
      }
      this.engine ??= await factory();
      let last = -1;
      return await this.engine.load(source, options, (p) => {
        // Progress is monotonic by contract, whatever the engine reports.
        if (p.fraction < last) p = { ...p, fraction: last };
        last = p.fraction;
        onProgress?.(p);
      });
    } finally {
      this.loads--;
      release(onProgress);
    }
  }

  /**
   * `signal`: for in-thread callers, who may abort with a signal instead of `abort(jobId)` (a signal
   * cannot cross the worker boundary). One already aborted ends the job before the engine starts.
   */
  async generate(jobId: string, request: GenerateRequest, onTokens: (t: TokenEvent[]) => void, signal?: AbortSignal): Promise<GenerateResult> {
    const engine = this.requireEngine();
    if (this.jobs.has(jobId)) throw new InvalidRequestError(`Job ${jobId} is already running`, { jobId });
    const job: Job = { ctrl: new AbortController(), interrupted: false, settled: null };
    this.jobs.set(jobId, job);
    const onAbort = () => this.abort(jobId);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
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
    const deliver = (t: TokenEvent) => {
      pending.push(t);
      flush();
    };
    try {
      if (job.ctrl.signal.aborted) return emptyResult(stopReason(job, 'abort'));
      const replay = ReplayFilter.for(request, deliver);
      const running = engine.generate(request, replay?.push ?? deliver, job.ctrl.signal);
      job.settled = running.catch(() => undefined);
      let result: GenerateResult;
      try {
        result = await running;
      } catch (e) {
        // An engine may refuse to start once aborted (`signal.throwIfAborted()`): an empty result.
        if (job.ctrl.signal.aborted && e === job.ctrl.signal.reason) return emptyResult(stopReason(job, 'abort'));
        throw e;
      }
      if (replay) result = replay.result(result);
      result = { ...result, stopReason: stopReason(job, result.stopReason) };
      this.generations++;
      this.tokensGenerated += result.usage.completionTokens;
      this.lastUsage = result.usage;
      // Every token reaches the page before the result does.
      while (inFlight || pending.length) await (flush() ?? Promise.resolve());
      return result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.jobs.delete(jobId);
      release(onTokens);
    }
  }

  abort(jobId: string): void {
    this.jobs.get(jobId)?.ctrl.abort(new AbortError('Aborted by caller', { jobId }));
  }

  /** Every running job stops at its next token boundary, with stop reason `interrupt`. */
  interrupt(): void {
    for (const [jobId, job] of this.jobs) {
      job.interrupted = true;
      job.ctrl.abort(new AbortError('Interrupted', { jobId }));
    }
  }

  async unload(): Promise<void> {
    await this.stopJobs();
    await this.engine?.unload();
  }

  /** Abort every running job and wait until the engine has let go of them (at most `STOP_WAIT_MS`). */
  private async stopJobs(): Promise<void> {
    if (this.jobs.size === 0) return;
    const settled: Promise<unknown>[] = [];
    for (const [jobId, job] of this.jobs) {
      job.ctrl.abort(new AbortError('The engine is unloading', { jobId }));
      if (job.settled) settled.push(job.settled);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(settled), new Promise((r) => { timer = setTimeout(r, STOP_WAIT_MS); })]);
    clearTimeout(timer);
  }

  async capabilities(): Promise<EngineCapabilities> {
    return this.engine?.capabilities() ?? {
      engine: 'wllama', backend: 'none', f16: false, threads: 0, multithread: false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  }

  async stats(): Promise<EngineStats> {
    const modelId = this.engine?.loadedModel() ?? null;
    return {
      modelId,
      loaded: modelId !== null,
      generations: this.generations,
      tokensGenerated: this.tokensGenerated,
      busy: this.jobs.size > 0 || this.loads > 0,
      lastUsage: this.lastUsage,
    };
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

  private requireEngine(): Engine {
    if (!this.engine) throw new ModelNotLoadedError('No model is loaded: load one first', {});
    return this.engine;
  }
}

/** A job's stop reason: `abort` becomes `interrupt` when `interrupt()` stopped it. */
function stopReason(job: Job, reason: StopReason): StopReason {
  return reason === 'abort' && job.interrupted ? 'interrupt' : reason;
}

/** The result of a job that ended before its engine produced anything. */
function emptyResult(reason: StopReason): GenerateResult {
  const now = performance.now();
  return { text: '', stopReason: reason, usage: makeUsage(now, null, now, 0, 0) };
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
