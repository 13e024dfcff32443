/**
 * Shared by the kernel benchmark pages: a kernel with one real wllama worker slot and the fixture
 * models registered (costs from their GGUF headers), and a consumer that timestamps a job's tokens.
 */
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle } from '../../src/kernel/types';
import { BENCH_URL, TINY_URL } from '../../test/helpers/engines';

/** Byte tokens banned, as in test/helpers/engines.ts `greedy()` (random models emit invalid UTF-8). */
export const BYTE_BIAS: Record<number, number> = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [i + 3, -100]));

/** One-token words of the fixture vocabulary, to vary prompts without changing their length. */
export const WORDS = 'time people world state life work day year water right three model token kernel graph memory stream worker browser local'.split(' ');

export async function benchKernel(options: KernelOptions = {}) {
  const clients: EngineClient[] = [];
  const kernel = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(); clients.push(c); return c; },
    settings: memorySettingsStore(), budget: { slots: 1, ramMB: 1024, vramMB: 0 }, ...options,
  });
  await kernel.ready;
  for (const [id, url] of [['tiny', TINY_URL], ['bench-40m', BENCH_URL]] as const) {
    const cost = await describeGguf(await (await fetch(url)).blob(), 1024);
    kernel.registerModel({
      id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes,
      nCtx: 1024, loadOptions: { nThreads: navigator.hardwareConcurrency },
    });
  }
  return { kernel, clients };
}

/** Time a job from `t0` as its consumer sees it. */
export async function consume(h: JobHandle, t0: number) {
  let first = 0, last = 0, n = 0;
  for await (const _t of h.tokens) {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  }
  await h.result;
  return { ttft: first - t0, decode: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n };
}
