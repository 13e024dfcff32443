/**
 * Vision projectors in the model library, against the real fixture server and real IndexedDB: a catalog
 * model with `mmproj` is downloaded, listed, resumed, deleted and evicted as one model of two files; local
 * imports take a projector; and what `source()` returns loads in a real engine worker that accepts images.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AbortError, GgufError, InvalidRequestError, UnknownModelError } from '../errors';
import { EngineClient } from '../kernel/engine-client';
import { deleteLlmOsDb } from '../storage/db';
import { readChunks } from '../storage/weight-store';
import { fullCatalog, type GgufCatalogData } from './catalog';
import type { DownloadProgress } from './download-progress';
import { ModelLibrary } from './model-library';
import { sha256OfBlobs } from './sha256';
import { storedSha256, token, urlSha256 } from '../../test/helpers/storage';
import { greedy, TINY_B_URL, TINY_URL } from '../../test/helpers/engines';
import { imageUrl, TINY_MMPROJ_URL } from '../../test/helpers/images';

const CS = 64 * 1024;
const ID = 'fixture-tiny-vision';
const PROJ = `${ID}#mmproj`;
const TINY_SIZE = 1_064_928;
const MMPROJ_SIZE = 183_456;
const TINY_ARCH = { blockCount: 4, headCount: 4, headCountKv: 2, embeddingLength: 64 };
let lib: ModelLibrary;
let dbName: string;
let TINY_SHA: string;
let MMPROJ_SHA: string;

function visionEntry(id: string, q = '', mmprojUrl = TINY_MMPROJ_URL): GgufCatalogData {
  return {
    id, name: id, url: `${TINY_URL}?t=${token()}${q}`, sizeBytes: TINY_SIZE, quantisation: 'F32', contextLength: 1024, arch: TINY_ARCH,
    license: 'test', mmproj: { url: `${mmprojUrl}?t=${token()}${q}`, sizeBytes: MMPROJ_SIZE },
  };
}
const openLib = (gguf: GgufCatalogData[]) => ModelLibrary.open({ dbName, chunkSize: CS, catalog: fullCatalog({ gguf, webllm: [] }) });
const fileOf = async (url: string, name: string) => new File([await (await fetch(url)).blob()], name);
const modelIds = async () => (await lib.db.getAllKeys('models')).map(String).sort();
const chunkOwners = async () => [...new Set((await lib.db.getAll('chunks')).map((c) => c.modelId))].sort();

beforeAll(async () => { [TINY_SHA, MMPROJ_SHA] = await Promise.all([urlSha256(TINY_URL), urlSha256(TINY_MMPROJ_URL)]); });
beforeEach(async () => {
  dbName = `llmos-test-${crypto.randomUUID()}`;
  lib = await openLib([visionEntry(ID)]);
});
afterEach(async () => {
  lib.close();
  await deleteLlmOsDb(dbName);
});

describe('ModelLibrary: a model with a vision projector', () => {
  test('download stores both files as their own chunked records; one row with the sizes summed; source() has both', async () => {
    const before = await lib.get(ID);
    expect(before).toMatchObject({ state: 'remote', inputs: ['text', 'image'], sizeBytes: TINY_SIZE + MMPROJ_SIZE });
    const events: DownloadProgress[] = [];
    const entry = await lib.download(ID, { onProgress: (p) => events.push(p) });
    expect(entry).toMatchObject({ id: ID, state: 'cached', sizeBytes: TINY_SIZE + MMPROJ_SIZE, storedBytes: TINY_SIZE + MMPROJ_SIZE, inputs: ['text', 'image'], downloading: false });
    expect(entry.memoryMB!).toBeGreaterThan(before!.memoryMB! - 0.2); // the header-based estimate, projector included
    // Progress is the pair's, under the model's id, ending at 100 % once both files are in.
    expect(events.every((p) => p.id === ID)).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'done', fraction: 1, total: TINY_SIZE + MMPROJ_SIZE });
    expect(events.filter((p) => p.phase === 'done')).toHaveLength(1);
    // Two records pointing at each other; each file's chunks under its own id.
    expect(await modelIds()).toEqual([ID, PROJ]);
    expect(await lib.db.get('models', ID)).toMatchObject({ projectorId: PROJ, state: 'cached', hyper: { architecture: 'llama' } });
    expect(await lib.db.get('models', PROJ)).toMatchObject({ role: 'projector', projectorOf: ID, state: 'cached', sizeBytes: MMPROJ_SIZE, hyper: { architecture: 'clip' } });
    expect((await readChunks(lib.db, PROJ)).length).toBe(Math.ceil(MMPROJ_SIZE / CS));
    expect(await storedSha256(lib.db, ID)).toBe(TINY_SHA);
    expect(await storedSha256(lib.db, PROJ)).toBe(MMPROJ_SHA);
    // One row per model: the projector is folded in.
    expect((await lib.list()).map((e) => e.id)).toEqual([ID]);
    expect(await lib.get(PROJ)).toBeUndefined();
    const source = await lib.source(ID);
    if (source.kind !== 'gguf-blobs') throw new Error('expected blobs');
    expect(source.id).toBe(ID);
    expect(await sha256OfBlobs(source.blobs)).toBe(TINY_SHA);
    expect(await sha256OfBlobs(source.projector!)).toBe(MMPROJ_SHA);
    await expect(lib.source(PROJ)).rejects.toBeInstanceOf(UnknownModelError);
  });

  test('delete removes both records and all their chunks; freeSpace evicts the pair together', async () => {
    await lib.download(ID);
    const text = await lib.importFile(await fileOf(TINY_B_URL, 'b.gguf'));
    await lib.markUsed(ID, 1000);
    await lib.markUsed(text.id, 2000);
    const freed = await lib.freeSpace(1.1); // the pair is 1.19 MB: evicting it alone is enough
    expect(freed.evicted).toEqual([ID]);
    expect(freed.freedMB).toBeGreaterThanOrEqual(1.1);
    expect(await modelIds()).toEqual([text.id]);
    expect(await chunkOwners()).toEqual([text.id]);
    await lib.download(ID);
    await lib.delete(ID);
    expect(await modelIds()).toEqual([text.id]);
    expect(await chunkOwners()).toEqual([text.id]);
    expect(await lib.get(ID)).toMatchObject({ state: 'remote', storedBytes: 0 });
  });

  test('cancel stops both downloads and keeps their chunks; a reload\'s resume finishes the pair through the model', async () => {
    lib.close();
    lib = await openLib([visionEntry(ID, '&delayMs=15')]);
    const running = lib.download(ID, {
      onProgress: (p) => { if (p.chunksDone >= 3) lib.cancel(ID); },
    });
    await expect(running).rejects.toBeInstanceOf(AbortError);
    const partial = (await lib.get(ID))!;
    expect(partial).toMatchObject({ state: 'partial', downloading: false });
    expect(partial.storedBytes).toBeGreaterThan(0);
    expect(partial.storedBytes).toBeLessThan(TINY_SIZE + MMPROJ_SIZE);
    // A reload leaves both `pending` (no code runs on the way out): simulate it on the stored records.
    for (const id of [ID, PROJ]) await lib.db.put('models', { ...(await lib.db.get('models', id))!, pending: true });
    const results = await lib.resumePending();
    expect(results).toHaveLength(1); // one download for the pair, not one per record
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { id: ID, state: 'cached' } });
    expect(await storedSha256(lib.db, ID)).toBe(TINY_SHA);
    expect(await storedSha256(lib.db, PROJ)).toBe(MMPROJ_SHA);
    expect((await lib.list()).map((e) => e.id)).toEqual([ID]);
  });

  test('resumePending drops a projector whose model is gone (no orphan rows)', async () => {
    await lib.download(ID);
    await lib.db.delete('models', ID); // as if an older version deleted only the model
    await lib.resumePending();
    expect(await modelIds()).toEqual([]);
    expect((await lib.list()).map((e) => e.id)).toEqual([ID]); // the catalog row again, nothing else
  });

  test('missing projector chunks: source() is the typed repair error, the row turns partial, download repairs it', async () => {
    await lib.download(ID);
    await lib.db.delete('chunks', [PROJ, 1]);
    const err = await lib.source(ID).catch((e) => e);
    expect(err).toBeInstanceOf(UnknownModelError);
    expect(err.details).toMatchObject({ id: ID, projectorId: PROJ });
    expect(err.message).toMatch(/missing chunks; download it again/);
    expect((await lib.get(ID))!.state).toBe('partial');
    await expect(lib.source(ID)).rejects.toBeInstanceOf(UnknownModelError);
    expect((await lib.download(ID)).state).toBe('cached');
    expect(await storedSha256(lib.db, PROJ)).toBe(MMPROJ_SHA);
    expect((await lib.source(ID)).kind).toBe('gguf-blobs');
  });

  test('a downloaded projector that is not a clip mmproj is a GgufError naming the model; none of its bytes are kept', async () => {
    lib.close();
    lib = await openLib([visionEntry('bad-vision', '', TINY_B_URL)]);
    const err = await lib.download('bad-vision').catch((e) => e);
    expect(err).toBeInstanceOf(GgufError);
    expect(err.details).toMatchObject({ id: 'bad-vision', projectorId: 'bad-vision#mmproj', architecture: 'llama' });
    expect(await readChunks(lib.db, 'bad-vision#mmproj')).toEqual([]);
    expect(await lib.db.get('models', 'bad-vision#mmproj')).toMatchObject({ state: 'remote', storedBytes: 0 });
    expect((await lib.get('bad-vision'))!.state).toBe('partial'); // the model's own file is fine; the pair is not
    await expect(lib.source('bad-vision')).rejects.toBeInstanceOf(UnknownModelError);
  });
});

describe('ModelLibrary: importing a projector', () => {
  test('importFile with a projector stores both; importFiles tells them apart by header', async () => {
    const model = await fileOf(TINY_URL, 'tiny.gguf');
    const mmproj = await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf');
    const loaded: number[] = [];
    const entry = await lib.importFile(model, { projector: mmproj, onProgress: (n) => loaded.push(n) });
    expect(entry).toMatchObject({ origin: 'import', state: 'cached', verified: true, inputs: ['text', 'image'], sizeBytes: TINY_SIZE + MMPROJ_SIZE });
    expect(loaded.at(-1)).toBe(TINY_SIZE + MMPROJ_SIZE);
    const source = await lib.source(entry.id);
    if (source.kind !== 'gguf-blobs') throw new Error('expected blobs');
    expect(await sha256OfBlobs(source.projector!)).toBe(MMPROJ_SHA);
    await lib.delete(entry.id);
    expect(await lib.db.count('chunks')).toBe(0);
    const again = await lib.importFiles([mmproj, model]); // either order
    expect(again).toMatchObject({ id: entry.id, inputs: ['text', 'image'], state: 'cached' });
    await expect(lib.importFiles([model, await fileOf(TINY_B_URL, 'b.gguf')])).rejects.toBeInstanceOf(InvalidRequestError);
  });

  test('a bad projector, or a projector imported as the model, is a typed error and stores nothing', async () => {
    const model = await fileOf(TINY_URL, 'tiny.gguf');
    const notClip = await lib.importFile(model, { projector: await fileOf(TINY_B_URL, 'tiny-b.gguf') }).catch((e) => e);
    expect(notClip).toBeInstanceOf(GgufError);
    expect(notClip.details).toMatchObject({ name: 'tiny-b.gguf', architecture: 'llama' });
    const asModel = await lib.importFile(await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf')).catch((e) => e);
    expect(asModel).toBeInstanceOf(GgufError);
    expect(asModel.message).toMatch(/vision projector/);
    const garbage = await lib.importFile(model, { projector: new File(['nope'], 'x.gguf') }).catch((e) => e);
    expect(garbage).toBeInstanceOf(GgufError);
    expect(await lib.db.count('models')).toBe(0);
    expect(await lib.db.count('chunks')).toBe(0);
  });

  test('attachProjector adds (and replaces) the projector of a stored model; a bad file changes nothing', async () => {
    const text = await lib.importFile(await fileOf(TINY_URL, 'tiny.gguf'));
    expect(text.inputs).toEqual(['text']);
    const bad = await lib.attachProjector(text.id, await fileOf(TINY_B_URL, 'tiny-b.gguf')).catch((e) => e);
    expect(bad).toBeInstanceOf(GgufError);
    expect(await modelIds()).toEqual([text.id]);
    expect(await chunkOwners()).toEqual([text.id]);
    const mmproj = await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf');
    const vision = await lib.attachProjector(text.id, mmproj);
    expect(vision).toMatchObject({ id: text.id, inputs: ['text', 'image'], state: 'cached', sizeBytes: TINY_SIZE + MMPROJ_SIZE });
    expect(vision.memoryMB!).toBeGreaterThan(text.memoryMB!);
    const replaced = await lib.attachProjector(text.id, mmproj);
    expect(replaced.storedBytes).toBe(TINY_SIZE + MMPROJ_SIZE);
    expect(await modelIds()).toEqual([text.id, `${text.id}#mmproj`]);
    await expect(lib.attachProjector('no-such-model', mmproj)).rejects.toBeInstanceOf(UnknownModelError);
    await expect(lib.attachProjector(`${text.id}#mmproj`, mmproj)).rejects.toBeInstanceOf(UnknownModelError);
    // Deleting the projector's own id detaches it: the model stays, text only.
    await lib.delete(`${text.id}#mmproj`);
    expect(await lib.get(text.id)).toMatchObject({ state: 'cached', inputs: ['text'], sizeBytes: TINY_SIZE });
    expect(await chunkOwners()).toEqual([text.id]);
  });

  test('a downloaded model with an attached projector repairs its own file without refetching the projector', async () => {
    lib.close();
    lib = await openLib([{ ...visionEntry('text'), mmproj: undefined }]);
    await lib.download('text');
    await lib.attachProjector('text', await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf'));
    await lib.db.delete('chunks', ['text', 2]);
    await expect(lib.source('text')).rejects.toMatchObject({ code: 'MODEL_UNKNOWN', details: { id: 'text' } });
    expect(await lib.download('text')).toMatchObject({ state: 'cached', inputs: ['text', 'image'] });
    const source = await lib.source('text');
    expect(source.kind === 'gguf-blobs' && (await sha256OfBlobs(source.projector!))).toBe(MMPROJ_SHA);
  });
});

describe('end to end', () => {
  test('addUrl with a projector URL: the pair downloads as one model; a stored URL model can gain a projector', async () => {
    performance.setResourceTimingBufferSize(100_000); // every fetch below is counted
    const added = await lib.addUrl(`${TINY_URL}?t=${token()}`, { projectorUrl: `${TINY_MMPROJ_URL}?t=${token()}` });
    expect(added).toMatchObject({ origin: 'url', state: 'remote', inputs: ['text', 'image'] });
    const done = await lib.download(added.id);
    expect(done).toMatchObject({ state: 'cached', storedBytes: TINY_SIZE + MMPROJ_SIZE, inputs: ['text', 'image'] });
    const source = await lib.source(added.id);
    expect(source.kind === 'gguf-blobs' && await sha256OfBlobs(source.projector!)).toBe(MMPROJ_SHA);

    // A text-only URL model, downloaded, then given a projector by adding its URL again.
    const plainUrl = `${TINY_URL}?t=${token()}`;
    const plain = await lib.download((await lib.addUrl(plainUrl)).id);
    expect(plain).toMatchObject({ state: 'cached', inputs: ['text'] });
    const upgraded = await lib.addUrl(plainUrl, { projectorUrl: `${TINY_MMPROJ_URL}?t=${token()}` });
    expect(upgraded).toMatchObject({ id: plain.id, state: 'partial', inputs: ['text', 'image'] });
    const token0 = new URL(plainUrl, location.href).search;
    const modelFetches = () => performance.getEntriesByType('resource').filter((e) => e.name.includes(token0)).length;
    const before = modelFetches();
    expect(before).toBeGreaterThan(0);
    expect(await lib.download(plain.id)).toMatchObject({ state: 'cached', storedBytes: TINY_SIZE + MMPROJ_SIZE });
    // The model file was not fetched again: only the projector was.
    expect(modelFetches()).toBe(before);
    expect(await chunkOwners()).toContain(`${plain.id}#mmproj`);

    await expect(lib.addUrl(`${TINY_URL}?t=${token()}`, { projectorUrl: 'ftp://example.com/mmproj.gguf' }))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'projectorUrl' } });
  });

  test('the stored pair loads in a real engine worker that reports image input and sees the image', async () => {
    await lib.download(ID);
    const client = await EngineClient.start();
    try {
      const info = await client.load('wllama', await lib.source(ID), { nThreads: 2, nCtx: 512 });
      expect(info.inputs).toEqual(['text', 'image']);
      expect(info.weightBytes).toBeGreaterThan(MMPROJ_SIZE);
      const ask = async (images?: string[]) => (await client.generate(greedy({
        prompt: undefined, maxTokens: 8, messages: [{ role: 'user', content: 'what is this', ...(images ? { images } : {}) }],
      }), () => {})).usage.promptTokens;
      const plain = await ask();
      expect((await ask([await imageUrl('#e11')])) - plain).toBeGreaterThanOrEqual(16); // 16 image tokens for the tiny projector
    } finally {
      client.terminate();
    }
  });
});
