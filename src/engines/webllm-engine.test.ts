import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { WebLLMEngine, deleteCachedModel, hasCachedModel } from './webllm-engine';
import { WEBLLM_DB, cachedUrls } from './webllm-prefetch';
import { probeGpu } from './gpu-probe';
import type { LoadProgress, ModelSource } from '../protocol/engine';
import { EngineClient } from '../kernel/engine-client';
import type { Remote } from 'comlink';
import type { EngineHostApi } from '../protocol/engine-host-api';
import {
  AbortError, DeviceUnsupportedError, LlmOsError, WebLlmLibraryError, ModelNotLoadedError, NetworkError, UnknownModelError,
} from '../errors';
import {
  MLC_FILES, MLC_FIXTURE_MODEL_PATH, MLC_INVALID_LIB_PATH, MLC_MISSING_LIB_PATH, MLC_SHARD_BYTES, MLC_SHARD_NAMES, mlcFixtureRecord,
} from '../../test/fixtures/mlc-fixture';
import { hostAsEngine } from '../../test/helpers/engines';

const origin = location.origin;
const record = mlcFixtureRecord(origin);
const source: ModelSource = { kind: 'mlc', id: record.model_id, record };
const base = `${origin}${MLC_FIXTURE_MODEL_PATH}/resolve/main/`;
const missingLib = `${origin}${MLC_MISSING_LIB_PATH}`;
const SHARD_TOTAL = MLC_SHARD_BYTES.reduce((a, b) => a + b, 0);
/** An f16 model whose files do not exist: any request would end in a NetworkError, not a refusal. */
const absentF16 = mlcFixtureRecord(origin, { model_id: 'llmos-absent-q4f16_1-MLC', model: `${origin}/fixtures/mlc/llmos-absent-q4f16_1-MLC` });

/** URLs of model downloads (fixture files, Hugging Face, the library host) seen since the last clear. */
function downloads(): string[] {
  return performance.getEntriesByType('resource').map((e) => e.name)
    .filter((u) => u.includes('/fixtures/mlc/') || u.includes('huggingface.co') || u.includes('githubusercontent.com'));
}

async function expectRefusedBeforeDownload(engine: WebLLMEngine, src: ModelSource) {
  performance.clearResourceTimings();
  const err = await engine.load(src).catch((e: unknown) => e);
  // Give the browser a moment to record any request that was made.
  await new Promise((r) => setTimeout(r, 50));
  expect(downloads()).toEqual([]);
  return err as LlmOsError;
}

function expectMonotonic(events: LoadProgress[]) {
  for (let i = 1; i < events.length; i++) expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
}

beforeAll(async () => {
  performance.setResourceTimingBufferSize(100_000);
  // Preconditions of this rig: SwiftShader WebGPU, which has no shader-f16 (docs/architecture.md, "Measured on these machines").
  const gpu = await probeGpu();
  expect(gpu.available).toBe(true);
  expect(gpu.f16).toBe(false);
});

