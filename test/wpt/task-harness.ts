/**
 * The WPT stand-ins for the ports of `ai/summarizer/`, `ai/writer/`, `ai/rewriter/`, `ai/translator/` and
 * `ai/proofreader/` (README section "Task APIs"): the testharness.js shims and `ai/resources/util.js`
 * helpers of ./harness.ts (reused, not copied), plus what these files need beyond them — the util.js
 * helpers `createSummarizer` / `createWriter` / `createRewriter` / `createProofreader`, `testDestroy`,
 * `testCreateAbort`, `testCreateMonitorCallbackThrowsError`, `ai/translator/resources/util.js`
 * (`createTranslator`), `ai/resources/locale-util.js`, `/common/gc.js` and `assert_array_equals`.
 *
 * `setup_task_wpt()` (once per file) starts a kernel with the fixture model (`tiny.gguf`, random weights:
 * greedy, byte tokens banned, replies of `maxOutputTokens`), installs the task API polyfills on
 * `globalThis` (forced over Chromium's own, restored afterwards) and logs `[wpt] <file>: N assertions
 * passed, M model-quality assertions not run`. The shims re-exported here are counted here (the util.js
 * helpers of ./harness.ts by the assertions they make when they pass).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { Kernel } from '../../src/kernel/kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { randomFixtureDefaults, setModelDefaults } from '../../src/api/model-ref';
import { BUILT_IN_AI_NAMES, createBuiltInAi, installBuiltInAi } from '../../src/api/builtin-ai/builtin-ai';
import type { BuiltInAiOptions } from '../../src/api/builtin-ai/ai-env';
import { TINY_B_URL, TINY_URL } from '../helpers/engines';
import * as h from './harness';
import type { WptCreateOptions, WptTest } from './harness';

export {
  consumeTransientUserActivation, fromAsync, gc, generateOptionCombinations, kAvailableAvailabilities, kTestContext,
  kTestPrompt, kTestPrompt2, kValidAvailabilities, promise_test, readStream, test_driver, type WptCreateOptions, type WptTest,
} from './harness';

// ---------------------------------------------------------------------------------------------------
// The APIs as the WPT code uses them (loosely typed, as JavaScript sees them).

type Stream = ReadableStream<string> & AsyncIterable<string>;
type CallOptions = { signal?: AbortSignal; context?: unknown };

/** What every instance has (`DestroyableModel` and the quota). */
export interface WptTaskModel {
  measureInputUsage(input: unknown, options?: CallOptions): Promise<number>;
  destroy(): void;
  readonly inputQuota: number;
}

interface WritingModel extends WptTaskModel {
  readonly sharedContext: string;
  readonly format: string;
  readonly length: string;
  readonly expectedInputLanguages: readonly string[] | null;
  readonly expectedContextLanguages: readonly string[] | null;
  readonly outputLanguage: string | null;
}
export interface WptSummarizer extends WritingModel {
  summarize(input: unknown, options?: CallOptions): Promise<string>;
  summarizeStreaming(input: unknown, options?: CallOptions): Stream;
  readonly type: string;
}
export interface WptWriter extends WritingModel {
  write(input: unknown, options?: CallOptions): Promise<string>;
  writeStreaming(input: unknown, options?: CallOptions): Stream;
  readonly tone: string;
}
export interface WptRewriter extends WritingModel {
  rewrite(input: unknown, options?: CallOptions): Promise<string>;
  rewriteStreaming(input: unknown, options?: CallOptions): Stream;
  readonly tone: string;
}
export interface WptTranslator extends WptTaskModel {
  translate(input: unknown, options?: CallOptions): Promise<string>;
  translateStreaming(input: unknown, options?: CallOptions): Stream;
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
}
export interface WptProofreader extends WptTaskModel {
  proofread(input: unknown, options?: CallOptions): Promise<{ correctedInput: string; corrections?: unknown[] }>;
}

/** A task API class as the tests use it. */
export interface WptTaskClass<T> {
  new (...args: never[]): T;
  readonly prototype: T;
  create(options?: WptCreateOptions): Promise<T>;
  availability(options?: WptCreateOptions): Promise<string>;
}

/** The polyfills under test, installed on `globalThis` by `setup_task_wpt()`. */
export let Summarizer: WptTaskClass<WptSummarizer>;
export let Writer: WptTaskClass<WptWriter>;
export let Rewriter: WptTaskClass<WptRewriter>;
export let Translator: WptTaskClass<WptTranslator>;
export let Proofreader: WptTaskClass<WptProofreader>;

// ---------------------------------------------------------------------------------------------------
// Setup

