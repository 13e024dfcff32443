import { describe, expect, test } from 'vitest';
import { Sampler, topKIndices } from './sampler';
import { tokenLogprobs } from './generation';

const logits = () => new Float32Array([0.5, 2, 2, -1, 1.5]);

describe('Sampler', () => {
  test('greedy picks the first maximum (as llama.cpp)', () => {
    expect(new Sampler({ temperature: 0, topK: 40, topP: 1 }).sample(logits())).toBe(1);
  });

  test('bias and bans apply before the choice', () => {
    expect(new Sampler({ temperature: 0, topK: 0, topP: 1, bias: { 1: -10 } }).sample(logits())).toBe(2);
    expect(new Sampler({ temperature: 0, topK: 0, topP: 1, banned: [1, 2] }).sample(logits())).toBe(4);
    expect(new Sampler({ temperature: 0, topK: 0, topP: 1, bias: { 3: 5 } }).sample(logits())).toBe(3);
  });

  test('top-k 1 and a tiny top-p are greedy even at high temperature', () => {
    for (let seed = 0; seed < 20; seed++) {
      expect(new Sampler({ temperature: 5, topK: 1, topP: 1, seed }).sample(logits())).toBe(1);
      expect(new Sampler({ temperature: 0.5, topK: 0, topP: 0.01, seed }).sample(logits())).toBe(1);
    }
  });

  test('seeded sampling is reproducible; it follows the softmax', () => {
    const draw = (seed: number) => {
      const s = new Sampler({ temperature: 1, topK: 0, topP: 1, seed });
      return Array.from({ length: 2000 }, () => s.sample(logits()));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
    const counts = [0, 0, 0, 0, 0];
    for (const t of draw(7)) counts[t]!++;
    const p = [0.5, 2, 2, -1, 1.5].map(Math.exp);
    const z = p.reduce((a, b) => a + b, 0);
    counts.forEach((c, i) => expect(Math.abs(c / 2000 - p[i]! / z)).toBeLessThan(0.04));
  });

  test('topKIndices returns the k largest, largest first, ties by index', () => {
    expect(topKIndices(new Float32Array([3, 1, 4, 1, 5, 9, 2, 6]), 3)).toEqual([5, 7, 4]);
    expect(topKIndices(logits(), 2)).toEqual([1, 2]);
  });
});

describe('tokenLogprobs', () => {
  const tokenizer = { tokenBytes: (id: number) => new TextEncoder().encode(['a', ' b', 'c', 'é', 'e'][id]!) };

  test('a log-softmax of the raw logits at temperature 1, and the k most likely tokens, most likely first', () => {
    const l = logits();
    const lse = Math.log([...l].reduce((s, x) => s + Math.exp(x), 0));
    const r = tokenLogprobs(l, 4, 3, tokenizer);
    expect(r.token).toBe('e');
    expect(r.logprob).toBeCloseTo(1.5 - lse, 6);
    expect(r.bytes).toEqual([101]);
    // Ties keep the lower id first (as the sampler's greedy choice).
    expect(r.top.map((t) => t.token)).toEqual([' b', 'c', 'e']);
    expect(r.top[0]!.logprob).toBeCloseTo(2 - lse, 6);
    expect(r.top.map((t) => t.bytes)).toEqual([[32, 98], [99], [101]]);
    expect(tokenLogprobs(l, 3, 0, tokenizer).top).toEqual([]);
    expect(tokenLogprobs(l, 3, 0, tokenizer).bytes).toEqual([195, 169]);
  });

  test('logits are not modified, and the probabilities of all tokens sum to 1', () => {
    const l = logits();
    const all = tokenLogprobs(l, 0, 5, tokenizer).top;
    expect(all.reduce((s, t) => s + Math.exp(t.logprob), 0)).toBeCloseTo(1, 6);
    expect([...l]).toEqual([...logits()]);
  });
});

describe('presence and frequency penalties', () => {
  const greedy = (p: Partial<ConstructorParameters<typeof Sampler>[0]>) => new Sampler({ temperature: 0, topK: 0, topP: 1, ...p });
  const run = (s: Sampler, n: number) => Array.from({ length: n }, () => s.sample(new Float32Array([1, 0.6, 0.1])));

  test('without penalties greedy repeats its best token', () => {
    expect(run(greedy({}), 4)).toEqual([0, 0, 0, 0]);
  });

  test('presence: once chosen, a token loses the penalty once', () => {
    // 1 − 0.5 = 0.5 < 0.6: the second pick is token 1; then both are penalised, 0.5 > 0.1.
    expect(run(greedy({ presencePenalty: 0.5 }), 4)).toEqual([0, 1, 0, 0]);
  });

  test('frequency: the penalty grows with every choice of the token', () => {
    // 1 vs 0.6 → 0.7 vs 0.6 → 0.4 vs 0.6 → 0.4 vs 0.3 → 0.1 vs 0.3.
    expect(run(greedy({ frequencyPenalty: 0.3 }), 5)).toEqual([0, 0, 1, 0, 1]);
  });
});
