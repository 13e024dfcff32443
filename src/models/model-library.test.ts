import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { GgufError, InvalidRequestError, StorageQuotaError, UnknownModelError } from '../errors';
import { EngineClient } from '../kernel/engine-client';
import { deleteLlmOsDb } from '../storage/db';
import { readChunks } from '../storage/weight-store';
import { fullCatalog, type CatalogEntry, type GgufCatalogData } from './catalog';
import { ModelLibrary } from './model-library';
import { webllmBaseUrl } from './webllm-cache-reader';
import type { WebLLMCatalogEntry } from './webllm-catalog';
import { fixtureHits, storedSha256, token, urlSha256 } from '../../test/helpers/storage';
import { greedy, TINY_B_URL, TINY_URL } from '../../test/helpers/engines';

const CS = 128 * 1024;
const TINY_ARCH = { blockCount: 4, headCount: 4, headCountKv: 2, embeddingLength: 64 };
let lib: ModelLibrary;
let dbName: string;
let TINY_SHA: string;

function tinyEntry(id: string, url: string, extra: Partial<GgufCatalogData> = {}): GgufCatalogData {
  return { id, name: id, url, quantisation: 'F32', contextLength: 1024, arch: TINY_ARCH, license: 'test', ...extra };
}

async function openLib(gguf: GgufCatalogData[], webllm: WebLLMCatalogEntry[] = []): Promise<ModelLibrary> {
  const catalog: CatalogEntry[] = fullCatalog({ gguf, webllm });
  return ModelLibrary.open({ dbName, chunkSize: CS, catalog });
}

beforeAll(async () => { TINY_SHA = await urlSha256(TINY_URL); });
beforeEach(async () => {
  dbName = `llmos-test-${crypto.randomUUID()}`;
  lib = await openLib([tinyEntry('fixture-tiny', `${TINY_URL}?t=${token()}`)]);
});
afterEach(async () => {
  lib.close();
  await deleteLlmOsDb(dbName);
});

const fileOf = async (url: string, name: string) => new File([await (await fetch(url)).blob()], name);

