import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebGpuEngine } from './webgpu-engine';
import { clientAsEngine, collect, greedy, hostAsEngine, TINY_URL } from '../../../test/helpers/engines';
import { ReplayDivergedError, UnsupportedInputError, UnsupportedModelError } from '../../errors';
import { imageUrl } from '../../../test/helpers/images';
import { EngineClient } from '../../kernel/engine-client';
import { readGgufHeader } from '../../models/gguf-header';
import { Tokenizer } from './tokenizer';

describe('WebGpuEngine in-thread', () => {
  const engine = hostAsEngine(new WebGpuEngine());
  beforeAll(async () => {
    await engine.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nCtx: 256 });
  });
  afterAll(() => engine.unload());

  test('loads on WebGPU and says so honestly', () => {
    const caps = engine.capabilities();
    expect(caps.engine).toBe('webgpu');
    expect(caps.backend).toBe('webgpu');
    expect(caps.f16).toBe(false); // SwiftShader: the case this engine exists for
    expect(caps.adapter?.architecture).toBe('swiftshader');
    expect(engine.stats()).toMatchObject({ modelId: 'tiny', loaded: true, busy: false });
    expect(engine.engine.gpuBytes()).toBeGreaterThan(1_000_000);
  });

  test('greedy generation is deterministic and streams tokens in order', async () => {
    const a = await collect(engine, greedy());
    const b = await collect(engine, greedy());
    expect(a.result.stopReason).toBe('length');
    expect(a.tokens.map((t) => t.index)).toEqual(a.tokens.map((_, i) => i));
    expect(a.tokens).toHaveLength(16);
    expect(a.text).toBe(a.result.text);
    expect(a.text.length).toBeGreaterThan(10);
    expect(b.text).toBe(a.text);
    expect(a.result.usage).toMatchObject({ completionTokens: 16, promptTokens: 8 });
    expect(a.result.usage.decodeTokensPerSec).toBeGreaterThan(0);
    expect(engine.stats().tokensGenerated).toBeGreaterThanOrEqual(32);
  });

  test('logit bias is honoured: a ban moves the greedy choice, a boost forces one', async () => {
    const tok = new Tokenizer(await readGgufHeader(await (await fetch(TINY_URL)).blob(), {}, { keepNumericArrays: true }));
    const first = await collect(engine, greedy({ maxTokens: 1 }));
    const id = tok.tokens.indexOf(first.text.replaceAll(' ', '\u2581'));
    expect(id).toBeGreaterThan(258);
    const banned = await collect(engine, greedy({ maxTokens: 1, logitBias: { ...greedy().logitBias, [id]: -100 } }));
    expect(banned.text).not.toBe(first.text);
    const boosted = await collect(engine, greedy({ maxTokens: 3, logitBias: { ...greedy().logitBias, [tok.tokens.indexOf('\u2581kernel')]: 100 } }));
    expect(boosted.text).toBe(' kernel kernel kernel');
  });

  test('stop strings end the generation before the stop text', async () => {
    const full = await collect(engine, greedy({ maxTokens: 24 }));
    const words = full.text.trim().split(' ');
    const stopWord = words[Math.min(3, words.length - 1)]!;
    const at = full.text.indexOf(stopWord);
    const cut = await collect(engine, greedy({ maxTokens: 24, stop: [stopWord] }));
    expect(cut.result.stopReason).toBe('stop');
    expect(cut.text).toBe(full.text.slice(0, at));
    expect(cut.result.text).toBe(cut.text);
  });

  test('without ignoreEos an end-of-generation token stops it; maxTokens bounds it', async () => {
    const r = await collect(engine, greedy({ maxTokens: 5 }));
    expect(r.result.usage.completionTokens).toBe(5);
    // Bias every token except <|im_end|> (EOS, id 260) away: the model must stop at once.
    const bias: Record<number, number> = {};
    for (let id = 0; id < 511; id++) if (id !== 260) bias[id] = -1000;
    const eos = await collect(engine, greedy({ ignoreEos: false, logitBias: bias }));
    expect(eos.result.stopReason).toBe('stop');
    expect(eos.result.usage.completionTokens).toBe(0);
    const ignored = await collect(engine, greedy({ ignoreEos: true, logitBias: bias, maxTokens: 3 }));
    expect(ignored.result.usage.completionTokens).toBe(3);
  });

  test('chat messages go through the GGUF chat template', async () => {
    const r = await collect(engine, greedy({ prompt: undefined, messages: [{ role: 'user', content: 'hello there' }] }));
    expect(r.result.usage.completionTokens).toBe(16);
    // BOS + <|im_start|> user \n hello there <|im_end|> \n <|im_start|> assistant \n: longer than the words.
    expect(r.result.usage.promptTokens).toBeGreaterThan(8);
  });

  test('it runs text-only models: an image is refused with UnsupportedInputError, and generation carries on', async () => {
    const messages = [{ role: 'user' as const, content: 'what is this', images: [await imageUrl('#f80')] }];
    await expect(engine.generate(greedy({ prompt: undefined, messages }), () => {})).rejects.toBeInstanceOf(UnsupportedInputError);
    expect((await collect(engine, greedy({ maxTokens: 3 }))).result.usage.completionTokens).toBe(3);
  });

  test('abort mid-stream stops within one token; interrupt says interrupt', async () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    const res = await engine.generate(greedy({ maxTokens: 200 }), (t) => {
      seen.push(t.text);
      if (seen.length === 3) ctrl.abort();
    }, ctrl.signal);
    expect(res.stopReason).toBe('abort');
    expect(seen.length).toBeLessThanOrEqual(4);
    let n = 0;
    const int = await engine.generate(greedy({ maxTokens: 200 }), () => { if (++n === 2) engine.interrupt(); });
    expect(int.stopReason).toBe('interrupt');
    expect(n).toBeLessThanOrEqual(3);
    const after = await collect(engine, greedy({ maxTokens: 4 }));
    expect(after.result.stopReason).toBe('length');
  });

  test('a replayed generation continues exactly where the preempted one stopped', async () => {
    const whole = await collect(engine, greedy({ maxTokens: 12 }));
    const head = whole.tokens.slice(0, 5).map((t) => t.text).join('');
    const resumed = await collect(engine, greedy({ maxTokens: 7, replayPrefix: head, replayTokens: 5 }));
    expect(head + resumed.text).toBe(whole.text);
    expect(resumed.result.text).toBe(resumed.text);
    expect(resumed.tokens.map((t) => t.index)).toEqual(resumed.tokens.map((_, i) => i));
    expect(resumed.result.usage.completionTokens).toBe(7);
  });

  test('a replay whose prefix the model does not regenerate fails with ReplayDivergedError; the engine carries on', async () => {
    const err = await collect(engine, greedy({ maxTokens: 4, replayPrefix: ' certainly not this', replayTokens: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayDivergedError);
    expect(err).toMatchObject({ code: 'REPLAY_DIVERGED', message: 'Replay diverged from the preempted generation' });
    expect((await collect(engine, greedy({ maxTokens: 3 }))).result.usage.completionTokens).toBe(3);
  });

  test('sampling with a seed is reproducible and differs across seeds', async () => {
    const s = (seed: number) => collect(engine, greedy({ temperature: 1.2, topK: 50, topP: 0.95, seed, maxTokens: 12 }));
    const a = await s(1), b = await s(1), c = await s(2);
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
  });

  test('a prompt longer than the context is a typed error; a full context ends with length', async () => {
    const small = new WebGpuEngine();
    try {
      const info = await small.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nCtx: 16 });
      expect(info.contextLength).toBe(16);
      await expect(small.generate(greedy({ prompt: 'the '.repeat(40) }), () => {})).rejects.toMatchObject({ code: 'GENERATION_FAILED' });
      const r = await collect(small, greedy({ maxTokens: 100 }));
      expect(r.result.stopReason).toBe('length');
      expect(r.result.usage.promptTokens + r.result.usage.completionTokens).toBe(17); // 16 cached + the last sampled
    } finally {
      await small.unload();
    }
  });

  test('typed errors for bad requests and non-GGUF sources', async () => {
    await expect(engine.generate({ prompt: 'x', temperature: Number.NaN }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const other = new WebGpuEngine();
    await expect(other.generate({ prompt: 'x' }, () => {})).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    await expect(other.load({ kind: 'mlc', id: 'x' })).rejects.toBeInstanceOf(UnsupportedModelError);
    await expect(other.load({ kind: 'gguf-blobs', id: 'html', blobs: [new Blob(['<html>no model</html>'])] })).rejects.toMatchObject({ code: 'GGUF_INVALID' });
  });
});

describe('WebGpuEngine in a worker', () => {
  test('loads through EngineClient and streams the same tokens as in-thread', async () => {
    const local = new WebGpuEngine();
    const client = await EngineClient.start();
    const remote = clientAsEngine(client, 'webgpu');
    try {
      const progress: number[] = [];
      const info = await remote.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nCtx: 256 }, (p) => progress.push(p.fraction));
      expect(info).toMatchObject({ engine: 'webgpu', contextLength: 256 });
      expect(progress.at(-1)).toBe(1);
      expect(remote.capabilities()).toMatchObject({ engine: 'webgpu', backend: 'webgpu', f16: false });
      await local.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nCtx: 256 });
      const a = await collect(local, greedy({ maxTokens: 24 }));
      const b = await collect(remote, greedy({ maxTokens: 24 }));
      expect(b.tokens.map((t) => t.text)).toEqual(a.tokens.map((t) => t.text));
      expect(remote.stats()).toMatchObject({ modelId: 'tiny', generations: 1, tokensGenerated: 24 });
    } finally {
      await local.unload();
      client.terminate();
    }
  });
});
