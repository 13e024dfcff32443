/**
 * The WPT stand-ins for the ports of `ai/language_detection/` (README section "LanguageDetector"): the
 * testharness.js shims of ../harness.ts (reused, not copied), plus what these files need beyond them —
 * `ai/language_detection/resources/util.js` (`createLanguageDetector`), the parts of `ai/resources/util.js`
 * that ../harness.ts lacks (`testDestroy`, `testCreateAbort`, `testCreateMonitorCallbackThrowsError`),
 * `ai/resources/locale-util.js`, and `assert_array_equals`.
 *
 * `setup_language_detection()` (once per file) installs the polyfill as `globalThis.LanguageDetector`
 * (forced over Chromium's own, restored afterwards) without a kernel — detection needs none.
 * `test_driver.bless()` is its own here: overlapping calls queue, each clicking a button of its own
 * (detector.https.window.js starts `testMonitor()` without awaiting it, and the next test blesses meanwhile).
 */
import { afterAll, beforeAll } from 'vitest';
import { userEvent } from 'vitest/browser';
import { installLanguageDetectorPolyfill } from '../../../src/api/language-detector/language-detector';
import {
  assert_equals, assert_in_array, assert_true, assert_unreached, promise_rejects_dom, promise_rejects_exactly,
  type WptCreateOptions, type WptTest,
} from '../harness';

export {
  assert_equals, assert_false, assert_greater_than, assert_greater_than_equal, assert_implements_optional, assert_in_array,
  assert_less_than, assert_less_than_equal, assert_true, consumeTransientUserActivation, kTestPrompt, kTestPrompt2,
  promise_rejects_dom, promise_rejects_exactly, promise_rejects_js, promise_rejects_quotaexceedederror, promise_test,
  testAbortPromise, testCreateMonitorWithAbort, testMonitor, type WptTest,
} from '../harness';

/** One entry of `detect()`'s answer. */
export interface WptDetection {
  detectedLanguage: string;
  confidence: number;
}

/** A detector as the tests use it. */
export interface WptDetector {
  detect(input: unknown, options?: object): Promise<WptDetection[]>;
  measureInputUsage(input: unknown, options?: object): Promise<number>;
  destroy(): void;
  readonly inputQuota: number;
  readonly expectedInputLanguages: readonly string[] | null;
}

/** `LanguageDetector` as the tests use it. */
export interface WptLanguageDetector {
  create(options?: WptCreateOptions): Promise<WptDetector>;
  availability(options?: WptCreateOptions): Promise<string>;
}

/** The polyfill under test, installed as `globalThis.LanguageDetector` by `setup_language_detection()`. */
export let LanguageDetector: WptLanguageDetector;

let blessings = 0;
let clicking: Promise<void> = Promise.resolve();

/** Install the polyfill for the tests of this file (and put things back afterwards). */
export function setup_language_detection(): void {
  let original: PropertyDescriptor | undefined;
  beforeAll(() => {
    original = Object.getOwnPropertyDescriptor(globalThis, 'LanguageDetector');
    LanguageDetector = installLanguageDetectorPolyfill({ force: true }).polyfill as unknown as WptLanguageDetector;
  });
  afterAll(async () => {
    // A blessing a test started without awaiting it clicks within this file, not in the next one.
    await clicking;
    if (original) Object.defineProperty(globalThis, 'LanguageDetector', original);
    else delete (globalThis as { LanguageDetector?: unknown }).LanguageDetector;
  });
}

// ---------------------------------------------------------------------------------------------------
// testharness.js

/** Same length, and each item `===` (testharness.js `assert_array_equals`). */
export function assert_array_equals(actual: readonly unknown[] | null, expected: readonly unknown[], description?: string): void {
  assert_true(Array.isArray(actual), `${description ?? ''} is an array`);
  assert_equals(actual!.length, expected.length, description);
  expected.forEach((item, i) => assert_equals(actual![i], item, `${description ?? ''} [${i}]`));
}

