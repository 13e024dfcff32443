/**
 * The LanguageDetector polyfill in Chromium: its shape, errors, abort and destroy, the kernel process, the
 * lazy load of eld's database, and top-1 accuracy over the labelled sample (bench/language-detector/sample.ts).
 * The web-platform-tests ports are in test/wpt/language-detection/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Kernel } from '../../kernel/kernel';
import { memorySettingsStore } from '../../kernel/settings-store';
import { SAMPLE, SAMPLE_LANGUAGES } from '../../../bench/language-detector/sample';
import { detectorRequested } from './detector-worker';
import { DEFAULT_INPUT_QUOTA, LANGUAGE_DETECTOR_APP, createLanguageDetectorClass, hasNativeLanguageDetector, installLanguageDetectorPolyfill, type LanguageDetectorClass } from './language-detector';

const eldRequests = () => performance.getEntriesByType('resource').filter((e) => /eld_small|\/eld\/src\/|ngrams/.test(e.name));
const workerRequests = () => performance.getEntriesByType('resource').filter((e) => /language-detector\.worker/.test(e.name));

let kernel: Kernel;
beforeAll(async () => {
  kernel = new Kernel({ settings: memorySettingsStore() });
  await kernel.ready;
});
afterAll(() => kernel.shutdown());

const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: unknown) => e as Error & { requested?: number; quota?: number });

describe('lazy load', () => {
  test('the database is loaded by the first create(), in the worker: not by import or availability(), never by the page', async () => {
    const LD = createLanguageDetectorClass();
    expect(await LD.availability({ expectedInputLanguages: ['en'] })).toBe('available');
    expect(detectorRequested()).toBe(false);
    expect(workerRequests()).toEqual([]);
    const detector = await LD.create();
    expect(detectorRequested()).toBe(true);
    expect(workerRequests().length).toBe(1);
    expect((await detector.detect('Das ist ein ganz normaler deutscher Satz.'))[0]!.detectedLanguage).toBe('de');
    // eld's modules were fetched by the worker, not by this page.
    expect(eldRequests()).toEqual([]);
  });
});

describe('install', () => {
  let saved: PropertyDescriptor | undefined;
  beforeAll(() => { saved = Object.getOwnPropertyDescriptor(globalThis, 'LanguageDetector'); });
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'LanguageDetector', saved);
    else delete (globalThis as { LanguageDetector?: unknown }).LanguageDetector;
  });

  test('installs where there is none, keeps a native one unless forced, always replaces its own', () => {
    delete (globalThis as { LanguageDetector?: unknown }).LanguageDetector;
    const first = installLanguageDetectorPolyfill();
    expect(first.installed).toBe(true);
    expect((globalThis as { LanguageDetector?: unknown }).LanguageDetector).toBe(first.polyfill);
    expect(hasNativeLanguageDetector()).toBe(false);
    const second = installLanguageDetectorPolyfill();
    expect(second.installed).toBe(true);
    expect((globalThis as { LanguageDetector?: unknown }).LanguageDetector).toBe(second.polyfill);

    const native = class LanguageDetector {};
    Object.defineProperty(globalThis, 'LanguageDetector', { value: native, writable: true, configurable: true });
    expect(hasNativeLanguageDetector()).toBe(true);
    expect(installLanguageDetectorPolyfill().installed).toBe(false);
    expect((globalThis as { LanguageDetector?: unknown }).LanguageDetector).toBe(native);
    const forced = installLanguageDetectorPolyfill({ force: true });
    expect(forced.installed).toBe(true);
    expect((globalThis as { LanguageDetector?: unknown }).LanguageDetector).toBe(forced.polyfill);
  });
});

describe('shape', () => {
  const LD = createLanguageDetectorClass();

  test('is named LanguageDetector, not constructible, its statics work unbound, instances are its own', async () => {
    expect((LD as unknown as { name: string }).name).toBe('LanguageDetector');
    expect(() => new (LD as unknown as new () => unknown)()).toThrow(TypeError);
    const { create, availability } = LD;
    expect(await availability()).toBe('available');
    const detector = await create();
    expect(detector).toBeInstanceOf(LD as unknown as new () => unknown);
    expect(detector.inputQuota).toBe(DEFAULT_INPUT_QUOTA);
    expect(detector.expectedInputLanguages).toBeNull();
  });

  test('availability(): available for eld languages, unavailable otherwise, RangeError for invalid tags', async () => {
    expect(await LD.availability({ expectedInputLanguages: ['en', 'zh-Hant', 'ja', 'ko', 'ar', 'ru', 'nb'] })).toBe('available');
    expect(await LD.availability({ expectedInputLanguages: ['en', 'zu'] })).toBe('unavailable');
    expect(await LD.availability({ expectedInputLanguages: ['el-Latn'] })).toBe('unavailable');
    expect(await rejection(LD.availability({ expectedInputLanguages: ['en_US'] }))).toBeInstanceOf(RangeError);
    expect(await rejection(LD.availability('en' as never))).toBeInstanceOf(TypeError);
  });

  test('create(): canonical, deduplicated, frozen expectedInputLanguages; NotSupportedError for unknown languages', async () => {
    const d = await LD.create({ expectedInputLanguages: ['EN-gb', 'en-GB', 'ZH-hant'] });
    expect(d.expectedInputLanguages).toEqual(['en-GB', 'zh-Hant']);
    expect(Object.isFrozen(d.expectedInputLanguages)).toBe(true);
    const e = await rejection(LD.create({ expectedInputLanguages: ['en', 'af'] }));
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('NotSupportedError');
    expect(await rejection(LD.create({ expectedInputLanguages: ['11'] }))).toBeInstanceOf(RangeError);
  });

  test('the monitor sees downloadprogress 0 then 1 before create() settles; its exception rejects create()', async () => {
    const loaded: number[] = [];
    let settled = false;
    await LD.create({ monitor: (m) => m.addEventListener('downloadprogress', (ev) => { expect(settled).toBe(false); loaded.push((ev as ProgressEvent).loaded); }) });
    settled = true;
    expect(loaded).toEqual([0, 1]);
    const boom = new Error('boom');
    expect(await rejection(LD.create({ monitor: () => { throw boom; } }))).toBe(boom);
  });
});

describe('detect, quota, abort and destroy', () => {
  const LD = createLanguageDetectorClass({ inputQuota: 50 });

  test('detect() ranks languages, ends with und, and sums to at most 1', async () => {
    const d = await LD.create();
    const out = await d.detect('Ceci est une phrase écrite en français.');
    expect(out[0]!.detectedLanguage).toBe('fr');
    expect(out.at(-1)!.detectedLanguage).toBe('und');
    expect(out.reduce((s, r) => s + r.confidence, 0)).toBeLessThanOrEqual(1);
    for (let i = 1; i < out.length; i++) expect(out[i]!.confidence).toBeLessThanOrEqual(out[i - 1]!.confidence);
    expect(await d.detect('')).toEqual([{ detectedLanguage: 'und', confidence: 1 }]);
  });

  test('measureInputUsage() is the length; over inputQuota, detect() is a QuotaExceededError with requested and quota', async () => {
    const d = await LD.create();
    expect(d.inputQuota).toBe(50);
    expect(await d.measureInputUsage('x'.repeat(51))).toBe(51);
    const e = await rejection(d.detect('Das ist ein ziemlich langer deutscher Satz, viel zu lang.'));
    expect(e.name).toBe('QuotaExceededError');
    expect(e).toBeInstanceOf(DOMException);
    expect([e.requested, e.quota]).toEqual([57, 50]);
    expect((await d.detect('Das ist ein deutscher Satz.'))[0]!.detectedLanguage).toBe('de');
  });

  test('aborted signals reject with their reason; aborting create() later destroys the detector', async () => {
    const reason = new Error('stop');
    const c = new AbortController();
    c.abort(reason);
    expect(await rejection(LD.create({ signal: c.signal }))).toBe(reason);
    const live = new AbortController();
    const d = await LD.create({ signal: live.signal });
    const pending = d.detect('Hello there, how are you?');
    live.abort(reason);
    expect(await rejection(pending)).toBe(reason);
    expect(await rejection(d.measureInputUsage('hi'))).toBe(reason);
    const ok = await LD.create();
    const call = new AbortController();
    const p = ok.detect('Hello there, how are you?', { signal: call.signal });
    call.abort();
    const e = await rejection(p);
    expect([e instanceof DOMException, e.name]).toEqual([true, 'AbortError']);
    expect((await ok.detect('Hello there, how are you?'))[0]!.detectedLanguage).toBe('en');
  });

  test('destroy() rejects pending and later calls with AbortError', async () => {
    const d = await LD.create();
    const pending = [d.detect('Hello there'), d.measureInputUsage('Hello there')];
    d.destroy();
    for (const p of [...pending, d.detect('Hello'), d.measureInputUsage('Hello')]) {
      const e = await rejection(p);
      expect([e instanceof DOMException, e.name]).toEqual([true, 'AbortError']);
    }
    d.destroy(); // twice is harmless
  });
});

describe('kernel process', () => {
  const ours = () => kernel.ps().filter((p) => p.appId === LANGUAGE_DETECTOR_APP.appId && p.state !== 'exited');

  test('with a kernel, each detector is a background process until destroyed', async () => {
    const LD: LanguageDetectorClass = createLanguageDetectorClass({ kernel });
    const before = ours().length;
    const a = await LD.create();
    const b = await LD.create();
    const procs = ours();
    expect(procs).toHaveLength(before + 2);
    for (const p of procs) expect([p.name, p.priority]).toEqual([LANGUAGE_DETECTOR_APP.name, 'background']);
    a.destroy();
    expect(ours()).toHaveLength(before + 1);
    kernel.kill(ours()[0]!.pid); // killed from the task manager: destroy() ignores that it is gone
    expect(() => b.destroy()).not.toThrow();
    expect(ours()).toHaveLength(before);
  });

  test('an aborted create() leaves no process; without a kernel there is none', async () => {
    const LD = createLanguageDetectorClass({ kernel });
    const before = kernel.ps().length;
    const c = new AbortController();
    const p = LD.create({ signal: c.signal, monitor: (m) => m.addEventListener('downloadprogress', (e) => { if ((e as ProgressEvent).loaded === 1) c.abort(); }) });
    expect((await rejection(p)).name).toBe('AbortError');
    await createLanguageDetectorClass().create();
    expect(kernel.ps().length).toBe(before);
  });
});

describe('accuracy over the labelled sample', () => {
  test('top-1 accuracy ≥ 95 % overall, each language reported (and ≥ 85 %)', async () => {
    const d = await createLanguageDetectorClass().create();
    const per = new Map<string, { ok: number; n: number }>();
    for (const { lang, text } of SAMPLE) {
      const top = (await d.detect(text))[0]!.detectedLanguage;
      const s = per.get(lang) ?? { ok: 0, n: 0 };
      s.n++;
      if (top === lang) s.ok++;
      per.set(lang, s);
    }
    const report = Object.fromEntries([...per].map(([lang, s]) => [lang, +(s.ok / s.n).toFixed(3)]));
    const overall = [...per.values()].reduce((a, s) => a + s.ok, 0) / SAMPLE.length;
    console.log(`[language-detector] top-1 accuracy ${(overall * 100).toFixed(1)} % over ${SAMPLE.length} sentences`, JSON.stringify(report));
    expect(Object.keys(report)).toEqual([...SAMPLE_LANGUAGES]);
    expect(SAMPLE_LANGUAGES.length).toBeGreaterThanOrEqual(10);
    for (const lang of SAMPLE_LANGUAGES) {
      expect(per.get(lang)!.n, lang).toBeGreaterThanOrEqual(20);
      expect(report[lang], lang).toBeGreaterThanOrEqual(0.85);
    }
    expect(overall).toBeGreaterThanOrEqual(0.95);
  });
});
