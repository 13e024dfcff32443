/**
 * `AppSession`: the one admission path from an app to the kernel. `connect()` (OpenAI client), the
 * Prompt API polyfill, `/v1` (through `connect()`), the elements (`KernelChatBackend`) and the desktop's
 * windows all submit through it, so every surface does the same things in the same order:
 *
 *   1. the app's process: spawned with the host's policy for its app id (`spawnAppProcess`), or the
 *      desktop's own process attached (`AppSession.attach`); re-spawned when killed if `respawn` is set;
 *   2. the model reference resolved: a registered id, or a GGUF URL registered on first use;
 *   3. images refused before anything loads when the model is known to take none
 *      (`UnsupportedInputError`), and images with an output constraint refused on wllama (it cannot
 *      combine them; saying so now keeps the error a clean 400 on `/v1`);
 *   4. the surface's own check, if any (`/v1` decodes every image here);
 *   5. `beforeLoad` asked when the model is not resident (an element's cancelable `llmos-request-load`);
 *   6. parameters: the model's defaults (`setModelDefaults`) merged under the caller's by `mergeParams`,
 *      then the output constraint's grammar/schema parameters on top;
 *   7. `kernel.submit`.
 */
import { AbortError, PermissionError, UnsupportedInputError } from '../errors';
import { routeJob } from './remote-routing';
import type { ChatMessage, ModelSource } from '../protocol/engine';
import type { KernelApi } from '../kernel/kernel-api';
import type { Priority } from '../kernel/priority';
import type { JobHandle, JobParams } from '../kernel/types';
import type { OutputConstraint } from '../constraints/output-check';
import { spawnAppProcess, type AppProcessOptions } from './app-identity';
import { acceptsImages, modelInputs } from './model-inputs';
import { modelDefaults, resolveModel, type ModelDefaults } from './model-ref';
import { getSharedKernel } from './shared-kernel';
import { constraintParams } from './structured/structured-output';

/** What is asked before a model that is not resident is loaded. Return false to refuse. */
export type BeforeLoad = (info: { model: string; engine: string; source: ModelSource | null }) => boolean;

/**
 * The one merge rule for parameters: the caller's parameters win field by field over the model's
 * defaults (a field the caller leaves `undefined` keeps the default), and `logitBias` is merged per
 * token id (the caller's bias for a token wins; the defaults' other tokens stay), so a caller's bias
 * never silently drops a model's (e.g. the fixtures' banned byte tokens).
 */
export function mergeParams(defaults: ModelDefaults | JobParams, params: JobParams = {}): JobParams {
  const out: JobParams = { ...defaults };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (defaults.logitBias && params.logitBias) out.logitBias = { ...defaults.logitBias, ...params.logitBias };
  return out;
}

/** Options of an app's session. */
export interface AppSessionOptions extends AppProcessOptions {
  /** Default: the page's shared kernel. */
  kernel?: KernelApi;
  /**
   * Spawn the process on first use, and again when it was killed (the task manager's End). Default
   * false: spawned at once, and a submit after a kill fails.
   */
  respawn?: boolean;
}

/** One request to admit. */
export interface Admission {
  /** Registered model id or GGUF URL. */
  model: string;
  messages?: ChatMessage[];
  prompt?: string;
  /** The caller's parameters; the model's defaults are merged under them (`mergeParams`). */
  params?: JobParams;
  constraint?: OutputConstraint;
  /** Per-job priority (within the process's quota); default: the process's class. */
  priority?: Priority;
  /** Model keep-alive after the job, ms (-1 pins, 0 unloads at once). */
  keepAliveMs?: number;
  signal?: AbortSignal;
  beforeLoad?: BeforeLoad;
  /** Step 4: the surface's own check of the request, once the model is known. */
  check?: (model: string) => Promise<void> | void;
  /** Names the request field that carried the images, in error details (`/v1`). */
  imageField?: string;
}

/** An app's process on a kernel and the path its requests take in. */
export class AppSession {
  readonly kernel: KernelApi;
  private readonly defaultPriority: Priority;
  private pidValue: number | null;
  private closed = false;

  constructor(private readonly options: AppSessionOptions | null, defaultPriority: Priority = 'normal', attach?: { kernel: KernelApi; pid: number }) {
    this.kernel = attach?.kernel ?? options?.kernel ?? getSharedKernel();
    this.defaultPriority = defaultPriority;
    // A respawning session spawns on first use (as the Prompt API did: installing it starts no process).
    this.pidValue = attach ? attach.pid : options?.respawn ? null : spawnAppProcess(this.kernel, options!, defaultPriority);
  }

