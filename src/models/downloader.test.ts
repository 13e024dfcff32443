import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AbortError, DownloadTooLargeError, GgufError, IntegrityError, NetworkError, StorageQuotaError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { getModel } from '../storage/model-records';
import { readChunks } from '../storage/weight-store';
import { ModelDownloader } from './downloader';
import type { DownloadProgress, DownloadWarning } from './download-progress';
import { SIZE_SLACK_BYTES, storedGgufEnd } from './download-limit';
import { readGgufHeader } from './gguf-header';
import { fetchManifest } from './integrity';
import { sha256Hex } from './sha256';
import { addRecord, fixtureHits, freshDb, storedSha256, token, urlSha256 } from '../../test/helpers/storage';
import { TINY_URL } from '../../test/helpers/engines';

const CS = 64 * 1024;
let db: LlmOsDatabase;
let dispose: () => Promise<void>;
let TINY_SHA: string;
let TINY_SIZE: number;

beforeAll(async () => {
  TINY_SHA = await urlSha256(TINY_URL);
  TINY_SIZE = (await (await fetch(TINY_URL)).arrayBuffer()).byteLength;
});
beforeEach(async () => ({ db, dispose } = await freshDb()));
afterEach(async () => dispose());

function recorder() {
  const progress: DownloadProgress[] = [];
  const warnings: DownloadWarning[] = [];
  return { progress, warnings, onProgress: (p: DownloadProgress) => progress.push(p), onWarning: (w: DownloadWarning) => warnings.push(w) };
}

