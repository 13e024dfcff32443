import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WllamaEngine } from './wllama-engine';
import { EngineClient } from '../kernel/engine-client';
import {
  clientAsEngine, collect, crashWorker, greedy, hostAsEngine, spawnTestEngineWorker, TINY_B_URL, TINY_URL, type HostedEngine,
} from '../../test/helpers/engines';
import { GgufError, LlmOsError, WorkerCrashedError } from '../errors';

async function blobOf(url: string) {
  return (await fetch(url)).blob();
}

function describeEngine(name: string, make: () => Promise<HostedEngine>, dispose: (e: HostedEngine) => Promise<void>) {
  describe(name, () => {
    let engine: HostedEngine;
    beforeAll(async () => {
      engine = await make();
      await engine.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    });
    afterAll(async () => dispose(engine));

    test('loads the fixture and reports the backend it really used', () => {
      const caps = engine.capabilities();
      expect(caps.engine).toBe('wllama');
      // SwiftShader has no shader-f16, so wllama must run on wasm and say so.
      expect(caps.f16).toBe(false);
      expect(caps.backend).toBe('wasm');
      expect(caps.threads).toBe(2);
      expect(caps.crossOriginIsolated).toBe(true);
      expect(engine.stats().modelId).toBe('tiny');
    });

    test('greedy generation is deterministic and streams tokens in order', async () => {
      const a = await collect(engine, greedy());
      const b = await collect(engine, greedy());
      expect(a.result.stopReason).toBe('length');
      expect(a.tokens.length).toBeGreaterThan(4);
      expect(a.tokens.map((t) => t.index)).toEqual(a.tokens.map((_, i) => i));
      expect(a.text).toBe(a.result.text);
      expect(b.text).toBe(a.text);
      expect(a.result.usage.completionTokens).toBe(16);
      expect(a.result.usage.promptTokens).toBeGreaterThan(0);
      expect(a.result.usage.ttftMs).toBeGreaterThan(0);
      expect(a.result.usage.decodeTokensPerSec).toBeGreaterThan(0);
    });

    test('chat messages go through the chat template', async () => {
      const r = await collect(engine, greedy({ prompt: undefined, messages: [{ role: 'user', content: 'hello there' }] }));
      expect(r.result.usage.completionTokens).toBe(16);
      // The ChatML template adds its markers: the prompt is longer than the bare words.
      expect(r.result.usage.promptTokens).toBeGreaterThan(6);
    });

    test('abort mid-stream stops within a few tokens with reason abort', async () => {
      const ctrl = new AbortController();
      const tokens: string[] = [];
      // In a worker, tokens may arrive in batches (adaptive batching while the page is busy): count from
      // the token at which the abort was sent, not from a fixed index.
      let atAbort = -1;
      const res = await engine.generate(greedy({ maxTokens: 200 }), (t) => {
        tokens.push(t.text);
        if (tokens.length >= 3 && !ctrl.signal.aborted) { atAbort = tokens.length; ctrl.abort(); }
      }, ctrl.signal);
      expect(res.stopReason).toBe('abort');
      expect(atAbort).toBeGreaterThanOrEqual(3);
      // One token may be decoding when the abort lands, and more may already be on their way back in a
      // batch: the tiny fixture decodes ≈ 1,700 tokens/s with one sequence, so a worker round trip of a
      // few ms lets several through (9 seen on a loaded machine). An ignored abort would run to 200.
      expect(tokens.length).toBeLessThanOrEqual(atAbort + 12);
      // The engine is still usable.
      const after = await collect(engine, greedy({ maxTokens: 4 }));
      expect(after.result.stopReason).toBe('length');
    });

    test('invalid requests are typed errors', async () => {
      await expect(engine.generate({ prompt: 'x', temperature: Number.NaN }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(engine.generate({ messages: [{ role: 'wizard' as never, content: 'x' }] }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    });
  });
}

describeEngine('WllamaEngine in-thread', async () => hostAsEngine(new WllamaEngine()), (e) => e.unload());
describeEngine('WllamaEngine in a worker', async () => clientAsEngine(await EngineClient.start(), 'wllama'),
  async (e) => { await e.unload(); (e as ReturnType<typeof clientAsEngine>).client.terminate(); });

describe('worker and in-thread agree', () => {
  test('same greedy tokens in-thread and in a worker', async () => {
    const local = new WllamaEngine();
    const client = await EngineClient.start();
    const remote = clientAsEngine(client, 'wllama');
    try {
      await local.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      await remote.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      const a = await collect(local, greedy({ maxTokens: 24 }));
      const b = await collect(remote, greedy({ maxTokens: 24 }));
      expect(b.tokens.map((t) => t.text)).toEqual(a.tokens.map((t) => t.text));
    } finally {
      await local.unload();
      client.terminate();
    }
  });
});

describe('worker lifecycle and faults', () => {
  test('unload frees the worker for another model', async () => {
    const client = await EngineClient.start();
    try {
      const e = clientAsEngine(client, 'wllama');
      await e.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      const a = await collect(e, greedy());
      await e.unload();
      expect(e.stats().loaded).toBe(false);
      await expect(client.generate(greedy(), () => {})).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
      await e.load({ kind: 'gguf-blobs', id: 'tiny-b', blobs: [await blobOf(TINY_B_URL)] }, { nThreads: 2, nCtx: 512 });
      expect(e.stats().modelId).toBe('tiny-b');
      const b = await collect(e, greedy());
      expect(b.text).not.toBe(a.text); // a different model (other seed) answers differently
    } finally {
      client.terminate();
    }
  });

  test('a truncated GGUF and a non-GGUF file give typed errors and the worker stays usable', async () => {
    const client = await EngineClient.start();
    try {
      const full = await blobOf(TINY_URL);
      const truncated = full.slice(0, Math.floor(full.size / 2));
      const err = await client.load('wllama', { kind: 'gguf-blobs', id: 'cut', blobs: [truncated] }).catch((e) => e);
      expect(err).toBeInstanceOf(GgufError);
      expect(err).toBeInstanceOf(LlmOsError);
      expect(err.code).toBe('GGUF_INVALID');
      expect(err.details.fileSize).toBe(truncated.size);
      const notGguf = new Blob(['<html>this is not a model</html>']);
      await expect(client.load('wllama', { kind: 'gguf-blobs', id: 'html', blobs: [notGguf] })).rejects.toMatchObject({
        name: 'GgufError', code: 'GGUF_INVALID',
      });
      await client.load('wllama', { kind: 'gguf-blobs', id: 'tiny', blobs: [full] }, { nThreads: 2, nCtx: 512 });
      const res = await client.generate(greedy({ maxTokens: 4 }), () => {});
      expect(res.usage.completionTokens).toBe(4);
    } finally {
      client.terminate();
    }
  });

  test('a terminated worker gives the caller a typed error, never a hang', async () => {
    const client = await EngineClient.start();
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    let seen = 0;
    const pending = client.generate(greedy({ maxTokens: 500 }), () => {
      if (++seen === 2) client.terminate();
    });
    await expect(pending).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(client.stats()).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
  });

  test('a worker that crashes by itself is detected through its life lock', async () => {
    const client = await EngineClient.start(spawnTestEngineWorker());
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    let seen = 0;
    const pending = client.generate(greedy({ maxTokens: 500 }), () => {
      if (++seen === 2) crashWorker(client);
    });
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect(client.alive).toBe(false);
  });
});

describe('constrained output', () => {
  test('a JSON schema constrains chat output (rendered template + raw completion), and a failure does not poison the worker', async () => {
    const client = await EngineClient.start();
    try {
      await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      const schema = { type: 'object', properties: { answer: { type: 'string', maxLength: 12 } }, required: ['answer'], additionalProperties: false };
      let text = '';
      const res = await client.generate(greedy({ prompt: undefined, messages: [{ role: 'user', content: 'hi' }], jsonSchema: schema, maxTokens: 40, ignoreEos: false }), (t) => { text += t.text; });
      expect(res.stopReason).toBe('stop');
      const parsed = JSON.parse(text);
      expect(Object.keys(parsed)).toEqual(['answer']);
      expect(typeof parsed.answer).toBe('string');
      // A grammar llama.cpp rejects is a typed error, and the next request still works.
      await expect(client.generate(greedy({ grammar: 'root ::= (' }), () => {})).rejects.toMatchObject({ code: 'GENERATION_FAILED' });
      const after = await client.generate(greedy({ maxTokens: 4 }), () => {});
      expect(after.usage.completionTokens).toBe(4);
    } finally {
      client.terminate();
    }
  });
});

test('a signal aborted before generate() stops the job at once, through a worker', async () => {
  const client = await EngineClient.start();
  try {
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 256 });
    const ctrl = new AbortController();
    ctrl.abort();
    let n = 0;
    const res = await client.generate(greedy({ maxTokens: 400 }), () => { n++; }, ctrl.signal);
    expect(res.stopReason).toBe('abort');
    expect(n).toBe(0);
  } finally {
    client.terminate();
  }
});
