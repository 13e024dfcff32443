/**
 * The `LanguageModel` polyfill class: `LanguageModel.availability()` and `LanguageModel.create()` (with
 * `downloadprogress` events mapped from the kernel's model-loading progress) — and, in the extension-context
 * shape (`legacySamplingParams`), `LanguageModel.params()` — bound to one configuration (kernel, model, app). `installLanguageModelPolyfill()` puts it on
 * `globalThis` only where the browser has no native `LanguageModel` — or when asked with `force`.
 *
 * `create()` makes the model resident before it resolves: it runs the first token count (the probe
 * that finds the template overhead, token-counter.ts) as a job, which makes the kernel load the model;
 * its progress arrives as `downloadprogress` events — always a first one with `loaded` 0 and a last one
 * with 1, monotonic in between, none after `create()` settles (a signal aborted on the last event still
 * rejects it).
 */
import { LanguageModelEnv, type LanguageModelOptions } from './language-model-env';
import { ContextLedger } from './context-ledger';
import { LanguageModelSession, SESSION_TOKEN } from './language-model';
import { abortReason, domError, quotaExceeded, toDomException } from './prompt-errors';
import { acceptsImages } from '../model-inputs';
import { canonicalizeExpected, canonicalizePrompt, resolveImages, type LanguageModelExpected, type LanguageModelMessage } from './prompt-input';
import { measureMessages, templateOverhead, toolsOverhead } from './token-counter';
import { languageModelTools, type LanguageModelTool } from './prompt-tools';

import { MAX_TEMPERATURE, MAX_TOP_K, resolveSampling, type LanguageModelSamplingOptions } from './sampling';

/** `availability()` results. */
export type Availability = 'unavailable' | 'downloadable' | 'downloading' | 'available';

/** Options of `availability()`. */
export interface LanguageModelCreateCoreOptions extends LanguageModelSamplingOptions {
  expectedInputs?: LanguageModelExpected[];
  expectedOutputs?: LanguageModelExpected[];
}

/** Options of `create()`. */
export interface LanguageModelCreateOptions extends LanguageModelCreateCoreOptions {
  initialPrompts?: LanguageModelMessage[];
  /** Tools the session may call; it runs the calls itself (see `prompt-tools.ts`). */
  tools?: LanguageModelTool[];
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
  /** Extension contexts only (`legacySamplingParams`): absent otherwise, as on web pages. */
  params?(): Promise<LanguageModelParams>;
}

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
      // A mode that is none of the seven, or one with raw parameters (extension contexts), is a TypeError.
      try {
        resolveSampling(o, env);
      } catch (e) {
        if (e instanceof RangeError) return 'unavailable';
        throw e;
      }
      return availabilityOf(env, canonicalizeExpected(o.expectedInputs, 'expectedInputs'), canonicalizeExpected(o.expectedOutputs, 'expectedOutputs'));
    }

    static async create(raw?: LanguageModelCreateOptions): Promise<LanguageModelSession> {
      const o = checkOptions(raw);
      const signal = o.signal;
      if (signal?.aborted) throw abortReason(signal);
      const expectedInputs = canonicalizeExpected(o.expectedInputs, 'expectedInputs');
      const expectedOutputs = canonicalizeExpected(o.expectedOutputs, 'expectedOutputs');
      const sampling = resolveSampling(o, env);
      const tools = languageModelTools((o as { tools?: unknown }).tools);
      if (o.initialPrompts !== undefined && !Array.isArray(o.initialPrompts)) throw new TypeError('initialPrompts must be an array of messages');
      const canonical = o.initialPrompts?.length ? canonicalizePrompt(o.initialPrompts, false, expectedInputs) : [];
      if (o.monitor !== undefined && typeof o.monitor !== 'function') throw new TypeError('monitor must be a function');
      const availability = await availabilityOf(env, expectedInputs, expectedOutputs);
      if (availability === 'unavailable') {
        throw domError('NotSupportedError', 'The language model cannot handle the expected inputs or outputs');
      }
      // Opt-in: a model still to be downloaded needs the page to have had a user gesture (sticky activation).
      const activation = (globalThis.navigator as { userActivation?: { hasBeenActive: boolean } } | undefined)?.userActivation;
      if (env.options.requireUserActivation && availability !== 'available' && activation && !activation.hasBeenActive) {
        throw domError('NotAllowedError', 'Downloading the language model requires a user gesture first');
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
        const resident = env.residency(model) === 'available';
        const aborted = signal ? new Promise<never>((_, reject) => {
          if (signal.aborted) reject(abortReason(signal));
          signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
        }) : null;
        aborted?.catch(() => {});
        const race = <T>(p: Promise<T>) => (aborted ? Promise.race([p, aborted]) : p);
        // The first count loads the model (its progress is the monitor's); it also finds the template overhead.
        const overhead = await race(templateOverhead(env.kernel, env.pid, model, env.params(model), signal, !resident));
        const initialUsage = await race(measureMessages(env.kernel, env.pid, model, initial, env.params(model), signal));
        // The tools' part of the prompt is written by the engine into every request: outside the window too.
        const toolCost = await race(toolsOverhead(env.kernel, env.pid, model, tools, env.params(model), signal));
        const window = env.contextWindow(model, overhead + toolCost);
        if (initialUsage > window) throw quotaExceeded(`The initial prompts need ${initialUsage} tokens; the context window is ${window}`, initialUsage, window);
        monitor.report(1);
        // Settle after the last progress event's listeners had their turn: a signal they abort still rejects.
        await race(new Promise((r) => setTimeout(r, 0)));
        const ledger = new ContextLedger(window, initial, initialUsage);
        // Not `new this`: a static operation works called unbound (`const { create } = LanguageModel`), as natively.
        return new LanguageModel(SESSION_TOKEN, { env, model, ledger, sampling, expectedInputs, expectedOutputs, tools, signal });
      } catch (e) {
        throw signal?.aborted ? abortReason(signal) : toDomException(e, 'OperationError');
      } finally {
        off();
      }
    }
  }
  // LanguageModel.params() is for extension contexts only: web pages do not have it (`'params' in LanguageModel` is false).
  if (env.legacySamplingParams) {
    Object.defineProperty(LanguageModel, 'params', {
      configurable: true, writable: true, enumerable: false,
      value: async function params(): Promise<LanguageModelParams> {
        return { defaultTopK: env.defaultTopK, maxTopK: MAX_TOP_K, defaultTemperature: env.defaultTemperature, maxTemperature: MAX_TEMPERATURE };
      },
    });
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
