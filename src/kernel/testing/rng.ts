/**
 * TEST DOUBLE support — a deterministic PRNG (mulberry32) for the scheduler's randomized tests and the
 * budget benchmark: the same seed gives the same instances on every machine. Never used outside tests
 * and benchmarks.
 */

/** Numbers in [0, 1) from `seed`. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
