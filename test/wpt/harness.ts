/**
 * A small stand-in for testharness.js and `ai/resources/util.js`, so that the Web Platform Tests of
 * `ai/language-model/` run as Vitest browser tests against the `LanguageModel` polyfill (README.md).
 *
 * - `setup_wpt()` (call once per file) starts a real kernel with the fixture model — `tiny.gguf` with
 *   its vision projector, so `{type: 'image'}` inputs are available — installs the polyfill as
 *   `globalThis.LanguageModel` (replacing Chromium's own for the file) and makes the WPT resources
 *   (`/images/computer.jpg`, `/images/pattern.svg`, `/media/test.webm`, `/media/speech.wav`) as blob URLs
 *   drawn in the browser. `LanguageModel` and the `kValid…Path` names are live bindings set by it.
 * - `promise_test(fn, name)` is Vitest's `test(name)`; `promise_test.fails(fn, name, deviation)` is an
 *   expected failure (`test.fails`) that must fail *with* the named deviation — it turns red when the
 *   polyfill is fixed, or when it fails for another reason; `promise_test.precondition_failed(fn, name,
 *   reason)` expects WPT's PRECONDITION_FAILED (`assert_implements_optional`), e.g. audio input.
 * - `assert_*` / `promise_rejects_*` map WPT's asserts onto `expect`, with WPT's exact semantics
 *   (`promise_rejects_js` wants `e.constructor === Ctor`, `promise_rejects_dom` a DOMException of that
 *   name, `promise_rejects_exactly` the same object). Each passing assert is counted; `afterAll` logs
 *   `[wpt] <file>: N assertions passed` for the conformance figures in docs/api.md.
 * - `model_quality(() => assert…)` keeps a WPT assertion about what a real model answers ("paris",
 *   keywords describing an image) in the port, verbatim, without running it: the fixture model has
 *   random weights. Counted separately.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { Kernel } from '../../src/kernel/kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { randomFixtureDefaults, setModelDefaults } from '../../src/api/model-ref';
import { createLanguageModelClass, installLanguageModelPolyfill } from '../../src/api/prompt-api/language-model-polyfill';
import type { LanguageModelOptions } from '../../src/api/prompt-api/language-model-env';
import { TINY_B_URL, TINY_URL } from '../helpers/engines';
import { TINY_MMPROJ_URL } from '../helpers/images';

// ---------------------------------------------------------------------------------------------------
// The API as the WPT code uses it (loosely typed, as JavaScript sees it).

/** A session as the tests use it. */
export interface WptSession extends EventTarget {
  prompt(input: unknown, options?: object): Promise<string>;
  promptStreaming(input: unknown, options?: object): ReadableStream<string> & AsyncIterable<string>;
  append(input: unknown, options?: object): Promise<undefined>;
  measureContextUsage(input: unknown, options?: object): Promise<number>;
  measureInputUsage(input: unknown, options?: object): Promise<number>;
  clone(options?: object): Promise<WptSession>;
  destroy(): void;
  readonly contextUsage: number;
  readonly contextWindow: number;
  readonly inputUsage: number;
  readonly inputQuota: number;
  readonly topK: unknown;
  readonly temperature: unknown;
  readonly samplingMode: unknown;
  oncontextoverflow: unknown;
  onquotaoverflow: unknown;
}

/** What `create()` and `availability()` take here. */
export interface WptCreateOptions {
  monitor?: (m: EventTarget) => void;
  signal?: AbortSignal;
  [option: string]: unknown;
}

/** `LanguageModel` as the tests use it. */
export interface WptLanguageModel {
  new (...args: never[]): WptSession;
  readonly prototype: WptSession;
  create(options?: WptCreateOptions): Promise<WptSession>;
  availability(options?: WptCreateOptions): Promise<string>;
}

/** The `t` argument of a promise_test (unused by the ported assertions, which take it for form). */
export interface WptTest {
  readonly name: string;
}

