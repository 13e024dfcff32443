/**
 * Sampling options of the Prompt API polyfill, as the current explainer and draft spec have them:
 * `samplingMode` — one of seven categories from `most-predictable` to `most-creative`, `balanced` when
 * omitted — in every context; the raw `temperature` / `topK` only in extension contexts (deprecated),
 * where giving them makes the session's `samplingMode` null and giving them together with a
 * `samplingMode` is a `TypeError`. Web pages get `samplingMode` only: `temperature` / `topK` there are
 * checked as before (a negative temperature or `topK < 1` is a `RangeError`, a non-number a `TypeError`)
 * and otherwise ignored, as Chromium ignores them for pages. The polyfill's `legacySamplingParams`
 * option chooses the extension-context shape (which also has `LanguageModel.params()` and the
 * sessions' `topK` / `temperature` attributes).
 *
 * Each mode maps to a temperature and top-K (implementation-defined): `balanced` is the configured
 * `defaultTemperature` / `defaultTopK`; `most-predictable` is greedy (temperature 0, top-K 1); the
 * others step away from those on either side.
 */
import type { LanguageModelEnv } from './language-model-env';

/** The explainer's sampling modes, most predictable first. */
export const SAMPLING_MODES = [
  'most-predictable', 'predictable', 'slightly-predictable', 'balanced', 'slightly-creative', 'creative', 'most-creative',
] as const;
export type LanguageModelSamplingMode = (typeof SAMPLING_MODES)[number];

/** Upper bounds of the raw parameters (`LanguageModel.params()` in extension contexts). */
export const MAX_TOP_K = 128;
export const MAX_TEMPERATURE = 2;

/** The options that bear on sampling (part of `create()`'s and `availability()`'s options). */
export interface LanguageModelSamplingOptions {
  samplingMode?: LanguageModelSamplingMode;
  /** @deprecated Extension contexts only (`legacySamplingParams`); ignored otherwise. */
  temperature?: number;
  /** @deprecated Extension contexts only (`legacySamplingParams`); ignored otherwise. */
  topK?: number;
}

/** What a session samples with. */
export interface Sampling {
  /** `null` when raw parameters were given (extension contexts). */
  samplingMode: LanguageModelSamplingMode | null;
  temperature: number;
  topK: number;
}

/** Temperature and top-K of each mode (`balanced`: the configured defaults). */
function preset(mode: LanguageModelSamplingMode, env: LanguageModelEnv): { temperature: number; topK: number } {
  switch (mode) {
    case 'most-predictable': return { temperature: 0, topK: 1 };
    case 'predictable': return { temperature: 0.2, topK: 10 };
    case 'slightly-predictable': return { temperature: 0.5, topK: 20 };
    case 'balanced': return { temperature: env.defaultTemperature, topK: env.defaultTopK };
    case 'slightly-creative': return { temperature: 1, topK: 64 };
    case 'creative': return { temperature: 1.3, topK: 96 };
    case 'most-creative': return { temperature: 1.6, topK: MAX_TOP_K };
  }
}

/**
 * Validate the sampling options and say what a session created with them samples with. Throws
 * `TypeError` (a mode that is not one of the seven, a non-number, or — in extension contexts — a mode
 * together with raw parameters) and `RangeError` (a negative temperature, `topK < 1`).
 */
export function resolveSampling(o: LanguageModelSamplingOptions, env: LanguageModelEnv): Sampling {
  const { samplingMode, temperature, topK } = o;
  if (samplingMode !== undefined && !(SAMPLING_MODES as readonly unknown[]).includes(samplingMode)) {
    throw new TypeError(`samplingMode must be one of ${SAMPLING_MODES.join(', ')}`);
  }
  if (temperature !== undefined) {
    if (typeof temperature !== 'number' || Number.isNaN(temperature)) throw new TypeError('temperature must be a number');
    if (temperature < 0) throw new RangeError('temperature must not be negative');
  }
  if (topK !== undefined) {
    if (typeof topK !== 'number' || Number.isNaN(topK)) throw new TypeError('topK must be a number');
    if (topK < 1) throw new RangeError('topK must be at least 1');
  }
  const raw = temperature !== undefined || topK !== undefined;
  if (env.legacySamplingParams && raw) {
    if (samplingMode !== undefined) throw new TypeError("Cannot provide both 'samplingMode' and raw sampling parameters ('temperature' or 'topK')");
    return {
      samplingMode: null,
      temperature: temperature !== undefined ? Math.min(temperature, MAX_TEMPERATURE) : env.defaultTemperature,
      // +Infinity and anything above the maximum are clamped; fractions are rounded down (IntegerPart).
      topK: topK !== undefined ? Math.min(Math.floor(topK), MAX_TOP_K) : env.defaultTopK,
    };
  }
  const mode = samplingMode ?? 'balanced';
  return { samplingMode: mode, ...preset(mode, env) };
}
