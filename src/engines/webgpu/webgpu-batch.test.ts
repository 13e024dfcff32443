import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebGpuEngine } from './webgpu-engine';
import { collect, greedy, hostAsEngine, TINY_URL } from '../../../test/helpers/engines';

const SOURCE = { kind: 'gguf-url', id: 'tiny', url: TINY_URL } as const;
const SYSTEM = 'you are a kernel of the browser and every model in the state of the world has a graph of memory with many small workers '.repeat(2);

describe('WebGpuEngine with 4 sequences: batched decode and prefix reuse', () => {
  const engine = hostAsEngine(new WebGpuEngine());
  beforeAll(async () => {
    await engine.load(SOURCE, { nCtx: 512, sequences: 4 });
  });
  afterAll(() => engine.unload());

  test('four concurrent greedy generations share decode steps and match their solo runs token for token', async () => {
    const prompts = ['the kernel', 'a graph of memory is', 'every model in the browser', 'small workers of the state'];
    const solo: string[] = [];
    for (const prompt of prompts) solo.push((await collect(engine, greedy({ prompt, maxTokens: 24 }))).text);
    const before = engine.engine.stepCounters();
    const together = await Promise.all(prompts.map((prompt) => collect(engine, greedy({ prompt, maxTokens: 24 }))));
    const after = engine.engine.stepCounters();
    expect(together.map((c) => c.text)).toEqual(solo);
    expect(new Set(solo).size).toBe(4);
    // 4 × 23 decode steps (the first token comes from the prefill): most of them in steps of 2-4.
    expect(after.batchedTokens - before.batchedTokens).toBeGreaterThanOrEqual(60);
    expect(after.steps - before.steps).toBeLessThan(4 * 24 - 30);
  });

  test('a long prompt arriving mid-generation is prefilled in chunks beside the others\' decode steps; every text is as alone', async () => {
    const shorts = ['the kernel of', 'a graph of', 'one worker is'];
    const long = `${SYSTEM}and the last question is`;
    const solo: string[] = [];
    for (const prompt of [...shorts, long]) solo.push((await collect(engine, greedy({ prompt, maxTokens: 30 }))).text);
    // A new engine: no prefix of any of these prompts in its caches.
    const e2 = hostAsEngine(new WebGpuEngine());
    await e2.load(SOURCE, { nCtx: 512, sequences: 4 });
    try {
      let fifthToken!: () => void;
      const streaming = new Promise<void>((r) => { fifthToken = r; });
      const runs = shorts.map(async (prompt, i) => {
        let text = '';
        let n = 0;
        await e2.generate(greedy({ prompt, maxTokens: 30 }), (t) => { text += t.text; if (i === 0 && ++n === 5) fifthToken(); });
        return text;
      });
      await streaming;
      const before = e2.engine.stepCounters();
      const longRun = collect(e2, greedy({ prompt: long, maxTokens: 30 })).then((c) => c.text);
      const texts = await Promise.all([...runs, longRun]);
      const after = e2.engine.stepCounters();
      expect(texts).toEqual(solo);
      // Its prompt (> 64 tokens: two chunks) ran in steps shared with the others' decoding.
      expect(after.mixedSteps - before.mixedSteps).toBeGreaterThanOrEqual(2);
      expect(after.batchedSteps - before.batchedSteps).toBeGreaterThan(20);
      expect(after.steps - before.steps).toBeLessThan(60);
    } finally {
      await e2.unload();
    }
  });

  test('a fifth concurrent generation is refused while four run; the four finish', async () => {
    const running = ['one', 'two', 'three', 'four'].map((w) => collect(engine, greedy({ prompt: `the ${w} model`, maxTokens: 32 })));
    await expect(collect(engine, greedy({ prompt: 'the fifth model' }))).rejects.toMatchObject({ code: 'ENGINE_BUSY' });
    const done = await Promise.all(running);
    expect(done.map((c) => c.result.usage.completionTokens)).toEqual([32, 32, 32, 32]);
  });

  test("another app's request with the same system prompt reuses it from the other app's sequence, and both stay cached", async () => {
    const question = 'where are the workers';
    const a = `${SYSTEM}question: what is the kernel`;
    const b = `${SYSTEM}question: ${question}`;
    const first = await collect(engine, greedy({ prompt: a, maxTokens: 8 }));
    expect(first.result.usage.promptTokens).toBeGreaterThan(90);
    const second = await collect(engine, greedy({ prompt: b, maxTokens: 8 }));
    // The system prompt came from a's sequence: only the question (at most a token a character) was evaluated.
    expect(second.result.usage.cachedTokens).toBeGreaterThanOrEqual(second.result.usage.promptTokens - question.length);
    // …and the copied keys and values are right: the same text as a fresh one-sequence engine gives.
    const fresh = hostAsEngine(new WebGpuEngine());
    await fresh.load(SOURCE, { nCtx: 512 });
    try {
      expect(second.text).toBe((await collect(fresh, greedy({ prompt: b, maxTokens: 8 }))).text);
    } finally {
      await fresh.unload();
    }
    // a's conversation was not evicted to make room: its next turn reuses at least a's whole prompt
    // (the reply too, as far as its text re-tokenises to the same ids).
    const next = await collect(engine, greedy({ prompt: `${a}${first.text} and then`, maxTokens: 4 }));
    expect(next.result.usage.cachedTokens).toBeGreaterThanOrEqual(first.result.usage.promptTokens);
  });
});