// ---------------------------------------------------------------------------------------------------
// Setup: kernel, polyfill, resources.

/** The polyfill under test, installed as `globalThis.LanguageModel` by `setup_wpt()`. */
export let LanguageModel: WptLanguageModel;
/** Blob URLs standing in for the WPT resources (made in the browser by `setup_wpt()`). */
export let kValidImagePath = '';
export let kValidSVGImagePath = '';
export let kValidVideoPath = '';
export let kValidAudioPath = '';

export interface WptSetup {
  /** Longest reply (default 16; the response-constraint tests need room for whole JSON values). */
  maxOutputTokens?: number;
  /** Context allocated to the model (default 512). */
  nCtx?: number;
  /** Make `/media/test.webm` (a MediaRecorder capture of a canvas, ~0.5 s). */
  video?: boolean;
  /** Register the vision projector with the model (default true; without it the model loads faster, text only). */
  vision?: boolean;
  /**
   * Start the engine first with another model (`tiny-b.gguf`), so that loading the model under test later
   * costs its weights only (the engine worker and its WebAssembly are warm). It stays `downloadable`.
   */
  warmEngine?: boolean;
  /** Further polyfill options. */
  polyfill?: Partial<LanguageModelOptions>;
}

const counts = { passed: 0, quality: 0 };
let kernel: Kernel | null = null;

/** Start the kernel, install the polyfill and make the resources, for the tests of this file. */
export function setup_wpt(options: WptSetup = {}): void {
  let original: PropertyDescriptor | undefined;
  const urls: string[] = [];
  beforeAll(async () => {
    kernel = new Kernel({ settings: memorySettingsStore() });
    const weightBytes = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
    const vision = options.vision ?? true;
    kernel.registerModel({
      id: 'wpt', engine: 'wllama', weightBytes, nCtx: options.nCtx ?? 512, inputs: vision ? ['text', 'image'] : ['text'],
      source: vision ? { kind: 'gguf-url', id: 'wpt', url: TINY_URL, projectorUrl: TINY_MMPROJ_URL } : { kind: 'gguf-url', id: 'wpt', url: TINY_URL },
    });
    // Random weights: greedy, byte tokens banned (they decode to nothing), replies run to maxOutputTokens.
    setModelDefaults(kernel, 'wpt', randomFixtureDefaults());
    await kernel.ready;
    if (options.warmEngine) {
      kernel.registerModel({ id: 'warm', engine: 'wllama', weightBytes, nCtx: 128, source: { kind: 'gguf-url', id: 'warm', url: TINY_B_URL } });
      const warm = createLanguageModelClass({ kernel, model: 'warm', maxOutputTokens: 1 });
      (await warm.create()).destroy();
    }
    original = Object.getOwnPropertyDescriptor(globalThis, 'LanguageModel');
    const { polyfill } = installLanguageModelPolyfill({
      kernel, model: 'wpt', defaultTemperature: 0, maxOutputTokens: options.maxOutputTokens ?? 16,
      params: { logitBias: randomFixtureDefaults().logitBias }, force: true, ...options.polyfill,
    });
    LanguageModel = polyfill as unknown as WptLanguageModel;
    const keep = (blob: Blob) => { const url = URL.createObjectURL(blob); urls.push(url); return url; };
    kValidImagePath = keep(await createColorGridCanvas(96, 64, true).convertToBlob({ type: 'image/jpeg' }));
    kValidSVGImagePath = keep(new Blob([SVG_PATTERN], { type: 'image/svg+xml' }));
    kValidAudioPath = keep(wavBlob());
    if (options.video) kValidVideoPath = keep(await webmBlob());
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
    if (original) Object.defineProperty(globalThis, 'LanguageModel', original);
    else delete (globalThis as { LanguageModel?: unknown }).LanguageModel;
    for (const url of urls) URL.revokeObjectURL(url);
    await kernel?.shutdown();
    kernel = null;
  });
}

