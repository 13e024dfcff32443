import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { StorageQuotaError } from '../errors';
import { DB_VERSION, type LlmOsDatabase } from './db';
import { deleteConversation, getConversation, listConversations, putConversation } from './conversations';
import { deleteModel, getModel, listModels, putModel, touchModel } from './model-records';
import { ensureSpace, isQuotaError, rethrowQuota, storageInfo } from './quota';
import { allSettings, deleteSetting, getSetting, setSetting } from './settings';
import { deleteChunk, putChunk, readChunks, storedChunkIndexes } from './weight-store';
import type { ModelRecord } from './schema';
import { freshDb } from '../../test/helpers/storage';

let db: LlmOsDatabase;
let dispose: () => Promise<void>;
beforeEach(async () => ({ db, dispose } = await freshDb()));
afterEach(async () => dispose());

const rec = (id: string, lastUsed = 0): ModelRecord => ({
  id, name: id, engine: 'wllama', origin: 'url', url: `/x/${id}`, sizeBytes: 10, chunkSize: 4, storedBytes: 0, state: 'remote', createdAt: 1, lastUsed,
});

describe('llmos database', () => {
  test('version 1 creates every store and index', () => {
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['chunks', 'conversations', 'models', 'settings']);
    const tx = db.transaction(['models', 'chunks', 'conversations']);
    expect([...tx.objectStore('models').indexNames]).toEqual(['by-lastUsed']);
    expect([...tx.objectStore('chunks').indexNames]).toEqual(['by-model']);
    expect([...tx.objectStore('conversations').indexNames].sort()).toEqual(['by-app', 'by-updatedAt']);
  });

  test('chunks are kept per model in index order, with the record updated in the same transaction', async () => {
    await putModel(db, rec('a'));
    await putModel(db, rec('b'));
    for (const i of [2, 0, 1]) {
      await putChunk(db, { modelId: 'a', index: i, blob: new Blob([`a${i}`]), size: 2, sha256: 'x' }, { ...rec('a'), storedBytes: 2 * (i + 1) });
    }
    await putChunk(db, { modelId: 'b', index: 0, blob: new Blob(['b0']), size: 2, sha256: 'x' });
    expect(await storedChunkIndexes(db, 'a')).toEqual([0, 1, 2]);
    expect(await Promise.all((await readChunks(db, 'a')).map((c) => c.blob.text()))).toEqual(['a0', 'a1', 'a2']);
    expect((await getModel(db, "a"))?.storedBytes).toBe(4); // the last write (index 1) carried 4
    await deleteChunk(db, 'a', 1);
    expect(await storedChunkIndexes(db, 'a')).toEqual([0, 2]);
    await deleteModel(db, 'a');
    expect(await getModel(db, 'a')).toBeUndefined();
    expect(await readChunks(db, 'a')).toEqual([]);
    expect(await storedChunkIndexes(db, 'b')).toEqual([0]); // the other model is untouched
  });

  test('models list least recently used first; touch records a use', async () => {
    await putModel(db, rec('old', 5));
    await putModel(db, rec('new', 9));
    await putModel(db, rec('never', 0));
    expect((await listModels(db)).map((r) => r.id)).toEqual(['never', 'old', 'new']);
    await touchModel(db, 'old', 20);
    expect((await listModels(db)).map((r) => r.id)).toEqual(['never', 'new', 'old']);
  });

  test('conversations and settings round-trip', async () => {
    await putConversation(db, { id: 'c1', appId: 'chat', title: 'one', messages: [{ role: 'user', content: 'hi' }], createdAt: 1, updatedAt: 1 }, 10);
    await putConversation(db, { id: 'c2', appId: 'chat', title: 'two', messages: [], createdAt: 2, updatedAt: 2 }, 20);
    await putConversation(db, { id: 'c3', appId: 'other', title: 'x', messages: [], createdAt: 3, updatedAt: 3 }, 30);
    expect((await listConversations(db, 'chat')).map((c) => c.id)).toEqual(['c2', 'c1']);
    expect((await getConversation(db, 'c1'))?.messages[0]?.content).toBe('hi');
    await deleteConversation(db, 'c1');
    expect(await getConversation(db, 'c1')).toBeUndefined();
    expect(await getSetting(db, 'theme', 'light')).toBe('light');
    await setSetting(db, 'theme', 'dark');
    await setSetting(db, 'vram', { mb: 2048 });
    expect(await allSettings(db)).toEqual({ theme: 'dark', vram: { mb: 2048 } });
    await deleteSetting(db, 'theme');
    expect(await getSetting(db, 'theme', 'light')).toBe('light');
  });
});

describe('quota', () => {
  test('storage estimate and the space check', async () => {
    const info = await storageInfo();
    expect(info.quota).toBeGreaterThan(0);
    expect(info.available).toBe(Math.max(0, info.quota - info.usage));
    const estimate = async () => ({ usage: 900, quota: 1000 });
    await expect(ensureSpace(100, estimate)).resolves.toMatchObject({ available: 100 });
    const err = await ensureSpace(101, estimate, { id: 'm' }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.details).toMatchObject({ id: 'm', neededBytes: 101, availableBytes: 100 });
  });

  test('a browser QuotaExceededError becomes StorageQuotaError; other errors pass through', () => {
    const dom = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(dom)).toBe(true);
    expect(() => rethrowQuota(dom, { id: 'm' })).toThrow(StorageQuotaError);
    const other = new DOMException('gone', 'NotFoundError');
    expect(() => rethrowQuota(other)).toThrow(other);
  });
});
