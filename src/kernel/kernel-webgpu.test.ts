/**
 * The kernel with a model on our WebGPU engine (SwiftShader here), in a real engine worker: by default
 * it dispatches up to the model's 4 sequences to the one worker, where they decode in batched steps.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { greedy, spawnTestEngineWorker, TINY_URL } from '../../test/helpers/engines';
import { readJob } from '../../test/helpers/kernel';
import { EngineClient } from './engine-client';
import { Kernel } from './kernel';
import { describeGguf } from './model-registry';
import { memorySettingsStore } from './settings-store';

let kernel: Kernel | null = null;
afterEach(() => {
  kernel?.shutdown();
  kernel = null;
});

async function gpuKernel(): Promise<Kernel> {
  const k = new Kernel({
    createEngine: async () => EngineClient.start(spawnTestEngineWorker()),
    settings: memorySettingsStore(), budget: { ramMB: 400, vramMB: 400, slots: 1 },
  });
  kernel = k;
  await k.ready;
  const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 256);
  k.registerModel({
    id: 'tiny-gpu', engine: 'webgpu', source: { kind: 'gguf-url', id: 'tiny-gpu', url: TINY_URL },
    weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 256,
  });
  return k;
}

function job(k: Kernel, pid: number, prompt: string, maxTokens: number) {
  const { prompt: _, ...params } = greedy({ maxTokens });
  return readJob(k.submit({ pid, model: 'tiny-gpu', prompt, params }));
}

describe('kernel with a WebGPU-engine model', () => {
  test('four jobs from four apps decode together on the one worker, each as it would alone; a fifth waits its turn', async () => {
    const k = await gpuKernel();
    const reg = k.registeredModels().find((m) => m.id === 'tiny-gpu')!;
    expect(reg.sequences).toBe(4);
    const pids = [0, 1, 2, 3, 4].map((i) => k.spawn({ name: `app${i}` }, { priority: 'normal' }));
    const prompts = ['the kernel', 'a model of', 'memory and', 'one browser', 'the fifth'];
    const solo = [];
    for (const [i, prompt] of prompts.entries()) solo.push(await job(k, pids[i]!, prompt, 20));
    const started = k.events.history().length;
    const together = await Promise.all(prompts.map((prompt, i) => job(k, pids[i]!, prompt, 20)));
    const h = k.events.history().slice(started);
    const firstEnd = h.findIndex((e) => e.type === 'job-finished');
    // Four were running before the first ended (one slot, four sequences); the fifth started later.
    expect(h.slice(0, firstEnd).filter((e) => e.type === 'job-started')).toHaveLength(4);
    expect(h.filter((e) => e.type === 'job-started')).toHaveLength(5);
    expect(together.map((r) => r.result.usage.completionTokens)).toEqual([20, 20, 20, 20, 20]);
    expect(together.map((r) => r.tokens.join(''))).toEqual(solo.map((r) => r.tokens.join('')));
    expect(k.models()).toHaveLength(1);
  });
});
