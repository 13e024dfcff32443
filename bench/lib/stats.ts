/** Distribution summaries for benchmark figures (Node and browser). */

/** Percentile `q` (0…1) of `xs` by linear interpolation between closest ranks (R type 7, numpy's default). */
export function percentile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** p50, p95, quartiles and extremes of a sample. */
export interface Spread {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  /** First and third quartiles. */
  q1: number;
  q3: number;
}

/** Summarise `xs` (times: p95 is the slow tail). */
export function spread(xs: readonly number[]): Spread {
  return {
    n: xs.length,
    p50: percentile(xs, 0.5),
    p95: percentile(xs, 0.95),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
    q1: percentile(xs, 0.25),
    q3: percentile(xs, 0.75),
  };
}

/** Round to `digits` decimals (for JSON output). */
export const round = (x: number, digits = 3): number => (Number.isFinite(x) ? +x.toFixed(digits) : x);
