/** The eld backend of the LanguageDetector polyfill: tags, chunking, the distribution and its post-processing. */
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, test } from 'vitest';
import { MAX_DETECT_CHARS, SUPPORTED_LANGUAGES, canonicalizeLanguages, chunkDistribution, chunkText, detectLanguages, isSupported, loadEld, postProcess, type Eld, type EldResult } from './eld-backend';

let eld: Eld;
beforeAll(async () => {
  eld = await loadEld();
});

/** The invariants WPT's 'LanguageDetector.detect() returns valid results' checks. */
function expectValid(results: { detectedLanguage: string; confidence: number }[]): void {
  const und = results.at(-1)!;
  expect(und.detectedLanguage).toBe('und');
  expect(und.confidence).toBeGreaterThan(0);
  const rest = results.slice(0, -1);
  let last = 1;
  for (const r of rest) {
    expect(new Intl.Locale(r.detectedLanguage).toString()).toBe(r.detectedLanguage);
    expect(r.confidence).toBeGreaterThan(und.confidence);
    expect(r.confidence).toBeLessThanOrEqual(last);
    last = r.confidence;
  }
  const sum = rest.reduce((s, r) => s + r.confidence, 0);
  if (rest.length) expect(sum - rest.at(-1)!.confidence).toBeLessThan(0.99);
  expect(sum + und.confidence).toBeLessThanOrEqual(1);
}

describe('language tags', () => {
  test('eld codes are reported as canonical BCP 47 (tl → fil, Sorani ku → ckb)', () => {
    expect(SUPPORTED_LANGUAGES).toHaveLength(60);
    for (const tag of SUPPORTED_LANGUAGES) expect(Intl.getCanonicalLocales(tag)[0]).toBe(tag);
    expect(SUPPORTED_LANGUAGES).toContain('fil');
    expect(SUPPORTED_LANGUAGES).toContain('ckb');
    expect(SUPPORTED_LANGUAGES).not.toContain('tl');
    expect(SUPPORTED_LANGUAGES).not.toContain('ku');
  });

  test('expected input languages are canonicalized and deduplicated; invalid tags are a RangeError', () => {
    expect(canonicalizeLanguages(['EN-lATN-gb', 'en-Latn-GB', 'es-419'])).toEqual(['en-Latn-GB', 'es-419']);
    expect(canonicalizeLanguages(undefined)).toEqual([]);
    for (const bad of ['e', 'Latn', 'en_Latn', 'en-A999']) expect(() => canonicalizeLanguages([bad])).toThrow(RangeError);
    expect(() => canonicalizeLanguages('en')).toThrow(TypeError);
  });

  test('support goes by the language subtag and, where one is named, the script', () => {
    for (const tag of ['en', 'en-Latn-GB', 'es-419', 'zh', 'zh-Hant', 'zh-Hans-CN', 'ja', 'nb', 'no', 'fil', 'ckb', 'sr']) expect(isSupported(tag), tag).toBe(true);
    for (const tag of ['af', 'zu', 'mi', 'el-Latn', 'hi-Latn', 'ja-Latn', 'ku', 'sr-Latn', 'en-Cyrl']) expect(isSupported(tag), tag).toBe(false);
  });
});

describe('chunking', () => {
  test('pieces stay within the byte budget, split at spaces, and lose no text (pieces without letters are dropped)', () => {
    const text = 'Hello there friend. '.repeat(100);
    const chunks = chunkText(text, 100);
    expect(chunks.length).toBeGreaterThan(15);
    expect(chunks.join('')).toBe(text.trimEnd()); // the last piece, ' ', has no letter
    for (const c of chunks) expect(new TextEncoder().encode(c).length).toBeLessThanOrEqual(100);
    for (const c of chunks.slice(1)) expect(c.startsWith(' ')).toBe(true);
  });

  test('text without spaces is cut by bytes (CJK: 3 bytes a character), never inside a surrogate pair', () => {
    expect(chunkText('漢'.repeat(100), 30).map((c) => c.length)).toEqual([...Array(10)].map(() => 10));
    const emoji = `a${'😀'.repeat(20)}`;
    for (const c of chunkText(emoji, 9)) expect(c.isWellFormed()).toBe(true);
    expect(chunkText('12345 !!! ...')).toEqual([]);
  });
});

describe('distribution and post-processing', () => {
  const fake = (language: string, scores: Record<string, number>, reliable: boolean): EldResult => ({ language, getScores: () => scores, isReliable: () => reliable });

  test('a chunk distribution sums to 1, its top language first', () => {
    const d = chunkDistribution(fake('en', { en: 0.82, fr: 0.7, tl: 0.6 }, true));
    const total = [...d.probs.values()].reduce((s, p) => s + p, 0) + d.unknown;
    expect(total).toBeCloseTo(1, 10);
    expect(d.probs.get('en')!).toBeGreaterThan(d.probs.get('fr')!);
    expect(d.probs.get('fr')!).toBeGreaterThan(d.probs.get('tl')!);
    expect(chunkDistribution(fake('en', { en: 0.82 }, false)).unknown).toBeGreaterThan(d.unknown);
    expect(chunkDistribution(fake('', {}, false))).toEqual({ probs: new Map(), unknown: 1 });
  });

  test('languages at or below the unknown mass, or under 1 %, are left out; und ends the list', () => {
    const out = postProcess(new Map([['en', 0.6], ['fr', 0.25], ['de', 0.1], ['it', 0.045]]), 0.005);
    expect(out.map((r) => r.detectedLanguage)).toEqual(['en', 'fr', 'de', 'it', 'und']);
    expectValid(out);
    const low = postProcess(new Map([['en', 0.5], ['fr', 0.3], ['nl', 0.008]]), 0.192);
    expect(low.map((r) => r.detectedLanguage)).toEqual(['en', 'fr', 'und']);
    expectValid(low);
    const unsure = postProcess(new Map([['no', 0.2], ['fil', 0.2]]), 0.6);
    expect(unsure).toEqual([{ detectedLanguage: 'und', confidence: 0.6 }]);
  });

  test('the list stops once 99 % is covered', () => {
    const out = postProcess(new Map([['en', 0.985], ['fr', 0.006], ['de', 0.004]]), 0.005);
    expect(out.map((r) => r.detectedLanguage)).toEqual(['en', 'und']);
    const two = postProcess(new Map([['en', 0.9], ['fr', 0.089], ['de', 0.006]]), 0.005);
    expect(two.map((r) => r.detectedLanguage)).toEqual(['en', 'fr', 'und']);
    expectValid(two);
  });
});