  /** A session over a process its owner spawned (the desktop's windows); `close()` leaves it alive. */
  static attach(kernel: KernelApi, pid: number): AppSession {
    return new AppSession(null, 'normal', { kernel, pid });
  }

  /** The process id (re-spawned first when it was killed and `respawn` is set). */
  get pid(): number {
    if (this.options?.respawn && !this.closed) {
      const alive = this.pidValue !== null && this.kernel.ps().some((p) => p.pid === this.pidValue && p.state !== 'exited');
      if (!alive) this.pidValue = spawnAppProcess(this.kernel, this.options, this.defaultPriority);
    }
    return this.pidValue!;
  }

  /** The registered id of a model reference (a GGUF URL is registered on first use). */
  resolve(ref: unknown, signal?: AbortSignal): Promise<string> {
    return resolveModel(this.kernel, ref, signal);
  }

  /** What the model takes as input, or `undefined` when only loading it would tell. */
  async inputs(ref: unknown, signal?: AbortSignal): Promise<ReturnType<typeof modelInputs>> {
    return modelInputs(this.kernel, await this.resolve(ref, signal));
  }

  /** The parameters a job of `model` runs with: its defaults under `params` (`mergeParams`). */
  params(model: string, params?: JobParams): JobParams {
    return mergeParams(modelDefaults(this.kernel, model), params);
  }

  /** Admit a request: steps 2–7 above. Rejects with a typed error before anything is submitted. */
  async submit(a: Admission): Promise<JobHandle> {
    const aborted = () => new AbortError('The request was aborted', {}, { cause: a.signal?.reason });
    if (a.signal?.aborted) throw aborted();
    const asked = await this.resolve(a.model, a.signal);
    if (a.signal?.aborted) throw aborted();
    // This device or a server the user allowed this app to use (asking on first use): see remote-routing.ts.
    const routed = await routeJob(this.kernel, this.app(), asked, this.params(asked, a.params));
    if (a.signal?.aborted) throw aborted();
    const model = routed.model;
    const images = a.messages?.some((m) => m.images?.length) ?? false;
    const field = a.imageField ? { field: a.imageField } : {};
    if (images && acceptsImages(this.kernel, model) === false) {
      throw new UnsupportedInputError(`Model ${a.model} does not accept images`, { input: 'image', modelId: model, ...field });
    }
    const reg = this.kernel.registeredModels().find((m) => m.id === model);
    if (images && a.constraint && reg?.engine === 'wllama') {
      throw new UnsupportedInputError('Images cannot be combined with an output constraint on the wllama engine', {
        input: 'image+grammar', modelId: model, field: a.imageField ? 'response_format' : 'responseConstraint',
      });
    }
    if (a.check) {
      await a.check(model);
      if (a.signal?.aborted) throw aborted();
    }
    if (a.beforeLoad && !this.kernel.models().some((m) => m.id === model)) {
      const source = reg && typeof reg.source !== 'function' ? reg.source : null;
      if (!a.beforeLoad({ model, engine: reg?.engine ?? 'wllama', source })) {
        throw new PermissionError(`Loading model ${model} was declined by the page`, { model });
      }
    }
    const params = model === asked ? routed.params : { ...this.params(model, a.params), ...(routed.params.servers ? { servers: routed.params.servers } : {}) };
    if (a.constraint) Object.assign(params, constraintParams(a.constraint));
    return this.kernel.submit({
      pid: this.pid, model, params,
      ...(a.messages ? { messages: a.messages } : {}), ...(a.prompt !== undefined ? { prompt: a.prompt } : {}),
      ...(a.priority ? { priority: a.priority } : {}), ...(a.keepAliveMs !== undefined ? { keepAliveMs: a.keepAliveMs } : {}),
      ...(a.signal ? { signal: a.signal } : {}),
    });
  }

  /** The app this session's process runs (its id, and the name the permission dialog shows). */
  app(): { appId: string; name: string } {
    if (this.options) return { appId: this.options.appId, name: this.options.name ?? this.options.appId };
    const row = this.kernel.ps().find((p) => p.pid === this.pidValue);
    return { appId: row?.appId ?? row?.name ?? 'app', name: row?.name ?? row?.appId ?? 'app' };
  }

  /** End the process (its running jobs are cancelled); an attached session leaves its owner's process alone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.options) return;
    try {
      this.kernel.kill(this.pidValue!);
    } catch {
      // Already killed (e.g. from the task manager).
    }
  }
}
