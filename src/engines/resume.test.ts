/**
 * Resuming a generation from its output (`GenerateRequest.resume`) on the real engines: one prefill of
 * prompt + delivered output, then decoding goes on. Greedy runs must continue token for token as if never
 * stopped: exactly with token ids (our WebGPU engine), and with text where it tokenises back to the
 * same ids (wllama takes text only) — `tiny-chars.gguf` has a one-character vocabulary, so its output
 * does, as a real model's output nearly always does.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WllamaEngine } from './wllama-engine';
import { WebGpuEngine } from './webgpu/webgpu-engine';
import { canonical, collect, greedy, hostAsEngine, TINY_CHARS_URL, TINY_URL, type HostedEngine } from '../../test/helpers/engines';

describe('wllama resumes from text in one prefill', () => {
  let engine: HostedEngine;
  beforeAll(async () => {
    engine = hostAsEngine(new WllamaEngine());
    await engine.load({ kind: 'gguf-url', id: 'chars', url: TINY_CHARS_URL }, { nThreads: 2, nCtx: 1024 });
  });
  afterAll(() => engine.unload());

  test('a raw prompt resumed after k tokens continues exactly, prefilling prompt + k tokens, most of it from the cache', async () => {
    const whole = await collect(engine, canonical({ prompt: 'once upon a time', maxTokens: 32 }));
    const p = whole.result.usage.promptTokens;
    expect(whole.tokens).toHaveLength(32);
    for (const k of [1, 9, 20]) {
      const head = whole.tokens.slice(0, k).map((t) => t.text).join('');
      const r = await collect(engine, canonical({ prompt: 'once upon a time', maxTokens: 32 - k, resume: { text: head, tokens: k } }));
      expect(head + r.text).toBe(whole.text);
      expect(r.tokens.map((t) => t.index)).toEqual([...Array(32 - k).keys()]);
      expect(r.result.usage.completionTokens).toBe(32 - k);
      // The output tokenised back to the k tokens it was: the prefill is exactly prompt + k …
      expect(r.result.usage.promptTokens).toBe(p + k);
      // … and the slot's cache still held them: only the last token was evaluated again.
      expect(r.result.usage.cachedTokens).toBe(p + k - 1);
    }
  });

  test('a chat resumed from its partial reply continues it (prefilled as the assistant turn)', async () => {
    const messages = [{ role: 'user' as const, content: 'tell me a story' }];
    const whole = await collect(engine, canonical({ prompt: undefined, messages, maxTokens: 24 }));
    const head = whole.tokens.slice(0, 10).map((t) => t.text).join('');
    const r = await collect(engine, canonical({ prompt: undefined, messages, maxTokens: 14, resume: { text: head, tokens: 10 } }));
    expect(head + r.text).toBe(whole.text);
    expect(r.result.usage.promptTokens).toBe(whole.result.usage.promptTokens + 10);
  });

  test('a constrained request is refused a resume (its grammar cannot start mid-output)', async () => {
    await expect(collect(engine, canonical({ jsonMode: true, resume: { text: '{"a', tokens: 3 } })))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'resume' } });
  });
});

describe('wllama: output that does not tokenise back is visible in the prefill count', () => {
  test('over a word-piece vocabulary the prefill differs from prompt + k', async () => {
    const engine = hostAsEngine(new WllamaEngine());
    await engine.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    try {
      const whole = await collect(engine, canonical({ prompt: 'the model is', maxTokens: 24 }));
      const head = whole.tokens.slice(0, 16).map((t) => t.text).join('');
      const r = await collect(engine, canonical({ prompt: 'the model is', maxTokens: 8, resume: { text: head, tokens: 16 } }));
      expect(r.result.usage.promptTokens).not.toBe(whole.result.usage.promptTokens + 16);
    } finally {
      await engine.unload();
    }
  });
});

describe('WebGPU engine resumes from token ids', () => {
  const engine = hostAsEngine(new WebGpuEngine());
  beforeAll(async () => {
    await engine.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nCtx: 256 });
  });
  afterAll(() => engine.unload());

  test('token events carry ids; a resume with them continues exactly, from the cache', async () => {
    const whole = await collect(engine, greedy({ maxTokens: 14 }));
    const ids = whole.tokens.flatMap((t) => t.ids ?? []);
    expect(ids).toHaveLength(14);
    const p = whole.result.usage.promptTokens;
    const k = 6;
    const head = whole.tokens.slice(0, k);
    // Another generation in between: the cache no longer ends with this one's tokens.
    await collect(engine, greedy({ prompt: 'the model is not', maxTokens: 3 }));
    const r = await collect(engine, greedy({
      maxTokens: 14 - k, resume: { text: head.map((t) => t.text).join(''), tokens: k, ids: head.flatMap((t) => t.ids!) },
    }));
    expect(head.map((t) => t.text).join('') + r.text).toBe(whole.text);
    expect(r.result.usage.promptTokens).toBe(p + k);
    // "the model is" is shared with the generation in between: only what follows it is evaluated.
    expect(r.result.usage.cachedTokens).toBeGreaterThan(0);
    expect(r.result.usage.cachedTokens).toBeLessThan(p + k);
  });

  test('ids beyond the vocabulary are refused', async () => {
    await expect(collect(engine, greedy({ maxTokens: 2, resume: { text: 'x', tokens: 1, ids: [1e6] } })))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
