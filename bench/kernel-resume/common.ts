/** Shared by the parts of the kernel-resume bench: models, sampling, distribution rows. */
import { BENCH_URL } from '../../test/helpers/engines';
import { BENCH_CHARS_URL, BYTE_BIAS, CHARS_BIAS, type BenchModel } from '../kernel-overhead/kernel-bench-utils';
import { round, spread } from '../lib/stats';

/** bench-40m's layers over a one-character vocabulary: greedy output tokenises back to the same ids. */
export const CHARS: BenchModel = { id: 'bench-40m-chars', url: BENCH_CHARS_URL, nCtx: 2048 };
/** The word-piece bench-40m (its output need not tokenise back: batching only). */
export const WORDPIECE: BenchModel = { id: 'bench-40m', url: BENCH_URL, nCtx: 1024 };

const query = new URLSearchParams(location.search);
export const QUICK = query.has('quick');
/**
 * llama.cpp threads (query `threads`, default 1). On this shared 2-core machine, with another process
 * busy, 2 threads collapse (llama.cpp's threads spin at barriers: one job measured 15–300 tok/s from run
 * to run, against 220–330 with 1 thread), which buries every ratio here in noise.
 */
export const THREADS = Math.max(1, Number(query.get('threads') ?? 1) || 1);

/** Greedy over the one-character fixture (byte tokens and specials banned: exact resume). */
export const charsGreedy = (maxTokens: number) => ({ maxTokens, temperature: 0, ignoreEos: true, logitBias: CHARS_BIAS });
/** Greedy over the word-piece fixture (byte tokens banned). */
export const wordGreedy = (maxTokens: number) => ({ maxTokens, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS });

/** p50, p95 and the range of `xs`, rounded. */
export function dist(xs: readonly number[], digits = 3) {
  const s = spread(xs);
  return { p50: round(s.p50, digits), p95: round(s.p95, digits), min: round(s.min, digits), max: round(s.max, digits), n: s.n };
}

/** "min–max" of `xs`. */
export function range(xs: readonly number[], digits = 0): string {
  const s = spread(xs);
  return `${round(s.min, digits)}–${round(s.max, digits)}`;
}

/** One row of the overview table: a figure as p50 / p95 / range with its A/A control, goal and before. */
export interface OverviewRow {
  figure: string;
  p50: number;
  p95: number;
  'min–max': string;
  reps: number;
  /** The A/A control's p50, and what it divides. */
  'A/A p50': string;
  goal: string;
  before: string;
  [column: string]: string | number;
}

export function overview(figure: string, xs: readonly number[], aa: readonly number[], aaWhat: string, goal: string, before: string): OverviewRow {
  const d = dist(xs), a = dist(aa);
  return { figure, p50: d.p50, p95: d.p95, 'min–max': `${d.min}–${d.max}`, reps: d.n, 'A/A p50': `${a.p50} (${aaWhat})`, goal, before };
}