describe('WebLLMEngine refusals before any download (in-thread)', () => {
  test('an unknown model id is an UnknownModelError and nothing is fetched', async () => {
    const engine = new WebLLMEngine();
    const err = await expectRefusedBeforeDownload(engine, { kind: 'mlc', id: 'No-Such-Model-q4f32_1-MLC' });
    expect(err).toBeInstanceOf(UnknownModelError);
    expect(err.code).toBe('MODEL_UNKNOWN');
    expect(err.details.modelId).toBe('No-Such-Model-q4f32_1-MLC');
    expect(engine.capabilities().backend).toBe('none');
  });

  test('f16 models are refused on SwiftShader (no shader-f16), declared or only named q*f16*', async () => {
    const engine = new WebLLMEngine();
    // Prebuilt, declares nothing, but q4f16_1 needs shader-f16.
    const prebuilt = await expectRefusedBeforeDownload(engine, { kind: 'mlc', id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC' });
    expect(prebuilt).toBeInstanceOf(DeviceUnsupportedError);
    expect(prebuilt.code).toBe('DEVICE_UNSUPPORTED');
    expect(prebuilt.details).toMatchObject({ modelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', feature: 'shader-f16' });
    expect(prebuilt.message).toContain('shader-f16');
    // A custom record pointing at the real fixture, f32 by name but declaring the feature.
    const declared = await expectRefusedBeforeDownload(engine, {
      kind: 'mlc', id: 'llmos-declared-f16', record: mlcFixtureRecord(origin, { model_id: 'llmos-declared-f16', required_features: ['shader-f16'] }),
    });
    expect(declared).toBeInstanceOf(DeviceUnsupportedError);
    // Named q4f16_1, files absent: a download attempt would have failed with NetworkError instead.
    const named = await expectRefusedBeforeDownload(engine, { kind: 'mlc', id: absentF16.model_id, record: absentF16 });
    expect(named).toBeInstanceOf(DeviceUnsupportedError);
    expect(named.details.modelId).toBe(absentF16.model_id);
  });

  test('generate without a model is a typed error; a GGUF source is refused', async () => {
    const engine = new WebLLMEngine();
    const hosted = hostAsEngine(engine);
    await expect(engine.generate({ prompt: 'x' }, () => {})).rejects.toBeInstanceOf(ModelNotLoadedError);
    await expect(hosted.load({ kind: 'gguf-url', id: 'tiny', url: '/fixtures/tiny.gguf' })).rejects.toMatchObject({ code: 'MODEL_UNSUPPORTED' });
    expect(hosted.stats()).toMatchObject({ loaded: false, modelId: null, busy: false });
  });
});

describe('WebLLMEngine with the generated MLC directory (in-thread)', () => {
  beforeEach(async () => {
    await deleteCachedModel(record.model_id, record);
  });

  test('downloads into WebLLM\'s IndexedDB cache with progress, then fails naming the missing model library', async () => {
    expect(await hasCachedModel(record.model_id, record)).toBe(false);
    const engine = new WebLLMEngine();
    const events: LoadProgress[] = [];
    performance.clearResourceTimings();
    const err = (await engine.load(source, {}, (p) => events.push(p)).catch((e: unknown) => e)) as LlmOsError;

    expect(err).toBeInstanceOf(WebLlmLibraryError);
    expect(err.code).toBe('MODEL_LIBRARY_MISSING');
    expect(err.details).toMatchObject({ modelId: record.model_id, url: missingLib, status: 404, reason: 'missing' });
    expect(err.message).toContain(missingLib);
    expect(err.message).toContain(record.model_id);

    const dl = events.filter((e) => e.phase === 'download');
    expect(dl.length).toBeGreaterThan(MLC_SHARD_BYTES.length);
    expectMonotonic(events);
    expect(dl.at(-1)).toMatchObject({ loaded: SHARD_TOTAL, total: SHARD_TOTAL });
    expect(events.some((e) => e.phase === 'init')).toBe(false);

    // Every file is in WebLLM's own cache, keyed by URL, where web-llm looks for it.
    expect(await hasCachedModel(record.model_id, record)).toBe(true);
    const modelKeys = await cachedUrls(WEBLLM_DB.model);
    for (const f of ['tensor-cache.json', 'tokenizer.json', ...MLC_SHARD_NAMES]) expect(modelKeys).toContain(base + f);
    expect(await cachedUrls(WEBLLM_DB.config)).toContain(`${base}mlc-chat-config.json`);
    // Each file was requested once, nothing else but the library was asked for (its 404 is in the
    // details above; Chromium does not list a response whose body nobody read).
    const seen = downloads();
    for (const f of MLC_FILES) expect(seen.filter((u) => u === base + f)).toHaveLength(1);
    expect(seen.filter((u) => !u.startsWith(base) && u !== missingLib)).toEqual([]);
    expect(engine.capabilities().backend).toBe('none');
    expect(engine.loadedModel()).toBeNull();
  });

  test('a second load reads the weights from the cache; an invalid library is a typed error and is not kept', async () => {
    const engine = new WebLLMEngine();
    await engine.load(source).catch(() => undefined); // fills the cache
    const invalidLib = `${origin}${MLC_INVALID_LIB_PATH}`;
    const invalid = { ...record, model_lib: invalidLib };
    performance.clearResourceTimings();
    const events: LoadProgress[] = [];
    const err = (await engine.load({ kind: 'mlc', id: invalid.model_id, record: invalid }, {}, (p) => events.push(p)).catch((e: unknown) => e)) as LlmOsError;
    expect(err).toBeInstanceOf(WebLlmLibraryError);
    expect(err.details).toMatchObject({ modelId: invalid.model_id, url: invalidLib, reason: 'invalid' });
    expect(downloads()).toEqual([invalidLib]); // no weights fetched again
    expect(events.at(-1)).toMatchObject({ loaded: SHARD_TOTAL, total: SHARD_TOTAL });
    expect(await cachedUrls(WEBLLM_DB.wasm)).not.toContain(invalidLib);
  });

  test('deleteCachedModel removes every file; deleting an uncached model fetches nothing', async () => {
    const engine = new WebLLMEngine();
    await engine.load(source).catch(() => undefined);
    expect(await hasCachedModel(record.model_id, record)).toBe(true);
    await deleteCachedModel(record.model_id, record);
    expect(await hasCachedModel(record.model_id, record)).toBe(false);
    const left = [...(await cachedUrls(WEBLLM_DB.model)), ...(await cachedUrls(WEBLLM_DB.config))].filter((u) => u.startsWith(base));
    expect(left).toEqual([]);
    performance.clearResourceTimings();
    await deleteCachedModel(record.model_id, record);
    await deleteCachedModel('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(downloads()).toEqual([]);
    await expect(hasCachedModel('No-Such-Model')).rejects.toBeInstanceOf(UnknownModelError);
  });

  test('unload() during the download aborts the load with AbortError, and the engine loads again after', async () => {
    const engine = hostAsEngine(new WebLLMEngine());
    let unloading: Promise<void> | null = null;
    const err = await engine.load(source, {}, (p) => {
      if (p.phase === 'download' && p.loaded > 0 && !unloading) unloading = engine.unload();
    }).catch((e: unknown) => e);
    await unloading;
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ code: 'ABORTED', details: { modelId: record.model_id } });
    expect(await hasCachedModel(record.model_id, record)).toBe(false);
    expect(engine.stats()).toMatchObject({ busy: false, loaded: false });
    await expect(engine.load(source)).rejects.toBeInstanceOf(WebLlmLibraryError);
    expect(await hasCachedModel(record.model_id, record)).toBe(true);
  });

  test('a missing model directory is a NetworkError naming the URL and the model', async () => {
    const absent = mlcFixtureRecord(origin, { model_id: 'llmos-absent-q4f32_1-MLC', model: `${origin}/fixtures/mlc/llmos-absent-q4f32_1-MLC` });
    const err = (await new WebLLMEngine().load({ kind: 'mlc', id: absent.model_id, record: absent }).catch((e: unknown) => e)) as LlmOsError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.details).toMatchObject({ modelId: absent.model_id, url: `${absent.model}/resolve/main/tensor-cache.json`, status: 404 });
  });
});

describe('WebLLMEngine through a real engine worker', () => {
  test('refusals and the missing library arrive as the same typed errors; the cache is reachable', async () => {
    await deleteCachedModel(record.model_id, record);
    const client = await EngineClient.start();
    try {
      const unknown = await client.load('webllm', { kind: 'mlc', id: 'No-Such-Model-q4f32_1-MLC' }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UnknownModelError);
      expect(unknown).toMatchObject({ name: 'UnknownModelError', code: 'MODEL_UNKNOWN', details: { modelId: 'No-Such-Model-q4f32_1-MLC' } });

      const f16 = await client.load('webllm', { kind: 'mlc', id: absentF16.model_id, record: absentF16 }).catch((e: unknown) => e);
      expect(f16).toBeInstanceOf(DeviceUnsupportedError);
      expect(f16).toMatchObject({ code: 'DEVICE_UNSUPPORTED', details: { modelId: absentF16.model_id, feature: 'shader-f16' } });
      const prebuiltF16 = await client.load('webllm', { kind: 'mlc', id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' }).catch((e: unknown) => e);
      expect(prebuiltF16).toBeInstanceOf(DeviceUnsupportedError);
      // Nothing of either reached WebLLM's cache.
      expect((await cachedUrls(WEBLLM_DB.model)).filter((u) => u.includes('absent') || u.includes('Qwen2.5-0.5B'))).toEqual([]);

      const events: LoadProgress[] = [];
      const lib = await client.load('webllm', source, {}, (p) => events.push(p)).catch((e: unknown) => e);
      expect(lib).toBeInstanceOf(WebLlmLibraryError);
      expect(lib).toMatchObject({ code: 'MODEL_LIBRARY_MISSING', details: { modelId: record.model_id, url: missingLib, reason: 'missing' } });
      expect(events.filter((e) => e.phase === 'download').length).toBeGreaterThan(MLC_SHARD_BYTES.length);
      expectMonotonic(events);
      // The optional cache methods of the host (Comlink types an optional method as possibly absent).
      const remote = client.remote as unknown as Remote<Required<EngineHostApi>>;
      expect(await remote.hasCachedModel('webllm', source)).toBe(true);
      await remote.deleteCachedModel('webllm', source);
      expect(await hasCachedModel(record.model_id, record)).toBe(false);
      const caps = await client.capabilities();
      expect(caps).toMatchObject({ engine: 'webllm', backend: 'none', f16: false });
      expect(client.alive).toBe(true);
    } finally {
      client.terminate();
    }
  });
});