describe('ModelLibrary', () => {
  test('lists catalog models as remote, then cached after a download, with size, quantisation and memory', async () => {
    const before = await lib.get('fixture-tiny');
    expect(before).toMatchObject({ engine: 'wllama', origin: 'catalog', state: 'remote', quantisation: 'F32', lastUsed: null });
    expect(before!.memoryMB).toBeGreaterThan(1);
    let changes = 0;
    lib.addEventListener('change', () => changes++);
    const after = await lib.download('fixture-tiny');
    expect(after).toMatchObject({ state: 'cached', quantisation: 'F32', storedBytes: after.sizeBytes });
    expect(after.memoryMB).toBeGreaterThan(1);
    expect(changes).toBeGreaterThan(0);
    expect((await lib.list()).filter((e) => e.id === 'fixture-tiny')).toHaveLength(1);
    expect(await storedSha256(lib.db, 'fixture-tiny')).toBe(TINY_SHA);
  });

  test('a cached model loads into a real engine worker with zero network requests', async () => {
    await lib.download('fixture-tiny');
    const client = await EngineClient.start();
    try {
      const fromUrl = await client.load('wllama', { kind: 'gguf-url', id: 'url', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      const expected = (await client.generate(greedy(), () => {})).text;
      expect(fromUrl.id).toBe('url');
      await fetch('/fixtures/__hits?reset=1');
      performance.clearResourceTimings();
      const source = await lib.source('fixture-tiny');
      expect(source.kind).toBe('gguf-blobs');
      const info = await client.load('wllama', source, { nThreads: 2, nCtx: 512 });
      expect(info.id).toBe('fixture-tiny');
      const got = await client.generate(greedy(), () => {});
      expect(got.text).toBe(expected); // the same bytes as the file served over HTTP
      expect(await fixtureHits('.gguf')).toEqual([]);
      expect(performance.getEntriesByType('resource').filter((e) => e.name.includes('/fixtures/') && !e.name.includes('__hits'))).toEqual([]);
      expect((await lib.get('fixture-tiny'))!.lastUsed).toBeGreaterThan(0);
    } finally {
      client.terminate();
    }
  });

  test('imports a local .gguf with header validation; a non-GGUF or truncated file is a typed error and stores nothing', async () => {
    const entry = await lib.importFile(await fileOf(TINY_URL, 'my-tiny.gguf'));
    expect(entry).toMatchObject({ origin: 'import', state: 'cached', verified: true, quantisation: 'F32', name: 'llmos-tiny-test' });
    expect(await storedSha256(lib.db, entry.id)).toBe(TINY_SHA);
    const html = new File(['<html>not a model</html>'], 'page.gguf');
    const err = await lib.importFile(html).catch((e) => e);
    expect(err).toBeInstanceOf(GgufError);
    expect(err.code).toBe('GGUF_INVALID');
    const full = await fileOf(TINY_URL, 'cut.gguf');
    await expect(lib.importFile(new File([full.slice(0, 400_000)], 'cut.gguf'))).rejects.toBeInstanceOf(GgufError);
    const imports = (await lib.list()).filter((e) => e.origin === 'import');
    expect(imports.map((e) => e.id)).toEqual([entry.id]);
    expect((await lib.db.getAll('chunks')).every((c) => c.modelId === entry.id)).toBe(true);
  });

  test('an import that does not fit is refused before anything is written', async () => {
    lib.close();
    lib = await ModelLibrary.open({ dbName, chunkSize: CS, catalog: [], estimate: async () => ({ usage: 0, quota: 1000 }) });
    const err = await lib.importFile(await fileOf(TINY_URL, 'a.gguf')).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(await lib.db.count('chunks')).toBe(0);
  });

  test('delete removes the bytes; freeSpace evicts the least recently used first', async () => {
    const a = await lib.importFile(await fileOf(TINY_URL, 'a.gguf'));
    const b = await lib.importFile(await fileOf(TINY_B_URL, 'b.gguf'));
    await lib.markUsed(a.id, 1000);
    await lib.markUsed(b.id, 2000);
    await expect(lib.freeSpace(100)).rejects.toBeInstanceOf(StorageQuotaError); // 2 MB cannot free 100 MB: nothing deleted
    expect((await lib.list()).filter((e) => e.state === 'cached')).toHaveLength(2);
    const freed = await lib.freeSpace(0.5);
    expect(freed.evicted).toEqual([a.id]);
    expect(freed.freedMB).toBeGreaterThanOrEqual(0.5);
    expect(await lib.get(a.id)).toBeUndefined();
    await expect(lib.source(a.id)).rejects.toBeInstanceOf(UnknownModelError);
    expect(await readChunks(lib.db, a.id)).toEqual([]);
    await lib.delete(b.id);
    expect(await lib.db.count('chunks')).toBe(0);
  });

  test('any GGUF URL can be added, downloaded and loaded; bad URLs are refused', async () => {
    const t = token();
    const added = await lib.addUrl(`${TINY_B_URL}?t=${t}`);
    expect(added).toMatchObject({ origin: 'url', state: 'remote', name: 'tiny-b' });
    expect(await lib.addUrl(`${TINY_B_URL}?t=${t}`)).toMatchObject({ id: added.id }); // same URL, same entry
    const progress: number[] = [];
    const done = await lib.download(added.id, { onProgress: (p) => progress.push(p.fraction) });
    expect(done.state).toBe('cached');
    expect(progress.at(-1)).toBe(1);
    expect((await lib.source(added.id)).kind).toBe('gguf-blobs');
    await expect(lib.addUrl('ftp://example.com/x.gguf')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(lib.addUrl('/x.gguf', { sha256: 'abc' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(lib.download('no-such-model')).rejects.toBeInstanceOf(UnknownModelError);
  });

  test('a download a reload interrupted is resumed by resumePending', async () => {
    const t = token();
    const added = await lib.addUrl(`${TINY_URL}?delayMs=20&t=${t}`);
    const ctrl = new AbortController();
    await lib.download(added.id, { signal: ctrl.signal, onProgress: (p) => { if (p.chunksDone >= 2) ctrl.abort(); } }).catch(() => undefined);
    // A reload leaves `pending` set (no code runs on the way out); simulate it on the stored record.
    const rec = (await lib.db.get('models', added.id))!;
    await lib.db.put('models', { ...rec, pending: true });
    const [result] = await lib.resumePending();
    expect(result).toMatchObject({ status: 'fulfilled', value: { state: 'cached' } });
    expect(await storedSha256(lib.db, added.id)).toBe(TINY_SHA);
  });

  test('storage usage and quota come from the browser', async () => {
    const info = await lib.storage();
    expect(info.quota).toBeGreaterThan(info.usage);
    expect(typeof (await lib.persist())).toBe('boolean');
  });
});

describe('WebLLM models in the same list', () => {
  const base = `${location.origin}/fake-mlc/${crypto.randomUUID()}/`;
  const record: WebLLMCatalogEntry = {
    model_id: 'Fake-0.1B-q4f32_1-MLC', model: base, model_lib: `${base}lib.wasm`, vram_required_MB: 300,
    low_resource_required: true, required_features: [], context_window_size: 2048, model_type: 0,
  };
  const open = (scope: string) => openDB(scope, 1, { upgrade: (db) => { if (!db.objectStoreNames.contains('urls')) db.createObjectStore('urls', { keyPath: 'url' }); } });
  const url = (f: string) => new URL(f, webllmBaseUrl(record.model)).href;

  test('detected in web-llm\'s IndexedDB cache (partial, cached) and deleted through the library', async () => {
    const createdHere: string[] = [];
    const existing = new Set((await indexedDB.databases()).map((d) => d.name));
    for (const s of ['webllm/model', 'webllm/config', 'webllm/wasm']) if (!existing.has(s)) createdHere.push(s);
    try {
      lib.close();
      lib = await openLib([], [record]);
      expect(await lib.get(record.model_id)).toMatchObject({ engine: 'webllm', state: 'remote', quantisation: 'q4f32_1', memoryMB: 300 });
      const model = await open('webllm/model');
      await model.put('urls', { url: url('tensor-cache.json'), data: { records: [{ dataPath: 'params_shard_0.bin', nbytes: 1000 }, { dataPath: 'params_shard_1.bin', nbytes: 500 }] } });
      await model.put('urls', { url: url('params_shard_0.bin'), data: new ArrayBuffer(1000) });
      expect(await lib.get(record.model_id)).toMatchObject({ state: 'partial', sizeBytes: 1500, storedBytes: 1000 });
      await model.put('urls', { url: url('params_shard_1.bin'), data: new ArrayBuffer(500) });
      await model.put('urls', { url: url('tokenizer.json'), data: new ArrayBuffer(10) });
      model.close();
      const config = await open('webllm/config');
      await config.put('urls', { url: url('mlc-chat-config.json'), data: new ArrayBuffer(10) });
      config.close();
      const wasm = await open('webllm/wasm');
      await wasm.put('urls', { url: record.model_lib, data: new ArrayBuffer(10) });
      wasm.close();
      expect(await lib.get(record.model_id)).toMatchObject({ state: 'cached', sizeBytes: 1500 });
      await expect(lib.download(record.model_id)).rejects.toBeInstanceOf(InvalidRequestError);
      await lib.delete(record.model_id);
      expect(await lib.get(record.model_id)).toMatchObject({ state: 'remote' });
      for (const s of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
        const db = await open(s);
        const left = (await db.getAllKeys('urls')).map(String).filter((k) => k.startsWith(base) || k === record.model_lib);
        db.close();
        expect(left, s).toEqual([]);
      }
    } finally {
      for (const s of createdHere) await deleteDB(s);
    }
  });
});
