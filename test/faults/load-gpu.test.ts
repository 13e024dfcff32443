/**
 * Load on the GPU path: 80 jobs from 10 processes (random priorities, a fifth cancelled) through a real
 * kernel whose slot runs our WebGPU engine *in this page* (SwiftShader), with two models that do not fit
 * the VRAM budget together, so models are loaded and evicted again and again. Every `GPUBuffer` the page
 * creates is tracked by instrumenting `GPUDevice.createBuffer` / `GPUBuffer.destroy` /
 * `GPUDevice.destroy`: between jobs the live buffers are exactly those of the resident model (no growth
 * per job), and none is left once the kernel shuts down.
 */
import { afterAll, describe, expect } from 'vitest';
import { LlmOsError, WorkerCrashedError } from '../../src/errors';
import type { EngineKind, GenerateRequest, LoadOptions, LoadProgress, ModelSource, TokenEvent } from '../../src/protocol/engine';
import { WebGpuEngine } from '../../src/engines/webgpu/webgpu-engine';
import { Kernel } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle, SlotEngine } from '../../src/kernel/types';
import { PRIORITIES } from '../../src/kernel/priority';
import { greedy, hostAsEngine, TINY_B_URL, TINY_URL } from '../helpers/engines';
import { faultCase } from './reliability';

/** Live GPU buffers of this page: created, not destroyed, on a device not destroyed. */
const live = new Map<GPUBuffer, GPUDevice>();
const deadDevices = new WeakSet<GPUDevice>();
const proto = { create: GPUDevice.prototype.createBuffer, destroy: GPUBuffer.prototype.destroy, destroyDevice: GPUDevice.prototype.destroy };
GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
  const b = proto.create.call(this, d);
  live.set(b, this);
  return b;
};
GPUBuffer.prototype.destroy = function (this: GPUBuffer) { live.delete(this); return proto.destroy.call(this); };
GPUDevice.prototype.destroy = function (this: GPUDevice) { deadDevices.add(this); return proto.destroyDevice.call(this); };
const liveBuffers = () => [...live].filter(([, dev]) => !deadDevices.has(dev)).length;
afterAll(() => {
  GPUDevice.prototype.createBuffer = proto.create;
  GPUBuffer.prototype.destroy = proto.destroy;
  GPUDevice.prototype.destroy = proto.destroyDevice;
});

/** The WebGPU engine in this page as a kernel slot (what a worker slot is, minus the worker: its `EngineHost` runs here). */
class InPageSlot implements SlotEngine {
  readonly engine = hostAsEngine(new WebGpuEngine());
  private dead: LlmOsError | null = null;
  private markDead!: (e: LlmOsError) => void;
  readonly exited = new Promise<LlmOsError>((r) => { this.markDead = r; });
  get alive() { return this.dead === null; }
  load(_k: EngineKind, s: ModelSource, o?: LoadOptions, p?: (p: LoadProgress) => void) { return this.engine.load(s, o, p); }
  generate(r: GenerateRequest, t: (t: TokenEvent) => void, sig?: AbortSignal) { return this.engine.generate(r, t, sig); }
  interrupt() { this.engine.interrupt(); }
  unload() { return this.engine.unload(); }
  terminate(reason = 'terminated') {
    if (this.dead) return;
    this.dead = new WorkerCrashedError(reason, {});
    void this.engine.unload();
    this.markDead(this.dead);
  }
}

describe('GPU buffers under load', () => {
  faultCase('load', '80 jobs, 10 processes, 2 models evicting each other on one WebGPU slot (in-page engine)', 'every job completes or is cancelled; GPU buffers: no growth per job, 0 after shutdown', async () => {
    const slots: InPageSlot[] = [];
    const kernel = new Kernel({
      createEngine: async () => { const s = new InPageSlot(); slots.push(s); return s; },
      settings: memorySettingsStore(), budget: { ramMB: 64, vramMB: 24, slots: 1 }, defaultKeepAliveMs: 60_000,
    });
    await kernel.ready;
    for (const [id, url] of [['a', TINY_URL], ['b', TINY_B_URL]] as const) {
      const c = await describeGguf(await (await fetch(url)).blob(), 128);
      kernel.registerModel({ id, engine: 'webgpu', backend: 'webgpu', source: { kind: 'gguf-url', id, url }, weightBytes: c.weightBytes, kvBytes: c.kvBytes, overheadBytes: 8 * 1024 * 1024, nCtx: 128 });
    }
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pids = Array.from({ length: 10 }, (_, i) => kernel.spawn({ name: `p${i}` }, { priority: PRIORITIES[Math.floor(rand() * 3)]! }));
    // Warm both models once, note the resident model's buffer count.
    const perModel = new Map<string, number>();
    for (const m of ['a', 'b']) {
      const { prompt, ...params } = greedy({ maxTokens: 2 });
      await kernel.submit({ pid: pids[0]!, model: m, prompt: prompt!, params }).result;
      perModel.set(m, liveBuffers());
    }
    expect(perModel.get('a')).toBeGreaterThan(10);
    const outcomes = { finished: 0, cancelled: 0, failed: 0 };
    const handles: Promise<void>[] = [];
    for (let i = 0; i < 80; i++) {
      const model = rand() < 0.5 ? 'a' : 'b';
      const { prompt, ...params } = greedy({ maxTokens: 1 + Math.floor(rand() * 4), prompt: `job ${i} of the load` });
      const h: JobHandle = kernel.submit({ pid: pids[i % 10]!, model, prompt: prompt!, params, priority: PRIORITIES[Math.floor(rand() * 3)]! });
      if (rand() < 0.2) setTimeout(() => h.cancel(), rand() * 30);
      handles.push(h.result.then((r) => { outcomes[r.stopReason === 'abort' ? 'cancelled' : 'finished']++; }, () => { outcomes.failed++; }));
      if (i % 10 === 9) await Promise.all(handles.splice(0));
      // Between batches: only the resident model's buffers are alive.
      if (i % 10 === 9) expect(liveBuffers()).toBe(perModel.get(kernel.models()[0]!.id));
    }
    expect(outcomes.failed).toBe(0);
    expect(outcomes.finished + outcomes.cancelled).toBe(80);
    expect(outcomes.cancelled).toBeGreaterThan(0);
    expect(kernel.events.history().filter((e) => e.type === 'model-evicted').length).toBeGreaterThan(3);
    kernel.shutdown();
    await new Promise((r) => setTimeout(r, 200));
    expect(slots.every((s) => !s.alive)).toBe(true);
    expect(liveBuffers()).toBe(0);
  }, 180_000);
});
