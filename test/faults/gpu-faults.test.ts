/**
 * GPU faults through a real kernel: the WebGPU device lost mid-generation (our f32 WebGPU engine in a
 * real worker, SwiftShader; the device is destroyed through the engine's dev-only fault channel) while
 * another process generates on a wllama worker. The job fails with a typed `DeviceLostError` and the
 * other process is undisturbed.
 *
 * After the loss the kernel forgets that slot's model (`SlotOps.ended`; the worker lives on), so the next
 * job reloads the model on a new device and produces the same tokens as before the loss.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { DeviceLostError, ERROR_TEXT } from '../../src/errors';
import { DESTROY_DEVICE, FAULT_CHANNEL } from '../../src/engines/webgpu/fault-channel';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle } from '../../src/kernel/types';
import { greedy, TINY_B_URL, TINY_URL } from '../helpers/engines';
import { faultCase } from './reliability';

let kernel: Kernel;
const clients: EngineClient[] = [];

beforeAll(async () => {
  kernel = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(); clients.push(c); return c; },
    settings: memorySettingsStore(), budget: { ramMB: 200, vramMB: 512, slots: 2 },
  });
  await kernel.ready;
  const gpu = await describeGguf(await (await fetch(TINY_URL)).blob(), 256);
  kernel.registerModel({ id: 'tiny-gpu', engine: 'webgpu', backend: 'webgpu', source: { kind: 'gguf-url', id: 'tiny-gpu', url: TINY_URL }, weightBytes: gpu.weightBytes, kvBytes: gpu.kvBytes, nCtx: 256 });
  const cpu = await describeGguf(await (await fetch(TINY_B_URL)).blob(), 512);
  kernel.registerModel({ id: 'tiny-b', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny-b', url: TINY_B_URL }, weightBytes: cpu.weightBytes, kvBytes: cpu.kvBytes, nCtx: 512 });
});
afterAll(() => kernel.shutdown());

function submit(pid: number, model: string, maxTokens: number, prompt = 'the model is'): JobHandle {
  const { prompt: _p, ...params } = greedy({ maxTokens });
  return kernel.submit({ pid, model, prompt, params });
}

async function read(h: JobHandle, onToken: (n: number) => void = () => {}) {
  const tokens: string[] = [];
  for await (const t of h.tokens) { tokens.push(t.text); onToken(tokens.length); }
  return { tokens, result: await h.result };
}

describe('GPU device lost', () => {
  faultCase('fault', 'GPU device lost mid-generation (WebGPU engine in a worker, kernel)', 'DeviceLostError DEVICE_LOST; the other process undisturbed; the worker survives', async () => {
    const gpuApp = kernel.spawn({ name: 'gpu app' }, { priority: 'normal' });
    const cpuApp = kernel.spawn({ name: 'cpu app' }, { priority: 'normal' });
    const reference = await read(submit(gpuApp, 'tiny-gpu', 8));
    expect(reference.tokens).toHaveLength(8);
    const faults = new BroadcastChannel(FAULT_CHANNEL);
    try {
      const bystander = read(submit(cpuApp, 'tiny-b', 120));
      const h = submit(gpuApp, 'tiny-gpu', 400);
      const reading = read(h, (n) => { if (n === 3) faults.postMessage(DESTROY_DEVICE); });
      const err = await h.result.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceLostError);
      expect((err as DeviceLostError).code).toBe('DEVICE_LOST');
      expect(ERROR_TEXT.DEVICE_LOST).toBeTruthy();
      await expect(reading).rejects.toMatchObject({ code: 'DEVICE_LOST' });
      const b = await bystander;
      expect(b.tokens).toHaveLength(120);
      expect(b.result.retries).toBe(0);
      expect(clients.every((c) => c.alive)).toBe(true);
    } finally {
      faults.close();
    }
    // Recovery: the kernel forgot the lost model, so the next job reloads it on a new device.
    expect((await read(submit(gpuApp, 'tiny-gpu', 8))).tokens).toEqual(reference.tokens);
  }, 120_000);
});