/**
 * testdriver.js `test_driver.bless(intent, action)`: a real click (Playwright, through Vitest's `userEvent`)
 * on a button of its own, which gives the page transient and sticky user activation; then `action()`.
 */
export const test_driver = {
  async bless(_intent?: string, action?: () => unknown): Promise<unknown> {
    // One button at a time (overlapping calls queue), each with a label of its own.
    const turn = clicking.then(async () => {
      const button = document.createElement('button');
      button.textContent = `bless-${++blessings}-now`;
      document.body.append(button);
      const clicked = new Promise<void>((resolve) => button.addEventListener('click', () => resolve(), { once: true }));
      await userEvent.click(button);
      await clicked;
      button.remove();
    });
    clicking = turn.catch(() => {});
    await turn;
    return typeof action === 'function' ? action() : null;
  },
};

// ---------------------------------------------------------------------------------------------------
// ai/language_detection/resources/util.js

/** `test_driver.bless()` (a real click), then `LanguageDetector.create()`. */
export async function createLanguageDetector(options: WptCreateOptions = {}): Promise<WptDetector> {
  await test_driver.bless();
  return await LanguageDetector.create(options);
}

// ---------------------------------------------------------------------------------------------------
// ai/resources/util.js (the helpers ../harness.ts does not have)

export async function testCreateMonitorCallbackThrowsError<T>(t: WptTest, createFunc: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions = {}): Promise<void> {
  const error = new Error('CreateMonitorCallback threw an error');
  function monitor(m: EventTarget) {
    m.addEventListener('downloadprogress', () => {
      assert_unreached('This should never be reached since monitor throws an error.');
    });
    throw error;
  }
  await promise_rejects_exactly(t, error, createFunc({ ...options, monitor }));
}

export async function testDestroy<T extends { destroy(): void }>(t: WptTest, createMethod: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions, instanceMethods: ((instance: T) => Promise<unknown>)[]): Promise<void> {
  const instance = await createMethod(options);
  const promises = instanceMethods.map(method => method(instance));
  instance.destroy();
  promises.push(...instanceMethods.map(method => method(instance)));
  for (const promise of promises) {
    await promise_rejects_dom(t, 'AbortError', promise);
  }
}

export async function testCreateAbort<T>(t: WptTest, createMethod: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions, instanceMethods: ((instance: T) => Promise<unknown>)[]): Promise<void> {
  const controller = new AbortController();
  const instance = await createMethod({ ...options, signal: controller.signal });
  const promises = instanceMethods.map(method => method(instance));
  const error = new Error('The create abort signal was aborted.');
  controller.abort(error);
  promises.push(...instanceMethods.map(method => method(instance)));
  for (const promise of promises) {
    await promise_rejects_exactly(t, error, promise);
  }
}

// ---------------------------------------------------------------------------------------------------
// ai/resources/locale-util.js (shared with the task APIs' harness)

export { valid_language_tags, invalid_language_tags } from '../locale-util';

export function assert_is_canonical(language_tag: string): void {
  const locale = new Intl.Locale(language_tag);
  assert_equals(locale.toString(), language_tag);
}

export function assert_is_variation(variation_language_tag: string, expected_language_tag: string): void {
  const variation_locale = new Intl.Locale(variation_language_tag);
  const expected_locale = new Intl.Locale(expected_language_tag);
  assert_equals(variation_locale.language, expected_locale.language);
}

export function assert_availability_consistent(language_subtag_availability: string, variation_availability: string): void {
  if (variation_availability == 'unavailable') {
    // If the language subtag is not available then no variation of it should
    // be available.
    assert_equals(language_subtag_availability, 'unavailable');
  } else {
    // If the language subtag is available, then it definitely shouldn't be
    // unavailable since whatever backing it has could support any variation of
    // it. A variation could have a different availability if a more specific
    // backing is required.
    assert_in_array(
        language_subtag_availability,
        ['downloadable', 'downloading', 'available']);
  }
}
