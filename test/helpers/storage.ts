/** Test helpers for the model library: isolated databases, fixture-server hit counts, digests. */
import { deleteLlmOsDb, openLlmOsDb, type LlmOsDatabase } from '../../src/storage/db';
import { putModel } from '../../src/storage/model-records';
import type { ModelRecord } from '../../src/storage/schema';
import { readChunks } from '../../src/storage/weight-store';
import { sha256Hex, sha256OfBlobs } from '../../src/models/sha256';
import type { FixtureHit } from '../fixture-server';

/** A fresh database with a unique name; `dispose()` closes and deletes it. */
export async function freshDb(): Promise<{ db: LlmOsDatabase; name: string; dispose: () => Promise<void> }> {
  const name = `llmos-test-${crypto.randomUUID()}`;
  const db = await openLlmOsDb(name);
  return { db, name, dispose: async () => { db.close(); await deleteLlmOsDb(name); } };
}

/** Every fixture request since the last reset (optionally only those whose path+query contains `needle`). */
export async function fixtureHits(needle = ''): Promise<FixtureHit[]> {
  const all = (await (await fetch('/fixtures/__hits')).json()) as FixtureHit[];
  return all.filter((h) => (h.path + h.query).includes(needle));
}

/** SHA-256 (hex) of a URL's bytes, fetched plainly. */
export async function urlSha256(url: string): Promise<string> {
  return sha256Hex(await (await fetch(url, { cache: 'no-store' })).arrayBuffer());
}

/** SHA-256 (hex) of what the store holds for a model. */
export async function storedSha256(db: LlmOsDatabase, id: string): Promise<string> {
  return sha256OfBlobs((await readChunks(db, id)).map((c) => c.blob));
}

/** Put a `remote` record for a URL, ready for the downloader. */
export async function addRecord(db: LlmOsDatabase, id: string, url: string, chunkSize: number, extra: Partial<ModelRecord> = {}): Promise<ModelRecord> {
  const rec: ModelRecord = {
    id, name: id, engine: 'wllama', origin: 'url', url, sizeBytes: 0, chunkSize, storedBytes: 0, state: 'remote',
    createdAt: Date.now(), lastUsed: 0, ...extra,
  };
  await putModel(db, rec);
  return rec;
}

/** A unique token for fault switches that fire once per token. */
export const token = (): string => crypto.randomUUID().slice(0, 8);