describe('detection with eld', () => {
  test('one sentence per script family is detected, and the answer is valid', () => {
    const cases: [string, string][] = [
      ['This is an example sentence about the weather today.', 'en'],
      ['Esta es una oración de ejemplo sobre el tiempo de hoy.', 'es'],
      ['Это пример предложения о сегодняшней погоде.', 'ru'],
      ['这是一个关于今天天气的例句。', 'zh'],
      ['これは今日の天気についての例文です。', 'ja'],
      ['이것은 오늘 날씨에 관한 예문입니다.', 'ko'],
      ['هذه جملة مثال عن الطقس اليوم.', 'ar'],
    ];
    for (const [text, lang] of cases) {
      const out = detectLanguages(eld, text);
      expect(out[0]!.detectedLanguage, text).toBe(lang);
      expect(out[0]!.confidence, text).toBeGreaterThan(0.5);
      expectValid(out);
    }
  });

  test('the example sentences of WPT detector.optional in languages eld knows are detected right', () => {
    const cases: Record<string, string> = {
      el: 'Αυτή είναι μια παραδειγματική πρόταση.', en: 'This is an example sentence.', es: 'Esta es una oración de ejemplo.',
      fr: 'Ceci est un exemple de phrase.', hi: 'यह एक उदाहरण वाक्य है.', it: 'Questa è una frase di esempio.', ja: 'これは例文です。',
      ko: '이것은 예문입니다.', nl: 'Dit is een voorbeeldzin.', ru: 'Это пример предложения.', sr: 'Ово је пример реченице.',
      tr: 'Bu bir örnek cümledir.', zh: '这是一个例句。',
    };
    for (const [lang, text] of Object.entries(cases)) expect(detectLanguages(eld, text)[0]!.detectedLanguage, text).toBe(lang);
  });

  test('no letters, or nothing: und with confidence 1', () => {
    expect(detectLanguages(eld, '')).toEqual([{ detectedLanguage: 'und', confidence: 1 }]);
    expect(detectLanguages(eld, '12 + 34 = 46 !!!')).toEqual([{ detectedLanguage: 'und', confidence: 1 }]);
  });

  test('mixed text gets confidences in proportion to its languages', () => {
    const en = 'The children spent the whole afternoon playing football in the park near the river. ';
    const de = 'Die Kinder haben den ganzen Nachmittag im Park am Fluss Fußball gespielt und gelacht. ';
    const out = detectLanguages(eld, en.repeat(8) + de.repeat(8));
    expect(out.map((r) => r.detectedLanguage).slice(0, 2).sort()).toEqual(['de', 'en']);
    expect(out[0]!.confidence).toBeGreaterThan(0.3);
    expect(out[1]!.confidence).toBeGreaterThan(0.3);
    expectValid(out);
  });

  test(`only the first ${MAX_DETECT_CHARS} characters are analysed`, () => {
    const en = 'The weather is lovely today and we are going for a walk. ';
    const fr = 'Il fait très beau aujourd’hui et nous allons nous promener. ';
    const head = en.repeat(Math.ceil(MAX_DETECT_CHARS / en.length));
    const out = detectLanguages(eld, head + fr.repeat(500));
    expect(out[0]!.detectedLanguage).toBe('en');
    expect(out.some((r) => r.detectedLanguage === 'fr')).toBe(false);
  });
});

describe('bundle', () => {
  test('eld and its database are a chunk of their own, reached only by import(), outside the polyfill\'s bundle', async () => {
    // Vite's own bundler, as the production build runs it.
    const entry = fileURLToPath(new URL('./language-detector.ts', import.meta.url));
    const built = await build({ configFile: false, logLevel: 'silent', build: { write: false, minify: false, lib: { entry, formats: ['es'] } } });
    const out = (Array.isArray(built) ? built[0] : built) as Rolldown.RolldownOutput;
    const chunks = out.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    // Everything the polyfill's module loads before it runs: its chunk and their static imports, transitively.
    const eager = new Set<string>();
    const visit = (name: string) => {
      if (eager.has(name)) return;
      eager.add(name);
      for (const i of byName.get(name)?.imports ?? []) visit(i);
    };
    visit(chunks.find((c) => c.isEntry)!.fileName);
    const hasDatabase = (name: string) => /type: ?['"]S60['"]/.test(byName.get(name)?.code ?? ''); // eld/small's type tag
    expect([...eager].filter(hasDatabase)).toEqual([]);
    expect([...eager].reduce((n, name) => n + (byName.get(name)?.code.length ?? 0), 0)).toBeLessThan(200_000);
    const lazy = chunks.filter((c) => hasDatabase(c.fileName));
    expect(lazy.map((c) => c.isDynamicEntry)).toEqual([true]);
    expect(lazy[0]!.code.length).toBeGreaterThan(1_000_000);
  }, 60_000);
});
