/**
 * Which models a `/v1` caller may name, and how long the ones it brought stay registered.
 *
 * - A `model` that is a GGUF URL must be on the app's own origin or on an origin the user allowed
 *   (Settings; empty by default): otherwise any page of the origin — or a script injected into one —
 *   could make the app download, with its origin, whatever file another site names. A refusal is a
 *   `PermissionError` naming the field (`/v1` answers 403) and nothing is fetched.
 * - URLs registered through `/v1` expire: at most `maxModels` (least recently used forgotten first) and
 *   none idle longer than `idleMs`, so a caller naming 300 distinct URLs never leaves 300 models
 *   listed. A model that is loaded or has jobs is kept until it is not (the next sweep retries).
 *   Models the page registered itself (the library, elements) are never touched.
 */
import { PermissionError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import { isModelOriginAllowed, storedRemoteOrigins } from '../bridge/model-origins';
import { forgetModel, isModelUrl, resolveModel } from '../model-ref';

/** Options of `V1Models`. */
export interface V1ModelsOptions {
  /** The allowed remote origins, read at every request (default: the desktop settings' `remoteModelOrigins`). */
  remoteOrigins?: () => Iterable<string>;
  /** Most URL models registered through `/v1` at once (default 16). */
  maxModels?: number;
  /** A URL model unused for this long is forgotten, ms (default 1 h). */
  idleMs?: number;
  /** Clock (tests). */
  now?: () => number;
  /** The app's origin (default `location.origin`). */
  ownOrigin?: string;
}

/** Defaults of `V1Models`. */
export const V1_MODEL_LIMITS = { maxModels: 16, idleMs: 60 * 60 * 1000 } as const;

/** The `/v1` model policy of one kernel. */
export class V1Models {
  /** URL model id → last use; iteration order is least recently used first. */
  private readonly used = new Map<string, number>();
  private readonly remoteOrigins: () => Iterable<string>;
  private readonly maxModels: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly ownOrigin: string;

  constructor(private readonly kernel: KernelApi, options: V1ModelsOptions = {}) {
    this.remoteOrigins = options.remoteOrigins ?? storedRemoteOrigins;
    this.maxModels = options.maxModels ?? V1_MODEL_LIMITS.maxModels;
    this.idleMs = options.idleMs ?? V1_MODEL_LIMITS.idleMs;
    this.now = options.now ?? Date.now;
    this.ownOrigin = options.ownOrigin ?? globalThis.location.origin;
  }

  /** URL models registered through `/v1` and still remembered, least recently used first. */
  get tracked(): string[] {
    return [...this.used.keys()];
  }

  /**
   * Check a request's `model` before anything runs: refuse a URL on an origin not allowed, register an
   * allowed one (its header is read) and note its use. Ids are left to the kernel.
   */
  async admit(ref: unknown, signal?: AbortSignal): Promise<void> {
    this.sweep();
    if (typeof ref !== 'string' || !isModelUrl(ref)) return;
    const registered = this.kernel.registeredModels().some((m) => m.id === ref);
    if (registered && !this.used.has(ref)) return; // the page's own registration
    if (!isModelOriginAllowed(ref, this.ownOrigin, this.remoteOrigins())) {
      throw new PermissionError(`Model URLs through /v1 must be on ${this.ownOrigin} or on a site allowed in Settings`, {
        field: 'model', value: ref, reason: 'remote-model-origin',
      });
    }
    if (!registered) await resolveModel(this.kernel, ref, signal);
    this.used.delete(ref);
    this.used.set(ref, this.now());
    this.evict();
  }

  /** Forget the URL models idle for longer than `idleMs` (and, over the cap, the least recently used). */
  sweep(): void {
    const limit = this.now() - this.idleMs;
    for (const [id, at] of this.used) if (at <= limit) this.forget(id);
    this.evict();
  }

  private evict(): void {
    for (const id of [...this.used.keys()]) {
      if (this.used.size <= this.maxModels) return;
      this.forget(id);
    }
  }

  private forget(id: string): void {
    if (!this.kernel.registeredModels().some((m) => m.id === id)) this.used.delete(id); // already gone
    else if (forgetModel(this.kernel, id)) this.used.delete(id);
  }
}

const perKernel = new WeakMap<KernelApi, V1Models>();

/** The default policy of a kernel (one per kernel, so its memory of `/v1` models is shared). */
export function v1ModelsOf(kernel: KernelApi): V1Models {
  let m = perKernel.get(kernel);
  if (!m) perKernel.set(kernel, m = new V1Models(kernel));
  return m;
}
