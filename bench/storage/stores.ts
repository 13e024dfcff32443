/**
 * The three browser stores measured side by side, behind one small interface: write a file in 16 MiB
 * pieces, read it back, and hand it to an engine as Blobs. IndexedDB goes through the model library's
 * own weight store; the Cache API and OPFS hold the same bytes for comparison.
 */
import type { LlmOsDatabase } from '../../src/storage/db';
import { putChunk, readChunks } from '../../src/storage/weight-store';

export interface BenchStore {
  name: string;
  write(bytes: Uint8Array<ArrayBuffer>, chunkSize: number): Promise<void>;
  /** The stored file as Blobs (what an engine load receives). */
  blobs(): Promise<Blob[]>;
  clear(): Promise<void>;
}

/** The model library's store: chunk Blobs keyed [modelId, index]. */
export function idbStore(db: LlmOsDatabase, id: string): BenchStore {
  return {
    name: 'indexeddb',
    async write(bytes, chunkSize) {
      for (let i = 0, off = 0; off < bytes.length; i++, off += chunkSize) {
        const part = bytes.subarray(off, off + chunkSize);
        await putChunk(db, { modelId: id, index: i, blob: new Blob([part]), size: part.length, sha256: '' });
      }
    },
    async blobs() { return (await readChunks(db, id)).map((c) => c.blob); },
    async clear() { await db.delete('chunks', IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])); },
  };
}

/**
 * One Response per 16 MiB piece in a Cache, as web-llm's default backend stores weight shards (a single
 * ≈400 MB entry fails in Chromium's `Cache.put` with "Unexpected internal error").
 */
export function cacheStore(name: string): BenchStore {
  const key = (i: number) => `/bench-cache/${name}/${i}`;
  let pieces = 0;
  return {
    name: 'cache-api',
    async write(bytes, chunkSize) {
      const cache = await caches.open('llmos-bench');
      pieces = 0;
      for (let off = 0; off < bytes.length; off += chunkSize) await cache.put(key(pieces++), new Response(new Blob([bytes.subarray(off, off + chunkSize)])));
    },
    async blobs() {
      const cache = await caches.open('llmos-bench');
      const out: Blob[] = [];
      for (let i = 0; i < pieces; i++) out.push(await (await cache.match(key(i)))!.blob());
      return out;
    },
    async clear() { await caches.delete('llmos-bench'); },
  };
}

/** One file in the origin private file system, written with a writable stream in pieces. */
export function opfsStore(name: string): BenchStore {
  const file = async () => (await navigator.storage.getDirectory()).getFileHandle(name, { create: true });
  return {
    name: 'opfs',
    async write(bytes, chunkSize) {
      const w = await (await file()).createWritable();
      for (let off = 0; off < bytes.length; off += chunkSize) await w.write(bytes.subarray(off, off + chunkSize));
      await w.close();
    },
    async blobs() { return [await (await file()).getFile()]; },
    async clear() { await (await navigator.storage.getDirectory()).removeEntry(name).catch(() => undefined); },
  };
}
