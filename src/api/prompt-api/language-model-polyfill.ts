/**
 * The `LanguageModel` polyfill class: `LanguageModel.availability()`, `LanguageModel.create()` (with
 * `downloadprogress` events mapped from the kernel's model-loading progress) and `LanguageModel.params()`,
 * bound to one configuration (kernel, model, app). `installLanguageModelPolyfill()` puts it on
 * `globalThis` only where the browser has no native `LanguageModel` — or when asked with `force`.
 *
 * `create()` makes the model resident before it resolves: it runs the first token count (of the
 * initial prompts, or of an empty message) as a job, which makes the kernel load the model; its
 * progress arrives as `downloadprogress` events — always a first one with `loaded` 0 and a last one
 * with 1, monotonic in between, none after `create()` settles.
 */
import { LanguageModelEnv, type LanguageModelOptions } from './language-model-env';
import { ContextLedger } from './context-ledger';
import { LanguageModelSession, SESSION_TOKEN } from './language-model';
import { abortReason, domError, quotaExceeded, toDomException } from './prompt-errors';
import { acceptsImages } from '../model-inputs';
import { canonicalizeExpected, canonicalizePrompt, resolveImages, type LanguageModelExpected, type LanguageModelMessage } from './prompt-input';
import { countTokens } from './token-counter';

/** `availability()` results. */
export type Availability = 'unavailable' | 'downloadable' | 'downloading' | 'available';

/** Options of `availability()`. */
export interface LanguageModelCreateCoreOptions {
  expectedInputs?: LanguageModelExpected[];
  expectedOutputs?: LanguageModelExpected[];
  temperature?: number;
  topK?: number;
}

/** Options of `create()`. */
export interface LanguageModelCreateOptions extends LanguageModelCreateCoreOptions {
  initialPrompts?: LanguageModelMessage[];
  signal?: AbortSignal;
  monitor?: (monitor: CreateMonitor) => void;
}

/** `LanguageModel.params()`. */
export interface LanguageModelParams {
  defaultTopK: number;
  maxTopK: number;
  defaultTemperature: number;
  maxTemperature: number;
}

/** The class `createLanguageModelClass()` returns (what `globalThis.LanguageModel` is once installed). */
export interface LanguageModelClass {
  readonly prototype: LanguageModelSession;
  create(options?: LanguageModelCreateOptions): Promise<LanguageModelSession>;
  availability(options?: LanguageModelCreateCoreOptions): Promise<Availability>;
  params(): Promise<LanguageModelParams>;
}

const MAX_TOP_K = 128;
const MAX_TEMPERATURE = 2;
const POLYFILL = Symbol.for('llmos.language-model-polyfill');

/** The object `create({monitor})` hands to its callback. */
export class CreateMonitor extends EventTarget {
  #last = -1;
  #handler: EventListener | null = null;