describe('ModelDownloader', () => {
  test('streams into verified chunks with progress events (bytes, %, rate, ETA)', async () => {
    const t = token();
    await addRecord(db, 'm', `${TINY_URL}?delayMs=8&t=${t}`, CS);
    const r = recorder();
    const rec = await new ModelDownloader(db, { progressIntervalMs: 0 }).download('m', r);
    expect(rec.state).toBe('cached');
    expect(rec.sizeBytes).toBe(TINY_SIZE);
    expect(rec.storedBytes).toBe(TINY_SIZE);
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
    const chunks = await readChunks(db, 'm');
    expect(chunks.map((c) => c.index)).toEqual([...Array(Math.ceil(TINY_SIZE / CS)).keys()]);
    for (const c of chunks) expect(await sha256Hex(await c.blob.arrayBuffer())).toBe(c.sha256);
    const phases = r.progress.map((p) => p.phase);
    expect(phases[0]).toBe('queued');
    expect(phases.at(-1)).toBe('done');
    const loaded = r.progress.map((p) => p.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b)); // monotonic
    const mid = r.progress.filter((p) => p.phase === 'downloading' && p.fraction > 0.2 && p.fraction < 0.9);
    expect(mid.length).toBeGreaterThan(3);
    expect(mid.every((p) => p.bytesPerSec > 0 && p.etaSec !== null && p.etaSec >= 0)).toBe(true);
    expect(r.progress.at(-1)).toMatchObject({ fraction: 1, loaded: TINY_SIZE, total: TINY_SIZE, chunksDone: chunks.length, chunksTotal: chunks.length });
    expect(r.warnings).toEqual([]);
    expect((await getModel(db, 'm'))?.pending).toBe(false);
  });

  test('abort mid-download, then resume with Range: the final bytes are identical', async () => {
    const t = token();
    const url = `${TINY_URL}?delayMs=25&t=${t}`;
    await addRecord(db, 'm', url, CS);
    const dl = new ModelDownloader(db);
    const ctrl = new AbortController();
    const first = dl.download('m', { signal: ctrl.signal, onProgress: (p) => { if (p.chunksDone >= 5) ctrl.abort(); } });
    await expect(first).rejects.toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 50)); // let the job settle its record
    const partial = await getModel(db, 'm');
    expect(partial?.state).toBe('partial');
    expect(partial!.storedBytes).toBeGreaterThanOrEqual(5 * CS);
    expect(partial!.storedBytes).toBeLessThan(TINY_SIZE);
    const r = recorder();
    const rec = await dl.download('m', r);
    expect(rec.state).toBe('cached');
    expect(r.progress.find((p) => p.phase === 'downloading')!.resumedFrom).toBe(partial!.storedBytes);
    const ranges = (await fixtureHits(t)).map((h) => h.range);
    expect(ranges[0]).toBe('bytes=0-');
    expect(ranges.at(-1)).toBe(`bytes=${partial!.storedBytes}-${TINY_SIZE - 1}`);
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
  });

  test('a dropped connection fails typed without retries, and resumes from the last complete chunk with them', async () => {
    const t = token();
    await addRecord(db, 'm', `${TINY_URL}?dropAfter=200000&t=${t}`, CS);
    const err = await new ModelDownloader(db, { retries: 0 }).download('m').catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((await getModel(db, 'm'))!.storedBytes).toBe(3 * CS); // 200 000 bytes = 3 whole chunks; the rest is dropped
    const r = recorder();
    const rec = await new ModelDownloader(db, { retries: 2, retryDelayMs: 5 }).download('m', r);
    expect(rec.state).toBe('cached');
    expect(r.warnings.some((w) => w.code === 'RETRY')).toBe(true);
    const starts = (await fixtureHits(t)).map((h) => Number(/bytes=(\d+)-/.exec(h.range ?? '')?.[1]));
    expect(starts.slice(0, 3)).toEqual([0, 3 * CS, 6 * CS]);
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
  });

  test('a server that ignores Range: restart from byte 0 with a warning, nothing counted twice', async () => {
    const t = token();
    await addRecord(db, 'm', `${TINY_URL}?norange=1&delayMs=20&t=${t}`, CS);
    const dl = new ModelDownloader(db);
    const ctrl = new AbortController();
    await expect(dl.download('m', { signal: ctrl.signal, onProgress: (p) => { if (p.chunksDone >= 3) ctrl.abort(); } })).rejects.toBeInstanceOf(AbortError);
    const r = recorder();
    const rec = await dl.download('m', r);
    expect(r.warnings.map((w) => w.code)).toEqual(['RANGE_IGNORED']);
    expect(rec.storedBytes).toBe(TINY_SIZE);
    expect((await readChunks(db, 'm')).length).toBe(Math.ceil(TINY_SIZE / CS));
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
  });

  test('a corrupted chunk is caught by the server digest and only that chunk is fetched again', async () => {
    const t = token();
    const at = 300_000;
    await addRecord(db, 'm', `${TINY_URL}?digest=1&corruptAt=${at}&token=${t}`, CS);
    const r = recorder();
    const rec = await new ModelDownloader(db).download('m', r);
    expect(rec.sha256).toBe(TINY_SHA); // learnt from Repr-Digest
    expect(rec.verified).toBe(true);
    const corrupt = r.warnings.find((w) => w.code === 'FILE_CORRUPT');
    expect(corrupt?.details.replaced).toEqual([Math.floor(at / CS)]);
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
  });

  test('with a per-chunk manifest a corrupted chunk is rejected on arrival and refetched alone', async () => {
    const t = token();
    const at = 300_000;
    const manifest = await fetchManifest(`${TINY_URL}.sha256.json?chunkSize=${CS}`);
    expect(manifest.sha256).toBe(TINY_SHA);
    await addRecord(db, 'm', `${TINY_URL}?corruptAt=${at}&token=${t}`, CS, { ...manifest, chunkSize: manifest.chunkSize! });
    const r = recorder();
    const rec = await new ModelDownloader(db).download('m', r);
    const bad = Math.floor(at / CS);
    expect(r.warnings.map((w) => [w.code, w.details.index])).toEqual([['CHUNK_CORRUPT', bad]]);
    const ranges = (await fixtureHits(t)).map((h) => h.range);
    expect(ranges).toEqual(['bytes=0-', `bytes=${bad * CS}-${(bad + 1) * CS - 1}`]);
    expect(rec.verified).toBe(true);
    expect(await storedSha256(db, 'm')).toBe(TINY_SHA);
  });

  test('a file that never matches its digest is an IntegrityError and never becomes cached', async () => {
    await addRecord(db, 'm', `${TINY_URL}?t=${token()}`, CS, { sha256: '0'.repeat(64) });
    await expect(new ModelDownloader(db).download('m')).rejects.toBeInstanceOf(IntegrityError);
    expect((await getModel(db, 'm'))?.state).toBe('partial');
  });

  test('HTTP errors are typed and a 404 is not retried', async () => {
    const t = token();
    await addRecord(db, 'm', `${TINY_URL}?status=404&t=${t}`, CS);
    const err = await new ModelDownloader(db, { retryDelayMs: 1 }).download('m').catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.details.status).toBe(404);
    expect(await fixtureHits(t)).toHaveLength(1);
  });

  test('not enough space: StorageQuotaError before any byte is fetched (size known) or stored (size learnt)', async () => {
    const estimate = async () => ({ usage: 0, quota: 500_000 });
    const t1 = token();
    await addRecord(db, 'a', `${TINY_URL}?t=${t1}`, CS, { sizeHint: TINY_SIZE });
    const err = await new ModelDownloader(db, { estimate }).download('a').catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.details).toMatchObject({ neededBytes: TINY_SIZE, availableBytes: 500_000 });
    expect(await fixtureHits(t1)).toHaveLength(0);
    const t2 = token();
    await addRecord(db, 'b', `${TINY_URL}?t=${t2}`, CS);
    await expect(new ModelDownloader(db, { estimate }).download('b')).rejects.toBeInstanceOf(StorageQuotaError);
    expect(await readChunks(db, 'b')).toEqual([]);
  });

  test('at most `concurrency` downloads run at once, and a second call for one model joins the first', async () => {
    const t = token();
    for (const id of ['a', 'b', 'c']) await addRecord(db, id, `${TINY_URL}?delayMs=2&t=${t}-${id}`, CS);
    const dl = new ModelDownloader(db, { concurrency: 1 });
    let maxActive = 0;
    const onProgress = () => { maxActive = Math.max(maxActive, dl.activeCount); };
    const runs = [dl.download('a', { onProgress }), dl.download('b', { onProgress }), dl.download('c', { onProgress }), dl.download('a', { onProgress })];
    expect(dl.inProgress.sort()).toEqual(['a', 'b', 'c']);
    const recs = await Promise.all(runs);
    expect(maxActive).toBe(1);
    expect(recs.every((r) => r.state === 'cached')).toBe(true);
    expect(await fixtureHits(`${t}-a`)).toHaveLength(1); // the joined call fetched nothing more
    for (const id of ['a', 'b', 'c']) expect(await storedSha256(db, id)).toBe(TINY_SHA);
  });

  test('cancel(id) stops a running download and a queued one; stored chunks stay', async () => {
    const t = token();
    await addRecord(db, 'run', `${TINY_URL}?delayMs=25&t=${t}-run`, CS);
    await addRecord(db, 'queued', `${TINY_URL}?t=${t}-queued`, CS);
    const dl = new ModelDownloader(db, { concurrency: 1 });
    const running = dl.download('run', { onProgress: (p) => { if (p.chunksDone === 3) dl.cancel('run'); } });
    const queued = dl.download('queued');
    dl.cancel('queued');
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(await fixtureHits(`${t}-queued`)).toEqual([]);
    expect((await readChunks(db, 'run')).length).toBeGreaterThanOrEqual(3);
    expect((await getModel(db, 'run'))?.state).toBe('partial');
    expect(dl.inProgress).toEqual([]);
  });

  test('a download that is not a GGUF file stops with GgufError and stores nothing', async () => {
    await addRecord(db, 'm', `${TINY_URL}.sha256.json?t=${token()}`, CS); // a JSON document, served with 200
    await expect(new ModelDownloader(db).download('m')).rejects.toBeInstanceOf(GgufError);
    expect(await readChunks(db, 'm')).toEqual([]);
  });

  describe('a body longer than the file declares stops typed, keeps nothing, reads no more than one piece past the bound', () => {
    const cases: [string, string, 'gguf-header' | 'content-range' | 'content-length', () => number][] = [
      ['an endless body without a length: the GGUF header bounds it', 'endless=1&norange=1', 'gguf-header', () => TINY_SIZE],
      ['an endless 206 past its Content-Range total', 'endless=1', 'content-range', () => TINY_SIZE],
      ['a lying Content-Length (300 000 bytes declared, the file and more sent chunked)', 'endless=1&norange=1&declare=300000', 'content-length', () => 300_000],
    ];
    for (const [name, query, source, declared] of cases) {
      test(name, async () => {
        const t = token();
        await addRecord(db, 'm', `${TINY_URL}?${query}&t=${t}`, CS);
        const counted = countingFetch();
        const err = await new ModelDownloader(db, { fetch: counted.fetch }).download('m').catch((e) => e);
        expect(err).toBeInstanceOf(DownloadTooLargeError);
        expect(err.code).toBe('DOWNLOAD_TOO_LARGE');
        expect(err.details).toMatchObject({ id: 'm', source, declaredBytes: declared(), limitBytes: declared() + SIZE_SLACK_BYTES });
        expect(err.details.receivedBytes).toBeGreaterThan(err.details.limitBytes);
        // The reader stopped on the piece that crossed the bound: at most one network piece past it.
        expect(counted.read()).toBe(err.details.receivedBytes);
        expect(counted.read() - err.details.limitBytes).toBeLessThanOrEqual(counted.largestPiece());
        // Chromium hands a body over in pieces of up to its data-pipe size (≈ 2 MiB measured): that piece is
        // the most the page ever holds past the bound, and none of it is kept.
        expect(counted.largestPiece()).toBeLessThanOrEqual(4 * 1024 * 1024);
        // Nothing of the file is kept, and it is not pending any more.
        expect(await readChunks(db, 'm')).toEqual([]);
        expect(await getModel(db, 'm')).toMatchObject({ state: 'remote', storedBytes: 0, pending: false });
        // The server was told to stop: what it sent no longer grows.
        const sent = async () => (await fixtureHits(t))[0]!.sent!;
        const first = await sent();
        await new Promise((r) => setTimeout(r, 300));
        expect(await sent()).toBe(first);
        expect(first).toBeLessThan(declared() + 64 * 1024 * 1024);
      });
    }

    test('a resume takes the bound from the header of the chunks stored before', async () => {
      const t = token();
      await addRecord(db, 'm', `${TINY_URL}?delayMs=25&t=${t}`, CS);
      const ctrl = new AbortController();
      await new ModelDownloader(db).download('m', { signal: ctrl.signal, onProgress: (p) => { if (p.chunksDone >= 2) ctrl.abort(); } }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      expect((await readChunks(db, 'm')).length).toBeGreaterThanOrEqual(2);
      const header = await readGgufHeader(new Blob([await (await fetch(TINY_URL)).arrayBuffer()]));
      expect(await storedGgufEnd(db, 'm')).toBe(header.dataOffset + header.dataBytes);
      expect(await storedGgufEnd(db, 'none')).toBeNull();
    });
  });
});

/** A fetch that counts the body bytes its caller actually read, and the largest piece read at once. */
function countingFetch() {
  let read = 0, largest = 0;
  const f: typeof fetch = async (...args) => {
    const res = await fetch(...args);
    if (!res.body) return res;
    const reader = res.body.getReader();
    // Pulled only when the downloader reads (high-water mark 0): the count is what it took, not a read-ahead.
    const counted = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const step = await reader.read();
        if (step.done) return ctrl.close();
        read += step.value.length;
        largest = Math.max(largest, step.value.length);
        ctrl.enqueue(step.value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch: f, read: () => read, largestPiece: () => largest };
}
