/**
 * Log probabilities of the WebGPU engine against llama.cpp's (wllama, CPU) on the same GGUF: the same
 * tokens, the same log probabilities (a log-softmax at temperature 1 of the raw logits) and the same most
 * likely alternatives. `tiny-utf8`: every token valid UTF-8 on its own, which wllama needs (docs/api.md).
 */
import { expect, test } from 'vitest';
import { WllamaEngine } from '../wllama-engine';
import { WebGpuEngine } from './webgpu-engine';
import { collect, TINY_UTF8_URL } from '../../../test/helpers/engines';
import type { GenerateRequest, TokenLogprobs } from '../../protocol/engine';

test('the WebGPU engine reports the log probabilities llama.cpp reports', async () => {
  const source = { kind: 'gguf-url' as const, id: 'tiny-utf8', url: TINY_UTF8_URL };
  const wl = new WllamaEngine();
  const gpu = new WebGpuEngine();
  await wl.load(source, { nThreads: 2, nCtx: 512 });
  await gpu.load(source, { nCtx: 512 });
  try {
    const req: GenerateRequest = { prompt: 'the model is', maxTokens: 12, temperature: 0, ignoreEos: true, logprobs: 4 };
    const logprobsOf = async (engine: WllamaEngine | WebGpuEngine) => {
      const r = await collect(engine, req);
      return { text: r.text, lp: r.tokens.flatMap((t) => t.logprobs ?? []) as TokenLogprobs[] };
    };
    const a = await logprobsOf(wl);
    const b = await logprobsOf(gpu);
    expect(b.text).toBe(a.text);
    expect(b.lp).toHaveLength(12);
    expect(a.lp).toHaveLength(12);
    expect(b.lp.map((l) => l.token).join('')).toBe(b.text);
    b.lp.forEach((l, i) => {
      const w = a.lp[i]!;
      expect(l.token).toBe(w.token);
      expect(l.bytes).toEqual(w.bytes);
      expect(l.logprob).toBeLessThanOrEqual(0);
      expect(Math.abs(l.logprob - w.logprob)).toBeLessThan(0.02);
      expect(l.top).toHaveLength(4);
      // Greedy: the chosen token is the most likely; the alternatives agree where their margins allow.
      expect(l.top[0]!.token).toBe(l.token);
      expect(l.top[0]!.logprob).toBeCloseTo(l.logprob, 5);
      l.top.forEach((t, j) => expect(Math.abs(t.logprob - w.top[j]!.logprob)).toBeLessThan(0.02));
    });
  } finally {
    await wl.unload();
    await gpu.unload();
  }
});
