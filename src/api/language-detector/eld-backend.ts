/**
 * Language detection for the `LanguageDetector` polyfill, done by the `eld` library (Nito-ELD: byte
 * n-gram scores, 60 languages, pure JavaScript) — never by a language model, so it needs no model and
 * answers in microseconds.
 *
 * - The database (`eld/small`: 1.6 MB of minified JavaScript, 448 KB gzipped) is loaded lazily by `loadEld()`
 *   with a dynamic `import()`: it is a chunk of its own, fetched on the first `availability()` /
 *   `create()`, never part of the main bundle. (`small` was chosen by measured accuracy vs. size: see
 *   bench/language-detector and docs/api.md.)
 * - `detectLanguages()` analyses at most the first `MAX_DETECT_CHARS` (10,000) characters, in chunks
 *   that fit eld's own window (it reads only ≈350 bytes of UTF-8 of a string), and combines the chunks'
 *   distributions weighted by length, so mixed-language text gets confidences in proportion to its
 *   languages (as the explainer describes).
 * - eld's scores become a probability distribution: a softmax over eld's per-n-gram scores (the values
 *   its `getScores()` squashes as s = g / (g + 25)), plus an "unknown" mass that is high where eld says its
 *   answer is unreliable. Then the explainer's post-processing: languages sorted by confidence, very low
 *   ones (below 1 %, or no higher than the unknown mass) left out, at most until 99 % is covered, and a
 *   last entry `und` with the unknown mass. The confidences therefore sum to at most 1.
 * - eld's ISO 639-1 codes are reported as canonical BCP 47 tags (`tl` → `fil`, its Arabic-script `ku` →
 *   `ckb`); expected input languages are canonicalized with `Intl` (an invalid tag is a `RangeError`).
 */

/** What eld's `detect()` returns (the part used here). */
export interface EldResult {
  language: string;
  getScores(): Record<string, number>;
  isReliable(): boolean;
}

/** An eld instance (static entry: its database is loaded). */
export interface Eld {
  detect(text: string): EldResult;
}

/** One entry of `detect()`'s answer. */
export interface LanguageDetectionResult {
  detectedLanguage: string;
  confidence: number;
}

/** Characters of the input that are analysed; the rest is ignored (documented in docs/api.md). */
export const MAX_DETECT_CHARS = 10_000;

/** UTF-8 bytes per chunk: eld reads ≈350 bytes of a string (it cuts at the first space after 350, at most 380). */
const CHUNK_BYTES = 340;
/** Temperature of the softmax over eld's per-n-gram scores (a sentence of sample.ts gets ≈ 0.99 for its language). */
const TEMPERATURE = 6;
/** Unknown mass of a chunk eld calls reliable / unreliable. */
const UNKNOWN_RELIABLE = 0.005;
const UNKNOWN_UNRELIABLE = 0.2;
/** Languages below this confidence are left out of the answer. */
const MIN_CONFIDENCE = 0.01;
/** Languages are listed until they cover this much. */
const MAX_CUMULATIVE = 0.99;

/** eld's language codes (60) → the canonical BCP 47 tag reported for each. */
const ELD_CODES = [
  'am', 'ar', 'az', 'be', 'bg', 'bn', 'ca', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'eu', 'fa', 'fi', 'fr', 'gu', 'he',
  'hi', 'hr', 'hu', 'hy', 'is', 'it', 'ja', 'ka', 'kn', 'ko', 'ku', 'lo', 'lt', 'lv', 'ml', 'mr', 'ms', 'nl', 'no', 'or',
  'pa', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sq', 'sr', 'sv', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi', 'yo', 'zh',
] as const;
/** eld codes whose BCP 47 tag differs: Tagalog is `fil` once canonicalized; eld's Kurdish is Sorani (Arabic script). */
const TAG_OF: Record<string, string> = { ku: 'ckb', tl: 'fil' };
const REPORTED = new Map<string, string>(ELD_CODES.map((c) => [c, new Intl.Locale(TAG_OF[c] ?? c).toString()]));

/** The languages the detector knows, as it reports them (canonical BCP 47). */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.freeze([...REPORTED.values()].sort());

/** Language subtags accepted in `expectedInputLanguages` for a reported language (Norwegian: both written forms). */
const ALIASES: Record<string, string> = { nb: 'no', nn: 'no' };
/** Scripts eld's data covers where a language has more than the likely one. */
const EXTRA_SCRIPTS: Record<string, string[]> = { zh: ['Hans', 'Hant'] };

let loading: Promise<Eld> | null = null;