/** A pattern of red, green, blue and black squares (`/images/pattern.svg`). */
const SVG_PATTERN = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
<rect width="50" height="50" fill="red"/><rect x="50" width="50" height="50" fill="green"/>
<rect y="50" width="50" height="50" fill="blue"/><rect x="50" y="50" width="50" height="50" fill="black"/></svg>`;

/** One second of a 440 Hz tone, 16 kHz mono 16-bit PCM (`/media/speech.wav`). */
function wavBlob(): Blob {
  const rate = 16000;
  const n = rate;
  const view = new DataView(new ArrayBuffer(44 + n * 2));
  const text = (at: number, s: string) => { for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i)); };
  text(0, 'RIFF'); view.setUint32(4, 36 + n * 2, true); text(8, 'WAVE');
  text(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  text(36, 'data'); view.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), true);
  return new Blob([view.buffer], { type: 'audio/wav' });
}

/** A short WebM of a changing colour grid, recorded from a canvas (`/media/test.webm`). */
async function webmBlob(): Promise<Blob> {
  const canvas = createColorGridCanvas(160, 120) as HTMLCanvasElement;
  const recorder = new MediaRecorder(canvas.captureStream(10), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  recorder.start();
  const g = canvas.getContext('2d')!;
  for (let i = 0; i < 5; i++) {
    g.fillStyle = ['yellow', 'blue', 'green', 'red', 'white'][i]!;
    g.fillRect(0, 0, 80, 60);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopped = new Promise((r) => { recorder.onstop = r; });
  recorder.stop();
  await stopped;
  return new Blob(chunks, { type: 'video/webm' });
}

// ---------------------------------------------------------------------------------------------------
// testharness.js

class PreconditionFailed extends Error {
  override name = 'PreconditionFailed';
}

async function run(fn: (t: WptTest) => unknown, name: string): Promise<void> {
  await fn({ name });
}

/** A WPT `promise_test`: a Vitest test of the same name. */
export function promise_test(fn: (t: WptTest) => unknown, name: string): void {
  test(name, () => run(fn, name));
}

/**
 * A test the polyfill fails on purpose or for now: a remaining deviation (README.md). It must fail with
 * an error whose text matches `failure`; it turns red when it passes (the deviation was fixed) or fails
 * otherwise.
 */
promise_test.fails = (fn: (t: WptTest) => unknown, name: string, deviation: string, failure: RegExp): void => {
  test.fails(`${name} [deviation: ${deviation}]`, async () => {
    try {
      await run(fn, name);
    } catch (e) {
      if (failure.test(`${(e as Error)?.name}: ${(e as Error)?.message}`)) throw e;
      // An unexpected failure: report it and return, which test.fails reports as a failure.
      console.error(`[wpt] "${name}" failed otherwise than the documented deviation:`, e);
      return;
    }
  });
};

/** A test expected to end in WPT's PRECONDITION_FAILED (an optional feature the polyfill lacks). */
promise_test.precondition_failed = (fn: (t: WptTest) => unknown, name: string, reason: string): void => {
  test(`${name} [precondition failed: ${reason}]`, async () => {
    const outcome = await run(fn, name).then(() => 'passed', (e: unknown) => e);
    expect(outcome, 'expected PRECONDITION_FAILED').toBeInstanceOf(PreconditionFailed);
  });
};

function passed(): void {
  counts.passed++;
}

export function assert_true(actual: unknown, description?: string): void {
  expect(actual, description).toBe(true);
  passed();
}

export function assert_false(actual: unknown, description?: string): void {
  expect(actual, description).toBe(false);
  passed();
}

export function assert_equals(actual: unknown, expected: unknown, description?: string): void {
  expect(actual, description).toBe(expected);
  passed();
}

export function assert_not_equals(actual: unknown, expected: unknown, description?: string): void {
  expect(actual, description).not.toBe(expected);
  passed();
}

export function assert_greater_than(actual: number, expected: number, description?: string): void {
  expect(typeof actual, description).toBe('number');
  expect(actual, description).toBeGreaterThan(expected);
  passed();
}

export function assert_greater_than_equal(actual: number, expected: number, description?: string): void {
  expect(typeof actual, description).toBe('number');
  expect(actual, description).toBeGreaterThanOrEqual(expected);
  passed();
}

export function assert_less_than(actual: number, expected: number, description?: string): void {
  expect(typeof actual, description).toBe('number');
  expect(actual, description).toBeLessThan(expected);
  passed();
}

export function assert_less_than_equal(actual: number, expected: number, description?: string): void {
  expect(typeof actual, description).toBe('number');
  expect(actual, description).toBeLessThanOrEqual(expected);
  passed();
}

export function assert_approx_equals(actual: number, expected: number, epsilon: number, description?: string): void {
  expect(typeof actual, description).toBe('number');
  expect(Math.abs(actual - expected), `${description ?? ''} |${actual} - ${expected}| <= ${epsilon}`).toBeLessThanOrEqual(epsilon);
  passed();
}

export function assert_in_array(actual: unknown, expected: readonly unknown[], description?: string): void {
  expect(expected, description).toContain(actual);
  passed();
}

export function assert_regexp_match(actual: string, expected: RegExp, description?: string): void {
  expect(actual, description).toMatch(expected);
  passed();
}

export function assert_own_property(object: object, property: string, description?: string): void {
  expect(Object.prototype.hasOwnProperty.call(object, property), description).toBe(true);
  passed();
}

export function assert_unreached(description?: string): never {
  throw new Error(`Reached unreachable code: ${description ?? ''}`);
}

/** Not running an assertion is PRECONDITION_FAILED in WPT: an optional feature is missing. */
export function assert_implements_optional(condition: unknown, description?: string): void {
  if (!condition) throw new PreconditionFailed(description ?? 'optional feature not implemented');
  passed();
}

/** What a real model answers: kept in the port, not run (the fixture model has random weights). */
export function model_quality(_assertion: () => void): void {
  counts.quality++;
}

async function rejection(promise: Promise<unknown>, description?: string): Promise<unknown> {
  const NOT_REJECTED = Symbol('fulfilled');
  const e = await promise.then(() => NOT_REJECTED, (err: unknown) => err);
  if (e === NOT_REJECTED) throw new Error(`Should have rejected: ${description ?? ''}`);
  return e;
}

/** Rejects with a DOMException named `name` (of `constructor`, another realm's DOMException, if given). */
export async function promise_rejects_dom(
  _t: WptTest, name: string, constructorOrPromise: typeof DOMException | Promise<unknown>, promiseOrDescription?: Promise<unknown> | string, description?: string,
): Promise<void> {
  const [ctor, promise, desc] = typeof constructorOrPromise === 'function'
    ? [constructorOrPromise, promiseOrDescription as Promise<unknown>, description]
    : [DOMException, constructorOrPromise, promiseOrDescription as string | undefined];
  const e = await rejection(promise, desc);
  expect((e as object | null)?.constructor, `${desc ?? ''}: ${String(e)} should be a DOMException`).toBe(ctor);
  expect((e as DOMException).name, desc).toBe(name);
  passed();
}

/** Rejects with an exception whose constructor is exactly `constructor` (WPT `assert_throws_js`). */
export async function promise_rejects_js(_t: WptTest, constructor: new (...args: never[]) => Error, promise: Promise<unknown>, description?: string): Promise<void> {
  const e = await rejection(promise, description);
  expect((e as object | null)?.constructor, `${description ?? ''}: ${String(e)}`).toBe(constructor);
  expect((e as Error).name, description).toBe(constructor.name);
  passed();
}

/** Rejects with exactly `value`. */
export async function promise_rejects_exactly(_t: WptTest, value: unknown, promise: Promise<unknown>, description?: string): Promise<void> {
  const e = await rejection(promise, description);
  expect(e, description).toBe(value);
  passed();
}

/** Rejects with a QuotaExceededError whose `requested` / `quota` are these (or satisfy these predicates). */
export async function promise_rejects_quotaexceedederror(
  _t: WptTest, promise: Promise<unknown>, requested: number | ((n: number) => boolean) | null, quota: number | ((n: number) => boolean) | null, description?: string,
): Promise<void> {
  const e = await rejection(promise, description) as { name?: string; requested?: number; quota?: number };
  const Native = (globalThis as { QuotaExceededError?: new () => unknown }).QuotaExceededError;
  if (Native) expect(e, description).toBeInstanceOf(Native);
  expect(e.name, description).toBe('QuotaExceededError');
  for (const [field, want] of [['requested', requested], ['quota', quota]] as const) {
    const got = e[field];
    if (typeof want === 'function') expect(want(got!), `${description ?? ''} ${field} ${got}`).toBe(true);
    else if (want !== null) expect(got, `${description ?? ''} ${field}`).toBe(want);
  }
  passed();
}

/**
 * testdriver.js `test_driver.bless(intent, action)`: a real click (Playwright, through Vitest's
 * `userEvent`) on a button, which gives the page transient and sticky user activation; then `action()`.
 */
export const test_driver = {
  async bless(_intent?: string, action?: () => unknown): Promise<unknown> {
    const button = document.createElement('button');
    button.textContent = 'bless';
    document.body.append(button);
    const clicked = new Promise<void>((resolve) => button.addEventListener('click', () => resolve(), { once: true }));
    await userEvent.click(button);
    await clicked;
    button.remove();
    return typeof action === 'function' ? action() : null;
  },
};

/** util.js `consumeTransientUserActivation`: opening a window consumes transient activation. */
export function consumeTransientUserActivation(): void {
  const win = window.open('about:blank', '_blank');
  if (win)
    win.close();
}

/** `gc()` (Chromium runs with --expose-gc). */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---------------------------------------------------------------------------------------------------
// ai/resources/util.js

export const kValidAvailabilities = ['unavailable', 'downloadable', 'downloading', 'available'];
export const kAvailableAvailabilities = ['downloadable', 'downloading', 'available'];

export const kAudioPrompt = 'transcribe this';
export const kImagePrompt = 'describe this';
export const kTestPrompt = 'Please write a sentence in English.';
/** A second, different prompt (util.js has one for the concurrency tests). */
export const kTestPrompt2 = 'Please write a question in English.';
export const kTestContext = 'This is a test; this is only a test.';

export const kAudioOptions = { expectedInputs: [{ type: 'audio' }] };
export const kImageOptions = { expectedInputs: [{ type: 'image' }] };

function matchKeywordsRegex(keywords: string[]): RegExp {
  return new RegExp(`(${keywords.join('|')})`, 'i');
}
export const kValidAudioRegex = matchKeywordsRegex(['audio', 'speech', 'sentence', 'single', 'segment']);
export const kValidCanvasImageRegex = matchKeywordsRegex(['image', 'red', 'green', 'blue', 'yellow', 'grid', 'color']);
export const kValidImageRegex = matchKeywordsRegex(['image', 'computer', 'keyboard', 'desk', 'PC', 'monitor', 'screen']);
export const kValidSVGImageRegex = matchKeywordsRegex(['image', 'red', 'green', 'blue', 'black']);
export const kValidVideoRegex = matchKeywordsRegex(['image', 'bip', 'black', 'white', 'yellow', 'green', 'blue', 'red', 'video', 'screen']);

/** Every combination of the option values (util.js `generateOptionCombinations`). */
export function generateOptionCombinations(optionsSpec: object[]): Record<string, unknown>[] {
  const keys = optionsSpec.map((o) => Object.keys(o)[0]!);
  const valueArrays = optionsSpec.map((o) => Object.values(o)[0] as unknown[]);
  const combinations = valueArrays.reduce<unknown[][]>((acc, values) => (acc.length === 0
    ? values.map((v) => [v])
    : acc.flatMap((combo) => values.map((v) => [...combo, v]))), []);
  return combinations.map((combination) => {
    const result: Record<string, unknown> = {};
    keys.forEach((key, i) => { if (combination[i] !== undefined) result[key] = combination[i]; });
    return result;
  });
}

/** The method takes the AbortSignal as an option and returns a promise (util.js `testAbortPromise`). */
export async function testAbortPromise(t: WptTest, method: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  {
    const controller = new AbortController();
    const promise = method(controller.signal);
    controller.abort();
    await promise_rejects_dom(t, 'AbortError', promise);
    const anotherPromise = method(controller.signal);
    await promise_rejects_dom(t, 'AbortError', anotherPromise);
  }
  {
    const err = new Error('test');
    const controller = new AbortController();
    const promise = method(controller.signal);
    controller.abort(err);
    await promise_rejects_exactly(t, err, promise);
    const anotherPromise = method(controller.signal);
    await promise_rejects_exactly(t, err, anotherPromise);
  }
}

async function testCreateMonitorWithAbortAt(t: WptTest, loadedToAbortAt: number, method: (o: WptCreateOptions) => Promise<unknown>, options: WptCreateOptions = {}): Promise<void> {
  let resolve!: () => void;
  const eventPromise = new Promise<void>((r) => { resolve = r; });
  let hadEvent = false;
  function monitor(m: EventTarget) {
    m.addEventListener('downloadprogress', (e) => {
      if ((e as ProgressEvent).loaded != loadedToAbortAt) return;
      if (hadEvent) {
        assert_unreached('This should never be reached since the create() operation was aborted.');
        return;
      }
      resolve();
      hadEvent = true;
    });
  }
  const controller = new AbortController();
  const createPromise = method({ ...options, monitor, signal: controller.signal });
  await eventPromise;
  const err = new Error('test');
  controller.abort(err);
  await promise_rejects_exactly(t, err, createPromise);
}

/** util.js `testCreateMonitorWithAbort`: aborting at the first and at the last progress event. */
export async function testCreateMonitorWithAbort(t: WptTest, method: (o: WptCreateOptions) => Promise<unknown>, options: WptCreateOptions = {}): Promise<void> {
  await testCreateMonitorWithAbortAt(t, 0, method, options);
  await testCreateMonitorWithAbortAt(t, 1, method, options);
}

/** The method takes the AbortSignal as an option and returns a ReadableStream (util.js `testAbortReadableStream`). */
export async function testAbortReadableStream(t: WptTest, method: (signal: AbortSignal) => ReadableStream): Promise<void> {
  {
    const controller = new AbortController();
    const stream = method(controller.signal);
    controller.abort();
    await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));
    await promise_rejects_dom(t, 'AbortError', new Promise(() => { method(controller.signal); }));
  }
  {
    const error = new DOMException('test', 'VersionError');
    const controller = new AbortController();
    const stream = method(controller.signal);
    controller.abort(error);
    await promise_rejects_exactly(t, error, stream.pipeTo(new WritableStream()));
    await promise_rejects_exactly(t, error, new Promise(() => { method(controller.signal); }));
  }
}

/** util.js `testMonitor`: progress events 0 … 1, strictly increasing, in 1/65536 steps, none after create(). */
export async function testMonitor<T>(createFunc: (o: WptCreateOptions) => Promise<T>, options: WptCreateOptions = {}): Promise<T> {
  let created = false;
  const progressEvents: ProgressEvent[] = [];
  function monitor(m: EventTarget) {
    m.addEventListener('downloadprogress', (e) => {
      assert_false(created);
      progressEvents.push(e as ProgressEvent);
    });
  }
  const result = await createFunc({ ...options, monitor });
  created = true;
  assert_greater_than_equal(progressEvents.length, 2);
  assert_equals(progressEvents.at(0)!.loaded, 0);
  assert_equals(progressEvents.at(-1)!.loaded, 1);
  let lastProgressEventLoaded = -1;
  for (const progressEvent of progressEvents) {
    assert_equals(progressEvent.lengthComputable, true);
    assert_equals(progressEvent.total, 1);
    assert_less_than_equal(progressEvent.loaded, progressEvent.total);
    assert_equals(progressEvent.loaded % (1 / 0x10000), 0);
    assert_greater_than(progressEvent.loaded, lastProgressEventLoaded);
    lastProgressEventLoaded = progressEvent.loaded;
  }
  return result;
}

/**
 * util.js `createLanguageModel`: `test_driver.bless()` then `LanguageModel.create()`. The polyfill asks
 * for no user activation (README.md), so there is nothing to bless.
 */
export async function createLanguageModel(options: WptCreateOptions = {}): Promise<WptSession> {
  return LanguageModel.create(options);
}

/** util.js `ensureLanguageModel`: PRECONDITION_FAILED where the options are unavailable. */
export async function ensureLanguageModel(options: WptCreateOptions = {}): Promise<void> {
  assert_true(!!LanguageModel);
  const availability = await LanguageModel.availability(options);
  assert_in_array(availability, kValidAvailabilities);
  assert_implements_optional(availability != 'unavailable', 'API unavailable');
}

/** One user message of a text part and a part of `type` (util.js `messageWithContent`). */
export function messageWithContent(prompt: string, type: string, value: unknown): { role: string; content: { type: string; value: unknown }[] }[] {
  return [{ role: 'user', content: [{ type: 'text', value: prompt }, { type, value }] }];
}

/** A canvas of four coloured quarters (util.js `createColorGridCanvas`). */
export function createColorGridCanvas(width: number, height: number, isOffscreen = false): HTMLCanvasElement & OffscreenCanvas {
  const canvas = isOffscreen ? new OffscreenCanvas(width, height) : document.createElement('canvas');
  if (!isOffscreen) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  const w2 = width / 2;
  const h2 = height / 2;
  context.fillStyle = 'red';
  context.fillRect(0, 0, w2, h2);
  context.fillStyle = 'green';
  context.fillRect(w2, 0, w2, h2);
  context.fillStyle = 'blue';
  context.fillRect(0, h2, w2, h2);
  context.fillStyle = 'yellow';
  context.fillRect(w2, h2, w2, h2);
  return canvas as HTMLCanvasElement & OffscreenCanvas;
}

/** `Array.fromAsync()` (ES2024: in Chromium, not in this project's TypeScript lib). */
export async function fromAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Read a stream to the end, joining its chunks (util.js `readStream`). */
export async function readStream(stream: ReadableStream<string>): Promise<string> {
  return (await fromAsync(stream as unknown as AsyncIterable<string>)).join('');
}

// ai/language-model/response-constraint/json-schema/util.js

export const kValidResponseSchema = {
  type: 'object',
  required: ['Rating'],
  additionalProperties: false,
  properties: {
    Rating: {
      type: 'number',
      minimum: 0,
      maximum: 5,
    },
  },
};

/** Parses a response string as JSON and asserts on failure. */
export function parse_json_response(response: string): unknown {
  try {
    return JSON.parse(response);
  } catch (e) {
    assert_unreached(`Response is not valid JSON: "${response}". Error: ${(e as Error).message}`);
  }
}

export function testResponseJsonSchema(response: string, _t?: WptTest): void {
  const jsonResponse = parse_json_response(response) as { Rating: number };
  assert_equals(typeof jsonResponse, 'object', 'Response should be an object');
  assert_own_property(jsonResponse, 'Rating', 'JSON response should have a "Rating" property.');
  assert_equals(typeof jsonResponse.Rating, 'number', 'Rating should be a number');
  assert_greater_than_equal(jsonResponse.Rating, 0, 'Rating should be >= 0');
  assert_less_than_equal(jsonResponse.Rating, 5, 'Rating should be <= 5');
}
