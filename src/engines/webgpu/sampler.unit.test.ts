import { describe, expect, test } from 'vitest';
import { Sampler, topKIndices } from './sampler';

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