  get ondownloadprogress(): EventListener | null { return this.#handler; }
  set ondownloadprogress(fn: EventListener | null) {
    if (this.#handler) this.removeEventListener('downloadprogress', this.#handler);
    this.#handler = typeof fn === 'function' ? fn : null;
    if (this.#handler) this.addEventListener('downloadprogress', this.#handler);
  }

  /**
   * @internal Fire a progress event if `fraction` moves forward (the first one is always 0). As the
   * explainer's monitor does, `loaded` is rounded down to a multiple of 1/65536 (so progress does not
   * reveal exact byte counts), and only 1 itself is ever 1.
   */
  report(fraction: number): void {
    const q = fraction >= 1 ? 1 : Math.floor(Math.max(0, fraction) * 65536) / 65536;
    const loaded = this.#last < 0 ? 0 : q;
    if (loaded <= this.#last) return;
    this.#last = loaded;
    this.dispatchEvent(new ProgressEvent('downloadprogress', { loaded, total: 1, lengthComputable: true }));
  }
}

function sampling(o: LanguageModelCreateCoreOptions, env: LanguageModelEnv): { temperature: number; topK: number } {
  let temperature = env.defaultTemperature;
  let topK = env.defaultTopK;
  if (o.temperature !== undefined) {
    if (typeof o.temperature !== 'number' || Number.isNaN(o.temperature)) throw new TypeError('temperature must be a number');
    if (o.temperature < 0) throw new RangeError('temperature must not be negative');
    temperature = Math.min(o.temperature, MAX_TEMPERATURE);
  }
  if (o.topK !== undefined) {
    if (typeof o.topK !== 'number' || Number.isNaN(o.topK)) throw new TypeError('topK must be a number');
    if (o.topK < 1) throw new RangeError('topK must be at least 1');
    topK = Math.min(Math.floor(o.topK), MAX_TOP_K);
  }
  return { temperature, topK };
}

function checkOptions(o: unknown): LanguageModelCreateOptions {
  if (o === undefined || o === null) return {};
  if (typeof o !== 'object') throw new TypeError('options must be an object');
  return o as LanguageModelCreateOptions;
}

async function availabilityOf(env: LanguageModelEnv, inputs: LanguageModelExpected[], outputs: LanguageModelExpected[]): Promise<Availability> {
  // Text (and, for vision models, images) in, text out: audio and tool use are beyond these models.
  if (inputs.some((e) => e.type !== 'text' && e.type !== 'image') || outputs.some((e) => e.type !== 'text')) return 'unavailable';
  if (!env.supportsLanguages([...inputs, ...outputs].flatMap((e) => e.languages ?? []))) return 'unavailable';
  try {
    const model = await env.model();
    if (!env.engineOf(model)) return 'unavailable';
    // Known text-only → unavailable; unknown (registered without `inputs`) → as the model: its engine decides.
    if (inputs.some((e) => e.type === 'image') && acceptsImages(env.kernel, model) === false) return 'unavailable';
    return env.residency(model);
  } catch {
    return 'unavailable';
  }
}

/** A `LanguageModel` class bound to one configuration. */
export function createLanguageModelClass(options: LanguageModelOptions): LanguageModelClass {
  const env = new LanguageModelEnv(options);

  class LanguageModel extends LanguageModelSession {
    static readonly [POLYFILL] = true;

    static async availability(raw?: LanguageModelCreateCoreOptions): Promise<Availability> {
      const o = checkOptions(raw);
      // Sampling values create() would refuse (topK < 1, a negative temperature) are not errors here: such a
      // session is simply unavailable (WPT ai/language-model availability: a value, never a rejection).
      try {
        sampling(o, env);
      } catch (e) {
        if (e instanceof RangeError) return 'unavailable';
        throw e;
      }
      return availabilityOf(env, canonicalizeExpected(o.expectedInputs, 'expectedInputs'), canonicalizeExpected(o.expectedOutputs, 'expectedOutputs'));
    }

    static async params(): Promise<LanguageModelParams> {
      return { defaultTopK: env.defaultTopK, maxTopK: MAX_TOP_K, defaultTemperature: env.defaultTemperature, maxTemperature: MAX_TEMPERATURE };
    }

    static async create(raw?: LanguageModelCreateOptions): Promise<LanguageModelSession> {
      const o = checkOptions(raw);
      const signal = o.signal;
      if (signal?.aborted) throw abortReason(signal);
      const expectedInputs = canonicalizeExpected(o.expectedInputs, 'expectedInputs');
      const expectedOutputs = canonicalizeExpected(o.expectedOutputs, 'expectedOutputs');
      const { temperature, topK } = sampling(o, env);
      if (o.initialPrompts !== undefined && !Array.isArray(o.initialPrompts)) throw new TypeError('initialPrompts must be an array of messages');
      const canonical = o.initialPrompts?.length ? canonicalizePrompt(o.initialPrompts, false, expectedInputs) : [];
      if (o.monitor !== undefined && typeof o.monitor !== 'function') throw new TypeError('monitor must be a function');
      if ((await availabilityOf(env, expectedInputs, expectedOutputs)) === 'unavailable') {
        throw domError('NotSupportedError', 'The language model cannot handle the expected inputs or outputs');
      }
      const monitor = new CreateMonitor();
      o.monitor?.(monitor);
      monitor.report(0);
      let off = () => {};
      try {
        const initial = await resolveImages(canonical);
        if (signal?.aborted) throw abortReason(signal);
        const model = await env.model(signal);
        off = env.kernel.events.on('model-progress', (d) => { if (d.model === model && d.fraction < 1) monitor.report(d.fraction); });
        const warm = initial.length ? initial : [{ role: 'user' as const, content: '' }];
        const resident = env.residency(model) === 'available';
        const counting = countTokens(env.kernel, env.pid, model, warm, env.params(model), signal, !resident);
        const counted = await (signal ? Promise.race([counting, new Promise<never>((_, reject) => {
          if (signal.aborted) reject(abortReason(signal));
          signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
        })]) : counting);
        const initialUsage = initial.length ? counted : 0;
        const window = env.contextWindow(model);
        if (initialUsage > window) throw quotaExceeded(`The initial prompts need ${initialUsage} tokens; the context window is ${window}`, initialUsage, window);
        monitor.report(1);
        const ledger = new ContextLedger(window, initial, initialUsage);
        return new this(SESSION_TOKEN, { env, model, ledger, temperature, topK, expectedInputs, expectedOutputs, signal });
      } catch (e) {
        throw signal?.aborted ? abortReason(signal) : toDomException(e, 'OperationError');
      } finally {
        off();
      }
    }
  }
  return LanguageModel;
}

/** Whether `globalThis.LanguageModel` is the browser's own (not a polyfill of ours). */
export function hasNativeLanguageModel(): boolean {
  const existing = (globalThis as { LanguageModel?: unknown }).LanguageModel;
  return typeof existing === 'function' && !(existing as unknown as Record<symbol, unknown>)[POLYFILL];
}

/**
 * Install the polyfill as `globalThis.LanguageModel` unless the browser has a native one (`force`
 * replaces it anyway). A polyfill installed earlier is always replaced (reconfiguration).
 */
export function installLanguageModelPolyfill(options: LanguageModelOptions & { force?: boolean }): { installed: boolean; polyfill: LanguageModelClass } {
  const { force = false, ...config } = options;
  const polyfill = createLanguageModelClass(config);
  if (hasNativeLanguageModel() && !force) return { installed: false, polyfill };
  Object.defineProperty(globalThis, 'LanguageModel', { value: polyfill, writable: true, configurable: true, enumerable: false });
  return { installed: true, polyfill };
}
