/**
 * The `LanguageDetector` polyfill (Chrome's built-in AI Language Detector API, as the explainer
 * webmachinelearning/translation-api and the web-platform-tests `ai/language_detection/` have it), with
 * detection by the `eld` library (eld-backend.ts) — no language model involved.
 *
 * `createLanguageDetectorClass()` makes the class; `installLanguageDetectorPolyfill()` puts it on
 * `globalThis` only where the browser has no native `LanguageDetector` (or when asked with `force`; a
 * polyfill installed earlier is always replaced), as `installLanguageModelPolyfill()` does.
 *
 * - `availability()` is `'available'` for every language eld knows (its database is part of LLM OS, loaded
 *   on first use: nothing is downloaded from elsewhere), `'unavailable'` otherwise; invalid tags → `RangeError`.
 * - `create()` fires the monitor's two `downloadprogress` events (0 and 1) around the lazy load of the
 *   database — in a worker of its own (`detector-worker.ts`), so its parse never blocks the page — and rejects with `NotSupportedError` for expected input languages eld does not know.
 * - `detect()` analyses the first 10,000 characters; `inputQuota` is 1,000,000 characters (option
 *   `inputQuota`), `measureInputUsage()` the input's length in UTF-16 code units; longer inputs are a
 *   `QuotaExceededError`.
 * - `destroy()` (or the abort of `create()`'s signal) rejects pending and later calls with an `AbortError`
 *   (or the signal's reason), as the explainer and WPT's `testDestroy` / `testCreateAbort` say.
 * - With a `kernel` option each instance is a kernel process (`llmos.language-detector`, background),
 *   visible in the task manager, killed by `destroy()`. Without one, no process: detection needs no kernel.
 */
import type { KernelApi } from '../../kernel/kernel-api';
import { spawnAppProcess } from '../app-identity';
import { CreateMonitor, type Availability } from '../prompt-api/language-model-polyfill';
import { abortReason, domError, quotaExceeded } from '../prompt-api/prompt-errors';
import { canonicalizeLanguages, isSupported, type LanguageDetectionResult } from './eld-backend';
import { loadDetector, type Detector } from './detector-worker';

export { MAX_DETECT_CHARS, SUPPORTED_LANGUAGES, type LanguageDetectionResult } from './eld-backend';

/** Default `inputQuota`: characters (UTF-16 code units) an input may have. */
export const DEFAULT_INPUT_QUOTA = 1_000_000;

/** Configuration of a `LanguageDetector` class. */
export interface LanguageDetectorOptions {
  /** When given, each detector is a kernel process (shown in the task manager) until destroyed. */
  kernel?: KernelApi;
  /** Longest input in characters (default `DEFAULT_INPUT_QUOTA`). */
  inputQuota?: number;
}

/** Options of `availability()`. */
export interface LanguageDetectorCreateCoreOptions {
  expectedInputLanguages?: string[];
}

/** Options of `create()`. */
export interface LanguageDetectorCreateOptions extends LanguageDetectorCreateCoreOptions {
  signal?: AbortSignal;
  monitor?: (monitor: CreateMonitor) => void;
}

/** Options of `detect()` and `measureInputUsage()`. */
export interface LanguageDetectorDetectOptions {
  signal?: AbortSignal;
}

/** The class `createLanguageDetectorClass()` returns (what `globalThis.LanguageDetector` is once installed). */
export interface LanguageDetectorClass {
  readonly prototype: LanguageDetector;
  create(options?: LanguageDetectorCreateOptions): Promise<LanguageDetector>;
  availability(options?: LanguageDetectorCreateCoreOptions): Promise<Availability>;
}

const POLYFILL = Symbol.for('llmos.language-detector-polyfill');
const TOKEN = Symbol('LanguageDetector');

/** The app id and name of a detector's kernel process. */
export const LANGUAGE_DETECTOR_APP = Object.freeze({ appId: 'llmos.language-detector', name: 'Language detector' });

