/**
 * Bad model files through the model library (import and download into IndexedDB): each is a typed error
 * with a code and UI words, and storage is left exactly as it was — every record and every chunk (by
 * its SHA-256) of the models and conversations stored before, compared before and after — or, for a
 * download, the bad model's own record back to `remote` with no chunk kept.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ERROR_TEXT, LlmOsError } from '../../src/errors';
import { ModelLibrary } from '../../src/models/model-library';
import { putConversation } from '../../src/storage/conversations';
import { deleteLlmOsDb } from '../../src/storage/db';
import { TINY_URL } from '../helpers/engines';
import { storedSha256, token, urlSha256 } from '../helpers/storage';
import { faultCase } from './reliability';

const CS = 64 * 1024;
const dbName = `stored-inputs-${crypto.randomUUID().slice(0, 8)}`;
let lib: ModelLibrary;
let tiny: Uint8Array;
let goodId: string;
let TINY_SHA: string;

/** Everything stored, blobs by digest: what "nothing corrupted" compares. */
async function snapshot(): Promise<string> {
  const db = lib.db;
  const models = await db.getAll('models');
  const chunks = (await db.getAll('chunks')).map((c) => [c.modelId, c.index, c.size, c.sha256]);
  const conversations = await db.getAll('conversations');
  return JSON.stringify({ models, chunks, conversations });
}

async function typed(p: Promise<unknown>, code: string): Promise<LlmOsError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LlmOsError);
  expect((err as LlmOsError).code).toBe(code);
  expect(ERROR_TEXT[code]).toBeTruthy();
  return err as LlmOsError;
}

const file = (bytes: BlobPart[], name: string) => new File(bytes, name);
const patched = (edit: (v: DataView) => void) => { const c = tiny.slice(); edit(new DataView(c.buffer)); return c; };

beforeAll(async () => {
  tiny = new Uint8Array(await (await fetch(TINY_URL)).arrayBuffer());
  TINY_SHA = await urlSha256(TINY_URL);
  lib = await ModelLibrary.open({ dbName, chunkSize: CS, catalog: [], retries: 0 });
  goodId = (await lib.importFile(file([tiny as BlobPart], 'good.gguf'))).id;
  await putConversation(lib.db, { id: 'c1', appId: 'chat', title: 'kept', messages: [{ role: 'user', content: 'keep me' }], createdAt: 1, updatedAt: 1 });
});
afterAll(async () => {
  lib.close();
  await deleteLlmOsDb(dbName);
});

describe('bad files leave storage as it was', () => {
  const imports: [string, () => BlobPart[], string][] = [
    ['import: a truncated GGUF', () => [tiny.slice(0, 300_000) as BlobPart], 'GGUF_INVALID'],
    ['import: a non-model file (HTML)', () => ['<!doctype html><title>not a model</title>'], 'GGUF_INVALID'],
    ['import: an empty file', () => [], 'GGUF_INVALID'],
    ['import: wrong magic bytes', () => [patched((v) => v.setUint32(0, 0x46554746, true)) as BlobPart], 'GGUF_INVALID'],
    ['import: a header claiming 10^12 tensors', () => [patched((v) => v.setBigUint64(8, 10n ** 12n, true)) as BlobPart], 'GGUF_INVALID'],
    ['import: an unsupported GGUF version', () => [patched((v) => v.setUint32(4, 42, true)) as BlobPart], 'MODEL_UNSUPPORTED'],
  ];
  for (const [name, bytes, code] of imports) {
    faultCase('model file', name, `${code}; every stored record and chunk unchanged`, async () => {
      const before = await snapshot();
      await typed(lib.importFile(file(bytes(), 'bad.gguf')), code);
      expect(await snapshot()).toBe(before);
    });
  }

  faultCase('model file', 'download: a URL that serves a non-model file', 'GGUF_INVALID; its record back to remote, no chunk kept; the rest unchanged', async () => {
    type Snap = { models: { id: string; state: string; storedBytes: number }[]; chunks: unknown[]; conversations: unknown[] };
    const before = JSON.parse(await snapshot()) as Snap;
    const entry = await lib.addUrl(`/fixtures/tiny.gguf?status=200&t=${token()}`);
    await typed(lib.download(entry.id), 'GGUF_INVALID');
    const after = JSON.parse(await snapshot()) as Snap;
    expect(after.models.find((m) => m.id === entry.id)).toMatchObject({ state: 'remote', storedBytes: 0 });
    expect(after.models.filter((m) => m.id !== entry.id)).toEqual(before.models);
    expect(after.chunks).toEqual(before.chunks);
    expect(after.conversations).toEqual(before.conversations);
  });

  faultCase('model file', 'download: bytes that never match the expected SHA-256', 'INTEGRITY; never marked cached; the rest unchanged', async () => {
    type Snap = { models: { id: string; state: string; verified?: boolean }[]; chunks: [string][]; conversations: unknown[] };
    const before = JSON.parse(await snapshot()) as Snap;
    const entry = await lib.addUrl(`/fixtures/tiny.gguf?corruptAt=500000&t=${token()}`, { sha256: TINY_SHA });
    await typed(lib.download(entry.id), 'INTEGRITY');
    const after = JSON.parse(await snapshot()) as Snap;
    const rec = after.models.find((m) => m.id === entry.id)!;
    expect(rec.state).not.toBe('cached');
    expect(rec.verified).not.toBe(true);
    expect(after.models.filter((m) => m.id !== entry.id)).toEqual(before.models);
    expect(after.chunks.filter((c) => c[0] !== entry.id)).toEqual(before.chunks);
    expect(await storedSha256(lib.db, goodId)).toBe(TINY_SHA);
  });

  const endless: [string, string, string, () => number][] = [
    ['download: a body that never ends, past the size its GGUF header implies', 'endless=1&norange=1', 'gguf-header', () => tiny.length],
    ['download: a lying Content-Length (300 000 bytes declared, the file and more sent)', 'endless=1&norange=1&declare=300000', 'content-length', () => 300_000],
  ];
  for (const [name, query, source, declared] of endless) {
    faultCase('model file', name, `DOWNLOAD_TOO_LARGE (${source}) once the body passes the declared size + 64 KiB; its record back to remote, no chunk kept; the rest unchanged`, async () => {
      type Snap = { models: { id: string; state: string; storedBytes: number }[]; chunks: [string][]; conversations: unknown[] };
      const before = JSON.parse(await snapshot()) as Snap;
      const entry = await lib.addUrl(`/fixtures/tiny.gguf?${query}&t=${token()}`);
      const err = await typed(lib.download(entry.id), 'DOWNLOAD_TOO_LARGE');
      expect(err.details).toMatchObject({ source, declaredBytes: declared() });
      expect(err.details['receivedBytes']).toBeLessThan(declared() + 8 * 1024 * 1024);
      const after = JSON.parse(await snapshot()) as Snap;
      expect(after.models.find((m) => m.id === entry.id)).toMatchObject({ state: 'remote', storedBytes: 0, pending: false });
      expect(after.chunks.filter((c) => c[0] === entry.id)).toEqual([]);
      expect(after.models.filter((m) => m.id !== entry.id)).toEqual(before.models);
      expect(after.chunks).toEqual(before.chunks);
      expect(after.conversations).toEqual(before.conversations);
      expect(await storedSha256(lib.db, goodId)).toBe(TINY_SHA);
    });
  }
});
