import { describe, expect, test } from 'vitest';
import { WebGpuEngine } from './webgpu-engine';
import { DESTROY_DEVICE, FAULT_CHANNEL } from './fault-channel';
import { EngineClient } from '../../kernel/engine-client';
import { collect, greedy, hostAsEngine, TINY_URL } from '../../../test/helpers/engines';
import { DeviceLostError, LlmOsError } from '../../errors';

const TINY = { kind: 'gguf-url' as const, id: 'tiny', url: TINY_URL };

describe('GPU device lost mid-generation', () => {
  test('in-thread: a typed DeviceLostError, then the engine loads again on a fresh device', async () => {
    const engine = hostAsEngine(new WebGpuEngine());
    try {
      await engine.load(TINY, { nCtx: 256 });
      const before = await collect(engine, greedy({ maxTokens: 12 }));
      const first = engine.engine.gpuDevice();
      let seen = 0;
      const err = await engine.generate(greedy({ maxTokens: 300 }), () => {
        if (++seen === 3) engine.engine.gpuDevice()!.destroy();
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceLostError);
      expect(err).toBeInstanceOf(LlmOsError);
      expect((err as DeviceLostError).code).toBe('DEVICE_LOST');
      expect((err as DeviceLostError).details.modelId).toBe('tiny');
      expect(seen).toBeLessThanOrEqual(4);
      expect(engine.stats()).toMatchObject({ loaded: false, modelId: null, busy: false });
      expect(engine.engine.gpuBytes()).toBe(0);
      // Until it is reloaded, it keeps saying why.
      await expect(engine.generate(greedy(), () => {})).rejects.toBeInstanceOf(DeviceLostError);
      await engine.load(TINY, { nCtx: 256 });
      expect(engine.engine.gpuDevice()).not.toBe(first);
      const after = await collect(engine, greedy({ maxTokens: 12 }));
      expect(after.text).toBe(before.text);
    } finally {
      await engine.unload();
    }
  });

  test('in a worker: the error crosses intact, the worker survives and loads again', async () => {
    const client = await EngineClient.start();
    const faults = new BroadcastChannel(FAULT_CHANNEL);
    try {
      await client.load('webgpu', TINY, { nCtx: 256 });
      expect((await client.capabilities()).backend).toBe('webgpu');
      const before = await client.generate(greedy({ maxTokens: 12 }), () => {});
      let seen = 0;
      const err = await client.generate(greedy({ maxTokens: 400 }), () => {
        if (++seen === 3) faults.postMessage(DESTROY_DEVICE);
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceLostError);
      expect((err as DeviceLostError).code).toBe('DEVICE_LOST');
      expect(client.alive).toBe(true);
      expect((await client.stats()).loaded).toBe(false);
      await client.load('webgpu', TINY, { nCtx: 256 });
      const after = await client.generate(greedy({ maxTokens: 12 }), () => {});
      expect(after.text).toBe(before.text);
      expect(after.usage.completionTokens).toBe(12);
    } finally {
      faults.close();
      client.terminate();
    }
  });
});