interface DetectorInit {
  detector: Detector;
  expectedInputLanguages: readonly string[] | null;
  inputQuota: number;
  kernel: KernelApi | undefined;
  pid: number | null;
  /** `create()`'s signal: aborting it later destroys the detector with its reason. */
  signal: AbortSignal | undefined;
}

function checkOptions<T extends object>(o: unknown): T {
  if (o === undefined || o === null) return {} as T;
  if (typeof o !== 'object' && typeof o !== 'function') throw new TypeError('options must be an object');
  return o as T;
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  return signal;
}

function toText(input: unknown): string {
  if (typeof input === 'symbol') throw new TypeError('input must be a string');
  return String(input);
}

/** A language detector (the instances `LanguageDetector.create()` resolves with). */
export class LanguageDetector {
  readonly #detector: Detector;
  readonly #expected: readonly string[] | null;
  readonly #quota: number;
  readonly #kernel: KernelApi | undefined;
  #pid: number | null;
  #destroyed: { reason: unknown } | null = null;

  /** @internal Not constructible from outside (`new LanguageDetector()` is a TypeError, as natively). */
  constructor(token: symbol, init: DetectorInit) {
    if (token !== TOKEN) throw new TypeError('Illegal constructor');
    this.#detector = init.detector;
    this.#expected = init.expectedInputLanguages;
    this.#quota = init.inputQuota;
    this.#kernel = init.kernel;
    this.#pid = init.pid;
    const signal = init.signal;
    signal?.addEventListener('abort', () => this.#destroy(abortReason(signal)), { once: true });
  }

  /** The expected input languages given to `create()` (canonical, frozen), or null when none were. */
  get expectedInputLanguages(): readonly string[] | null {
    return this.#expected;
  }

  /** Longest input, in characters. */
  get inputQuota(): number {
    return this.#quota;
  }

  /**
   * The languages of `input`, most likely first, each with its confidence, and a last entry `und` (the
   * probability that it is none of the languages eld knows). Only the first 10,000 characters are analysed.
   */
  async detect(input: unknown, options?: LanguageDetectorDetectOptions): Promise<LanguageDetectionResult[]> {
    const text = await this.#admit(input, options);
    return this.#detector.detect(text);
  }

  /** What `input` counts against `inputQuota`: its length in UTF-16 code units. */
  async measureInputUsage(input: unknown, options?: LanguageDetectorDetectOptions): Promise<number> {
    const signal = checkSignal(checkOptions<LanguageDetectorDetectOptions>(options).signal);
    this.#check(signal);
    const text = toText(input);
    await null;
    this.#check(signal);
    return text.length;
  }

  /** Free the detector: pending and later calls reject with an `AbortError`; its kernel process ends. */
  destroy(): void {
    this.#destroy(domError('AbortError', 'The language detector has been destroyed.'));
  }

  #destroy(reason: unknown): void {
    if (this.#destroyed) return;
    this.#destroyed = { reason };
    if (this.#kernel && this.#pid !== null) {
      try {
        this.#kernel.kill(this.#pid);
      } catch {
        // Already gone (killed from the task manager, or the kernel shut down).
      }
    }
    this.#pid = null;
  }

  #check(signal: AbortSignal | undefined): void {
    if (this.#destroyed) throw this.#destroyed.reason;
    if (signal?.aborted) throw abortReason(signal);
  }

  /** Checks of a call: destroyed, aborted, input over the quota; then a turn of the event loop's microtasks. */
  async #admit(input: unknown, options: unknown): Promise<string> {
    const signal = checkSignal(checkOptions<LanguageDetectorDetectOptions>(options).signal);
    this.#check(signal);
    const text = toText(input);
    if (text.length > this.#quota) {
      throw quotaExceeded(`The input has ${text.length} characters; the quota is ${this.#quota}`, text.length, this.#quota);
    }
    // Settle after the caller's synchronous code: a destroy() or abort() right after the call still rejects it.
    await null;
    this.#check(signal);
    return text;
  }
}

/** The detector class under another name, for the factory's class (named `LanguageDetector`, as natively). */
const LanguageDetectorBase = LanguageDetector;

function availabilityOf(languages: string[]): Availability {
  return languages.every(isSupported) ? 'available' : 'unavailable';
}

/** A `LanguageDetector` class bound to one configuration. */
export function createLanguageDetectorClass(options: LanguageDetectorOptions = {}): LanguageDetectorClass {
  const { kernel, inputQuota = DEFAULT_INPUT_QUOTA } = options;
  if (!(typeof inputQuota === 'number' && inputQuota >= 0)) throw new RangeError('inputQuota must be a non-negative number');

  const LanguageDetectorPolyfill = class LanguageDetector extends LanguageDetectorBase {
    static readonly [POLYFILL] = true;

    static async availability(raw?: LanguageDetectorCreateCoreOptions): Promise<Availability> {
      const o = checkOptions<LanguageDetectorCreateCoreOptions>(raw);
      return availabilityOf(canonicalizeLanguages(o.expectedInputLanguages));
    }

    static async create(raw?: LanguageDetectorCreateOptions): Promise<LanguageDetector> {
      const o = checkOptions<LanguageDetectorCreateOptions>(raw);
      const signal = checkSignal(o.signal);
      if (signal?.aborted) throw abortReason(signal);
      const expected = canonicalizeLanguages(o.expectedInputLanguages);
      if (o.monitor !== undefined && typeof o.monitor !== 'function') throw new TypeError('monitor must be a function');
      if (availabilityOf(expected) === 'unavailable') {
        throw domError('NotSupportedError', `Unable to detect the expected input languages (${expected.filter((l) => !isSupported(l)).join(', ')})`);
      }
      const monitor = new CreateMonitor();
      o.monitor?.(monitor); // an exception here rejects create() with it, before any event
      const aborted = signal ? new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
      }) : null;
      aborted?.catch(() => {});
      const race = <T>(p: Promise<T>) => (aborted ? Promise.race([p, aborted]) : p);
      monitor.report(0);
      const detector = await race(loadDetector().catch((e: unknown) => {
        throw domError('NetworkError', 'The language detection data could not be loaded', e);
      }));
      if (signal?.aborted) throw abortReason(signal);
      monitor.report(1);
      // Settle after the last progress event's listeners had their turn: a signal they abort still rejects.
      await race(new Promise((r) => setTimeout(r, 0)));
      const pid = kernel ? spawnAppProcess(kernel, { ...LANGUAGE_DETECTOR_APP, priority: 'background' }, 'background') : null;
      // Not `new this`: a static operation works called unbound (`const { create } = LanguageDetector`).
      return new LanguageDetectorPolyfill(TOKEN, {
        detector, kernel, pid, inputQuota, signal, expectedInputLanguages: expected.length ? Object.freeze(expected) : null,
      });
    }
  };
  return LanguageDetectorPolyfill;
}

/** Whether `globalThis.LanguageDetector` is the browser's own (not a polyfill of ours). */
export function hasNativeLanguageDetector(): boolean {
  const existing = (globalThis as { LanguageDetector?: unknown }).LanguageDetector;
  return typeof existing === 'function' && !(existing as unknown as Record<symbol, unknown>)[POLYFILL];
}

/**
 * Install the polyfill as `globalThis.LanguageDetector` unless the browser has a native one (`force`
 * replaces it anyway). A polyfill installed earlier is always replaced (reconfiguration).
 */
export function installLanguageDetectorPolyfill(options: LanguageDetectorOptions & { force?: boolean } = {}): { installed: boolean; polyfill: LanguageDetectorClass } {
  const { force = false, ...config } = options;
  const polyfill = createLanguageDetectorClass(config);
  if (hasNativeLanguageDetector() && !force) return { installed: false, polyfill };
  Object.defineProperty(globalThis, 'LanguageDetector', { value: polyfill, writable: true, configurable: true, enumerable: false });
  return { installed: true, polyfill };
}
