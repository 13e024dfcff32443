/**
 * KV cache per process (`ProcessInfo.kv`), with real wllama workers: whose conversations a model's
 * cache holds, at the model's KV bytes a token.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { greedy, TINY_URL } from '../../test/helpers/engines';
import { readJob } from '../../test/helpers/kernel';
import { Kernel } from './kernel';
import { describeGguf } from './model-registry';
import { memorySettingsStore } from './settings-store';
import type { SubmitRequest } from './types';

let kernel: Kernel | null = null;
afterEach(() => {
  kernel?.shutdown();
  kernel = null;
});

describe('KV cache per process', () => {
  test("a process holds its last context while among the model's `sequences` most recent users; exit and eviction free it", async () => {
    const k = new Kernel({ settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } });
    kernel = k;
    await k.ready;
    const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 256);
    k.registerModel({ id: 'tiny', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 256, sequences: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => k.spawn({ name }, { priority: 'normal' }));
    const run = async (pid: number, prompt: string, more: Partial<SubmitRequest> = {}) => {
      const { prompt: _, ...params } = greedy({ maxTokens: 6 });
      const r = await readJob(k.submit({ pid, model: 'tiny', prompt, params, ...more }));
      return r.result.usage.promptTokens + r.result.usage.completionTokens;
    };
    const kv = (pid: number) => k.ps().find((p) => p.pid === pid)!.kv;
    expect(kv(a!)).toEqual({ tokens: 0, bytes: 0 });
    const ta = await run(a!, 'the kernel of the model');
    expect(kv(a!)).toEqual({ tokens: ta, bytes: Math.round((ta * cost.kvBytes) / 256) });
    const tb = await run(b!, 'a graph of memory');
    expect(kv(b!).tokens).toBe(tb);
    expect(kv(a!).tokens).toBe(ta); // two sequences: both kept
    await run(c!, 'one small worker');
    expect(kv(a!).tokens).toBe(0); // the least recently used gave its sequence to c
    expect(kv(b!).tokens).toBe(tb);
    k.kill(b!);
    expect(kv(b!).tokens).toBe(0);
    const evicted = new Promise<void>((r) => { const off = k.events.on('model-evicted', () => { off(); r(); }); });
    await run(c!, 'one small worker and', { keepAliveMs: 0 });
    await evicted;
    expect(kv(c!).tokens).toBe(0);
  });
});