/** Load eld with its database (once; later calls share the promise). A failed load may be retried. */
export function loadEld(): Promise<Eld> {
  loading ??= import('eld/small').then((m) => m.eld as Eld, (e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}

/**
 * Canonicalize `expectedInputLanguages` (a WebIDL `sequence<DOMString>`): each tag as `Intl` writes it,
 * duplicates removed. An invalid BCP 47 tag is a `RangeError` (from `Intl`), a non-iterable a `TypeError`.
 */
export function canonicalizeLanguages(value: unknown, field = 'expectedInputLanguages'): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${field} must be a sequence of language tags`);
  }
  const out: string[] = [];
  for (const item of value as Iterable<unknown>) {
    if (typeof item === 'symbol') throw new TypeError(`${field} must hold strings`);
    const [tag] = Intl.getCanonicalLocales(String(item));
    if (tag !== undefined && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/**
 * Whether a (canonical) tag is one the detector knows: by its language subtag, and, where the tag names a
 * script, only if that is the script the data covers (`el-Latn`, romanized Greek, is not; `en-Latn` is).
 */
export function isSupported(tag: string): boolean {
  const locale = new Intl.Locale(tag);
  const language = ALIASES[locale.language] ?? locale.language;
  const reported = [...REPORTED.values()].find((t) => new Intl.Locale(t).language === language);
  if (!reported) return false;
  if (!locale.script) return true;
  const scripts = EXTRA_SCRIPTS[language] ?? [new Intl.Locale(reported).maximize().script];
  return scripts.includes(locale.script);
}

/** UTF-8 length of one UTF-16 code unit sequence position (surrogate pairs count 4 in total). */
function utf8Bytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code < 0xe000) return 2;
  return 3;
}

/** Split text into pieces of at most `CHUNK_BYTES` UTF-8 bytes, at whitespace where there is some. */
export function chunkText(text: string, maxBytes = CHUNK_BYTES): string[] {
  const chunks: string[] = [];
  let start = 0;
  let bytes = 0;
  let lastSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 10 || code === 9) lastSpace = i;
    bytes += utf8Bytes(code);
    if (bytes > maxBytes) {
      let end = lastSpace > start ? lastSpace : i;
      if (end === i && code >= 0xdc00 && code < 0xe000) end--; // never split a surrogate pair
      chunks.push(text.slice(start, end));
      start = end;
      i = end - 1;
      bytes = 0;
      lastSpace = -1;
    }
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks.filter((c) => /\p{L}/u.test(c));
}

/** Distribution of one chunk: language probabilities and the unknown mass, summing to 1. */
export function chunkDistribution(result: EldResult): { probs: Map<string, number>; unknown: number } {
  const scores = Object.entries(result.getScores()).filter(([code, s]) => REPORTED.has(code) && s > 0 && s < 1);
  if (!result.language || !scores.length) return { probs: new Map(), unknown: 1 };
  // eld's score s = g / (g + 25), g being the mean n-gram score: undo the squashing, softmax over g.
  const logits = scores.map(([code, s]) => [code, (25 * s) / (1 - s)] as const);
  const top = Math.max(...logits.map(([, g]) => g));
  const weights = logits.map(([code, g]) => [code, Math.exp((g - top) / TEMPERATURE)] as const);
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const unknown = result.isReliable() ? UNKNOWN_RELIABLE : UNKNOWN_UNRELIABLE;
  return { probs: new Map(weights.map(([code, w]) => [code, ((1 - unknown) * w) / total])), unknown };
}

/**
 * The explainer's post-processing: languages by descending confidence, without very low ones (under 1 %,
 * or not above the unknown mass) and only until 99 % is covered; then `und` with the unknown mass.
 */
export function postProcess(probs: Map<string, number>, unknown: number): LanguageDetectionResult[] {
  const sorted = [...probs].sort((a, b) => b[1] - a[1]);
  const results: LanguageDetectionResult[] = [];
  let cumulative = 0;
  for (const [code, confidence] of sorted) {
    if (cumulative >= MAX_CUMULATIVE || confidence < MIN_CONFIDENCE || confidence <= unknown) break;
    results.push({ detectedLanguage: REPORTED.get(code) ?? code, confidence });
    cumulative += confidence;
  }
  results.push({ detectedLanguage: 'und', confidence: Math.min(unknown, 1 - cumulative) });
  return results;
}

/** Detect the languages of `text` (its first `MAX_DETECT_CHARS` characters). Synchronous; microseconds a sentence. */
export function detectLanguages(eld: Eld, text: string): LanguageDetectionResult[] {
  const chunks = chunkText(text.slice(0, MAX_DETECT_CHARS));
  if (!chunks.length) return [{ detectedLanguage: 'und', confidence: 1 }];
  const probs = new Map<string, number>();
  let unknown = 0;
  let weightSum = 0;
  for (const chunk of chunks) {
    const weight = chunk.length;
    const d = chunkDistribution(eld.detect(chunk));
    for (const [code, p] of d.probs) probs.set(code, (probs.get(code) ?? 0) + p * weight);
    unknown += d.unknown * weight;
    weightSum += weight;
  }
  for (const [code, p] of probs) probs.set(code, p / weightSum);
  return postProcess(probs, unknown / weightSum);
}