export interface TaskWptSetup {
  /** Longest output of one call (default 16; the proofreader's JSON answer needs more). */
  maxOutputTokens?: number;
  /** Context allocated to the model (default 1024). */
  nCtx?: number;
  /**
   * Start the engine first with another model (`tiny-b.gguf`), so that loading the model under test
   * later costs its weights only (for the user-activation files: create() within 5 s of a click).
   */
  warmEngine?: boolean;
  /** Further polyfill options (e.g. `requireUserActivation`). */
  polyfill?: Partial<BuiltInAiOptions>;
}

/**
 * The languages the fixture stands for: what the WPT files name as supported ('en', 'en-GB', 'ja', 'fr')
 * and not 'es' / 'zu', which `…-availability-available` expect to be `unavailable`.
 */
export const TASK_WPT_LANGUAGES = ['en', 'ja', 'fr', 'de'];

const counts = { passed: 0, quality: 0 };
let kernel: Kernel | null = null;

/** Start the kernel and install the polyfills for the tests of this file (and put things back afterwards). */
export function setup_task_wpt(options: TaskWptSetup = {}): void {
  const originals = new Map<string, PropertyDescriptor | undefined>();
  beforeAll(async () => {
    kernel = new Kernel({ settings: memorySettingsStore() });
    const weightBytes = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
    kernel.registerModel({ id: 'wpt', engine: 'wllama', weightBytes, nCtx: options.nCtx ?? 1024, source: { kind: 'gguf-url', id: 'wpt', url: TINY_URL } });
    // Random weights: greedy, byte tokens banned (they decode to nothing), replies run to maxOutputTokens.
    setModelDefaults(kernel, 'wpt', randomFixtureDefaults());
    await kernel.ready;
    const params = { temperature: 0, logitBias: randomFixtureDefaults().logitBias };
    if (options.warmEngine) {
      kernel.registerModel({ id: 'warm', engine: 'wllama', weightBytes, nCtx: 128, source: { kind: 'gguf-url', id: 'warm', url: TINY_B_URL } });
      (await createBuiltInAi({ kernel, model: 'warm', maxOutputTokens: 1, params }).Summarizer.create()).destroy();
    }
    for (const name of BUILT_IN_AI_NAMES) originals.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    const { polyfills } = installBuiltInAi({
      kernel, model: 'wpt', force: true, maxOutputTokens: options.maxOutputTokens ?? 16, params, languages: TASK_WPT_LANGUAGES, ...options.polyfill,
    });
    Summarizer = polyfills.Summarizer as unknown as WptTaskClass<WptSummarizer>;
    Writer = polyfills.Writer as unknown as WptTaskClass<WptWriter>;
    Rewriter = polyfills.Rewriter as unknown as WptTaskClass<WptRewriter>;
    Translator = polyfills.Translator as unknown as WptTaskClass<WptTranslator>;
    Proofreader = polyfills.Proofreader as unknown as WptTaskClass<WptProofreader>;
    counts.passed = 0;
    counts.quality = 0;
    // A click of the file run just before is still a transient activation here for up to 5 s (Chromium
    // shows a frame's activation to the same-origin frames of its page): the user-activation tests wait
    // for it to expire, so they start from none, as a fresh WPT page does.
    if (options.polyfill?.requireUserActivation) {
      for (let t0 = performance.now(); navigator.userActivation.isActive && performance.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(async () => {
    const file = (expect.getState().testPath ?? '').replace(/^.*\/test\/wpt\//, '');
    console.log(`[wpt] ${file}: ${counts.passed} assertions passed, ${counts.quality} model-quality assertions not run`);
    for (const [name, original] of originals) {
      if (original) Object.defineProperty(globalThis, name, original);
      else delete (globalThis as Record<string, unknown>)[name];
    }
    await kernel?.shutdown();
    kernel = null;
  });
}

// ---------------------------------------------------------------------------------------------------
// testharness.js (./harness.ts's shims, counted)

function counted<A extends unknown[], R>(assert: (...args: A) => R, n = 1): (...args: A) => R {
  return (...args: A) => {
    const r = assert(...args);
    if (r instanceof Promise) return r.then((v: unknown) => { counts.passed += n; return v; }) as R;
    counts.passed += n;
    return r;
  };
}

export const assert_true = counted(h.assert_true);
export const assert_false = counted(h.assert_false);
export const assert_equals = counted(h.assert_equals);
export const assert_not_equals = counted(h.assert_not_equals);
export const assert_greater_than = counted(h.assert_greater_than);
export const assert_greater_than_equal = counted(h.assert_greater_than_equal);
export const assert_less_than_equal = counted(h.assert_less_than_equal);
export const assert_in_array = counted(h.assert_in_array);
export const assert_implements_optional = counted(h.assert_implements_optional);
export const assert_unreached = h.assert_unreached;
export const promise_rejects_dom = counted(h.promise_rejects_dom);
export const promise_rejects_js = counted(h.promise_rejects_js);
export const promise_rejects_exactly = counted(h.promise_rejects_exactly);
export const promise_rejects_quotaexceedederror = counted(h.promise_rejects_quotaexceedederror);

/** What a real model answers: kept in the port, not run (./harness.ts `model_quality`). */
export function model_quality(assertion: () => void): void {
  h.model_quality(assertion);
  counts.quality++;
}

/** Same length, and each item `===` (testharness.js `assert_array_equals`). */
export function assert_array_equals(actual: readonly unknown[] | null, expected: readonly unknown[], description?: string): void {
  expect(actual, description).not.toBeNull();
  expect(actual!.length, description).toBe(expected.length);
  expected.forEach((item, i) => expect(actual![i], `${description ?? ''} [${i}]`).toBe(item));
  counts.passed++;
}

/** `/common/gc.js` `garbageCollect()`. */
export function garbageCollect(): void {
  h.gc();
}

// ---------------------------------------------------------------------------------------------------
// ai/resources/util.js (./harness.ts's helpers, counted by the assertions they make)

export const testAbortPromise = counted(h.testAbortPromise, 4);
export const testAbortReadableStream = counted(h.testAbortReadableStream, 4);
export const testCreateMonitorWithAbort = counted(h.testCreateMonitorWithAbort, 2);

/** util.js `testMonitor` (./harness.ts's), counted: one assertion per event, five per event checked, three more. */
export async function testMonitor<T>(createFunc: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions = {}): Promise<T> {
  let events = 0;
  const counting = (o: WptCreateOptions) => createFunc({
    ...o, monitor: (m: EventTarget) => { m.addEventListener('downloadprogress', () => { events++; }); o.monitor?.(m); },
  });
  const result = await h.testMonitor(counting, options);
  counts.passed += 3 + 6 * events;
  return result;
}

export async function testCreateMonitorCallbackThrowsError(t: WptTest, createFunc: (o: WptCreateOptions) => Promise<unknown>, options: WptCreateOptions = {}): Promise<void> {
  const error = new Error('CreateMonitorCallback threw an error');
  function monitor(m: EventTarget) {
    m.addEventListener('downloadprogress', () => {
      assert_unreached(
          'This should never be reached since monitor throws an error.');
    });
    throw error;
  }

  await promise_rejects_exactly(t, error, createFunc({...options, monitor}));
}

export async function createSummarizer(options: WptCreateOptions = {}): Promise<WptSummarizer> {
  await test_driver_bless();
  return await Summarizer.create(options);
}

export async function createWriter(options: WptCreateOptions = {}): Promise<WptWriter> {
  await test_driver_bless();
  return await Writer.create(options);
}

export async function createRewriter(options: WptCreateOptions = {}): Promise<WptRewriter> {
  await test_driver_bless();
  return await Rewriter.create(options);
}

export async function createProofreader(options: WptCreateOptions = {}): Promise<WptProofreader> {
  await test_driver_bless();
  return await Proofreader.create(options);
}

/** ai/translator/resources/util.js `createTranslator`. */
export async function createTranslator(options: WptCreateOptions): Promise<WptTranslator> {
  await test_driver_bless();
  return await Translator.create(options);
}

const test_driver_bless = () => h.test_driver.bless();

export async function testDestroy<T extends WptTaskModel>(
  t: WptTest, createMethod: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions, instanceMethods: ((instance: T) => Promise<unknown>)[],
): Promise<void> {
  const instance = await createMethod(options);

  const promises = instanceMethods.map(method => method(instance));

  instance.destroy();

  promises.push(...instanceMethods.map(method => method(instance)));

  for (const promise of promises) {
    await promise_rejects_dom(t, 'AbortError', promise);
  }
}

export async function testCreateAbort<T extends WptTaskModel>(
  t: WptTest, createMethod: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions, instanceMethods: ((instance: T) => Promise<unknown>)[],
): Promise<void> {
  const controller = new AbortController();
  const instance = await createMethod({...options, signal: controller.signal});

  const promises = instanceMethods.map(method => method(instance));

  const error = new Error('The create abort signal was aborted.');
  controller.abort(error);

  promises.push(...instanceMethods.map(method => method(instance)));

  for (const promise of promises) {
    await promise_rejects_exactly(t, error, promise);
  }
}

// ---------------------------------------------------------------------------------------------------
// ai/resources/locale-util.js (shared with the language detector's harness)

export { valid_language_tags, invalid_language_tags } from './locale-util';
