/**
 * Token sampling on the CPU from the read-back logits: logit bias, OpenAI's presence and frequency
 * penalties over the tokens this sampler chose, and bans; then greedy (temperature
 * 0, the first maximum as llama.cpp's greedy sampler picks it) or temperature + top-k + top-p with a
 * seeded PRNG so seeded generations replay exactly.
 */

export interface SamplingParams {
  temperature: number;
  /** 0 disables top-k. */
  topK: number;
  /** 1 disables top-p. */
  topP: number;
  seed?: number | undefined;
  /** Additive bias per token id. */
  bias?: Record<number, number> | undefined;
  /** Tokens that may never be sampled (end-of-generation tokens under `ignoreEos`). */
  banned?: Iterable<number>;
  /** Subtracted once from the logit of every token already chosen (OpenAI's `presence_penalty`). */
  presencePenalty?: number | undefined;
  /** Subtracted per earlier choice of the token (OpenAI's `frequency_penalty`). */
  frequencyPenalty?: number | undefined;
}

/** Deterministic PRNG (mulberry32), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices of the `k` largest values, largest first (a bounded min-heap, O(n log k)). */
export function topKIndices(v: Float32Array, k: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => v[a]! < v[b]! || (v[a] === v[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < v.length; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let j = heap.length - 1; j > 0;) {
        const p = (j - 1) >> 1;
        if (!less(heap[j]!, heap[p]!)) break;
        [heap[j], heap[p]] = [heap[p]!, heap[j]!];
        j = p;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((a, b) => (v[b]! - v[a]!) || a - b);
}

export class Sampler {
  private readonly rand: () => number;
  /** How often each token was chosen so far (for the penalties). */
  private readonly chosen = new Map<number, number>();

  constructor(private readonly p: SamplingParams) {
    this.rand = mulberry32(p.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Pick the next token. `logits` is modified in place (bias, penalties and bans applied). */
  sample(logits: Float32Array): number {
    const token = this.pick(logits);
    this.chosen.set(token, (this.chosen.get(token) ?? 0) + 1);
    return token;
  }

  private pick(logits: Float32Array): number {
    for (const [id, b] of Object.entries(this.p.bias ?? {})) {
      const i = Number(id);
      if (i >= 0 && i < logits.length) logits[i] = logits[i]! + b;
    }
    const presence = this.p.presencePenalty ?? 0;
    const frequency = this.p.frequencyPenalty ?? 0;
    if (presence || frequency) for (const [id, n] of this.chosen) logits[id] = logits[id]! - presence - frequency * n;
    for (const id of this.p.banned ?? []) if (id >= 0 && id < logits.length) logits[id] = -Infinity;
    if (this.p.temperature <= 0) {
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
      return best;
    }
    const k = this.p.topK > 0 ? Math.min(this.p.topK, logits.length) : logits.length;
    const cand = topKIndices(logits, k);
    const max = logits[cand[0]!]!;
    const probs = cand.map((i) => Math.exp((logits[i]! - max) / this.p.temperature));
    const total = probs.reduce((a, b) => a + b, 0);
    let keep = cand.length;
    if (this.p.topP < 1) {
      let cum = 0;
      for (let i = 0; i < cand.length; i++) {
        cum += probs[i]! / total;
        if (cum >= this.p.topP) { keep = i + 1; break; }
      }
    }
    const kept = probs.slice(0, keep);
    const sum = kept.reduce((a, b) => a + b, 0);
    let r = this.rand() * sum;
    for (let i = 0; i < keep; i++) {
      r -= kept[i]!;
      if (r <= 0) return cand[i]!;
    }
    return cand[keep - 1]!;
  }
}
