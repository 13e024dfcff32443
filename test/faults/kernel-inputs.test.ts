/**
 * Bad inputs refused by a real kernel (real engine workers): a model over the memory budget, an
 * f16-only WebLLM model on this f16-less SwiftShader adapter, unknown models and processes, bad job
 * parameters. Each is a typed error with a code and UI words; nothing is queued, loaded, fetched or
 * cached for it, and another process's work goes on untouched.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ERROR_TEXT, LlmOsError, ModelTooLargeError } from '../../src/errors';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { MB } from '../../src/models/cost';
import { WEBLLM_DB } from '../../src/engines/webllm-prefetch';
import { mlcFixtureRecord } from '../fixtures/mlc-fixture';
import { greedy, TINY_URL } from '../helpers/engines';
import { fixtureHits } from '../helpers/storage';
import { faultCase } from './reliability';

let kernel: Kernel;
const clients: EngineClient[] = [];
let pid: number;

function typed(fn: () => unknown, code: string): LlmOsError {
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(LlmOsError);
  expect((err as LlmOsError).code).toBe(code);
  expect(ERROR_TEXT[code]).toBeTruthy();
  return err as LlmOsError;
}

async function webllmCacheUrls(): Promise<string[]> {
  if (!(await indexedDB.databases()).some((d) => d.name === WEBLLM_DB.model)) return [];
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(WEBLLM_DB.model);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('urls')) { db.close(); resolve([]); return; }
      const req = db.transaction('urls').objectStore('urls').getAllKeys();
      req.onsuccess = () => { db.close(); resolve(req.result.map(String)); };
      req.onerror = () => { db.close(); reject(req.error); };
    };
  });
}

beforeAll(async () => {
  kernel = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(); clients.push(c); return c; },
    settings: memorySettingsStore(), budget: { ramMB: 64, vramMB: 2048, slots: 1 },
  });
  await kernel.ready;
  const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 512);
  kernel.registerModel({ id: 'tiny', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512 });
  pid = kernel.spawn({ name: 'app', appId: 'faults' }, { priority: 'normal' });
});
afterAll(() => kernel.shutdown());

const params = (extra = {}) => { const { prompt: _p, ...p } = greedy(extra); return p; };

describe('refused by the kernel', () => {
  faultCase('model file', 'a model over the memory budget (kernel)', 'ModelTooLargeError MODEL_TOO_LARGE at submit; nothing queued or loaded', async () => {
    kernel.registerModel({ id: 'huge', engine: 'wllama', source: { kind: 'gguf-url', id: 'huge', url: TINY_URL }, weightBytes: 500 * MB });
    kernel.registerModel({ id: 'huge-gpu', engine: 'webllm', source: { kind: 'mlc', id: 'huge-gpu' }, weightBytes: 4096 * MB });
    const running = kernel.submit({ pid, model: 'tiny', prompt: 'the model is', params: params({ maxTokens: 24 }) });
    const ram = typed(() => kernel.submit({ pid, model: 'huge', prompt: 'x', params: params() }), 'MODEL_TOO_LARGE');
    expect(ram).toBeInstanceOf(ModelTooLargeError);
    expect(ram.details).toMatchObject({ model: 'huge', resource: 'ram', availableMB: 64 });
    expect(ram.details.neededMB).toBeGreaterThan(500);
    const vram = typed(() => kernel.submit({ pid, model: 'huge-gpu', prompt: 'x', params: params() }), 'MODEL_TOO_LARGE');
    expect(vram.details).toMatchObject({ resource: 'vram', availableMB: 2048 });
    expect(kernel.jobs().map((j) => j.model)).toEqual(['tiny']);
    const r = await running.result;
    expect(r.usage.completionTokens).toBe(24);
    expect(kernel.models().map((m) => m.id)).toEqual(['tiny']);
  });

  faultCase('model file', 'an f16-only WebLLM model on SwiftShader (no shader-f16), through the kernel', 'DeviceUnsupportedError DEVICE_UNSUPPORTED; nothing fetched or cached; worker usable', async () => {
    const id = 'llmos-tiny-q4f16_1-MLC';
    const record = mlcFixtureRecord(location.origin, { model_id: id, required_features: ['shader-f16'] });
    kernel.registerModel({ id, engine: 'webllm', source: { kind: 'mlc', id, record }, weightBytes: 8 * MB });
    const cachedBefore = await webllmCacheUrls();
    const hitsBefore = (await fixtureHits('/fixtures/mlc/')).length;
    const job = kernel.submit({ pid, model: id, messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 4 } });
    const err = await job.result.then(() => null, (e: unknown) => e) as LlmOsError;
    expect(err).toBeInstanceOf(LlmOsError);
    expect(err.name).toBe('DeviceUnsupportedError');
    expect(err.code).toBe('DEVICE_UNSUPPORTED');
    expect(err.details).toMatchObject({ modelId: id, feature: 'shader-f16' });
    expect(ERROR_TEXT[err.code]).toBeTruthy();
    // The stream ends with the same error; the refusal came before any download.
    await expect((async () => { for await (const _t of job.tokens) { /* none */ } })()).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
    expect((await fixtureHits('/fixtures/mlc/')).length).toBe(hitsBefore);
    expect(await webllmCacheUrls()).toEqual(cachedBefore);
    expect(clients.every((c) => c.alive)).toBe(true);
    const ok = await kernel.submit({ pid, model: 'tiny', prompt: 'still', params: params({ maxTokens: 3 }) }).result;
    expect(ok.usage.completionTokens).toBe(3);
  });

  faultCase('request', 'kernel: unknown model, unknown process, exited process', 'MODEL_UNKNOWN / PROCESS_UNKNOWN thrown at submit; nothing queued', () => {
    typed(() => kernel.submit({ pid, model: 'no-such-model', prompt: 'x' }), 'MODEL_UNKNOWN');
    typed(() => kernel.submit({ pid: 9999, model: 'tiny', prompt: 'x' }), 'PROCESS_UNKNOWN');
    const gone = kernel.spawn({ name: 'gone' }, { priority: 'normal' });
    kernel.kill(gone);
    typed(() => kernel.submit({ pid: gone, model: 'tiny', prompt: 'x' }), 'PROCESS_UNKNOWN');
    typed(() => kernel.submit(null as never), 'INVALID_REQUEST');
    expect(kernel.jobs()).toEqual([]);
  });

  faultCase('request', 'kernel: bad job parameters (NaN, negative, huge, wrong types, bad keepAlive, bad priority)', 'InvalidRequestError INVALID_REQUEST (priority above quota: PERMISSION_DENIED); nothing queued', async () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ['NaN temperature', { params: params({ temperature: Number.NaN }) }, 'INVALID_REQUEST'],
      ['negative max tokens', { params: params({ maxTokens: -1 }) }, 'INVALID_REQUEST'],
      ['huge max tokens', { params: params({ maxTokens: 1e9 }) }, 'INVALID_REQUEST'],
      ['params not an object', { params: 'hot' }, 'INVALID_REQUEST'],
      ['messages not an array', { prompt: undefined, messages: 'hi' }, 'INVALID_REQUEST'],
      ['keepAlive NaN', { keepAliveMs: Number.NaN }, 'INVALID_REQUEST'],
      ['keepAlive below -1', { keepAliveMs: -5 }, 'INVALID_REQUEST'],
      ['unknown priority', { priority: 'urgent' }, 'INVALID_REQUEST'],
      ['priority above the quota', { priority: 'realtime' }, 'PERMISSION_DENIED'],
    ];
    const limited = kernel.spawn({ name: 'limited' }, { priority: 'normal', quota: { maxPriority: 'normal' } });
    for (const [name, patch, code] of bad) {
      const e = typed(() => kernel.submit({ pid: limited, model: 'tiny', prompt: 'x', ...patch } as never), code);
      expect(e.message, name).toBeTruthy();
    }
    expect(kernel.jobs()).toEqual([]);
    expect((await kernel.submit({ pid: limited, model: 'tiny', prompt: 'ok', params: params({ maxTokens: 2 }) }).result).usage.completionTokens).toBe(2);
  });
});
