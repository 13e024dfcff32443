/**
 * Serves generated fixtures under `/fixtures/` from the Vite dev and preview servers (and so from the
 * Vitest browser-mode server), with HTTP Range support and switchable faults used by the tests:
 *   ?norange=1        ignore Range headers (always 200 with the whole file)
 *   ?dropAfter=N      close the connection after N bytes of the body
 *   ?corruptAt=N      flip one byte at absolute offset N (once per `?token=`)
 *   ?status=N         answer with that HTTP status
 *   ?delayMs=N        wait between 64 KiB pieces (slow network)
 *   ?digest=1         add `Repr-Digest: sha-256=:…:` (RFC 9530, digest of the whole file)
 *   ?endless=1        send the file (from the asked byte), then garbage forever; no Content-Length (a 206
 *                     keeps its true Content-Range), or `&declare=N`: a lying `Content-Length: N`, sent chunked
 * and two helpers for tests:
 *   GET /fixtures/<file>.sha256.json?chunkSize=N   a digest manifest {size, sha256, chunkSize, chunks}
 *   GET /fixtures/__hits[?reset=1]                 every fixture request so far (path, query, Range…)
 *   GET /fixtures/__sw-version?bump=1              a new deploy of the service worker (preview only): from
 *       now on `/sw.js` is the built one plus a line that answers `{type: 'LLMOS_TEST_VERSION'}` messages
 *       with the version number — the same URL with new bytes, as a real release
 * Every response carries COOP/COEP/CORP headers so cross-origin-isolated pages can fetch them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { FIXTURE_DIR, generateFixtures } from './fixtures/generate.ts';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const corruptedOnce = new Set<string>();

/** One request seen by the fixture server (for tests that count network use). */
export interface FixtureHit { path: string; query: string; range: string | null; method: string; at: number; sent?: number }
const hits: FixtureHit[] = [];
const digests = new Map<string, { whole: string; chunks: Map<number, string[]> }>();

/** SHA-256 of a fixture (hex), and of its chunks for one chunk size; cached per file version. */
function fileDigests(path: string, chunkSize = 0): { whole: string; chunks: string[] } {
  const key = `${path}:${statSync(path).mtimeMs}`;
  let d = digests.get(key);
  const data = !d || (chunkSize && !d.chunks.has(chunkSize)) ? readFileSync(path) : null;
  if (!d) digests.set(key, d = { whole: createHash('sha256').update(data!).digest('hex'), chunks: new Map() });
  if (chunkSize && !d.chunks.has(chunkSize)) {
    const list: string[] = [];
    for (let o = 0; o < data!.length; o += chunkSize) list.push(createHash('sha256').update(data!.subarray(o, o + chunkSize)).digest('hex'));
    d.chunks.set(chunkSize, list);
  }
  return { whole: d.whole, chunks: chunkSize ? d.chunks.get(chunkSize)! : [] };
}

/** Test helpers under /fixtures/: the hit log and digest manifests. Returns true when it answered. */
function serveHelper(url: URL, rel: string, res: ServerResponse): boolean {
  if (rel === '__hits') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(hits));
    if (url.searchParams.has('reset')) hits.length = 0;
    return true;
  }
  if (rel === '__sw-version') {
    if (url.searchParams.has('bump')) swVersion++;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ version: swVersion }));
    return true;
  }
  if (rel.endsWith('.sha256.json')) {
    const path = join(FIXTURE_DIR, rel.slice(0, -'.sha256.json'.length));
    if (!existsSync(path)) { res.statusCode = 404; res.end('not found'); return true; }
    const chunkSize = Number(url.searchParams.get('chunkSize') ?? 0);
    const d = fileDigests(path, chunkSize > 0 ? chunkSize : 0);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ size: statSync(path).size, sha256: d.whole, ...(chunkSize > 0 ? { chunkSize, chunks: d.chunks } : {}) }));
    return true;
  }
  return false;
}

export function serveFixture(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!url.pathname.startsWith('/fixtures/')) return next();
  const rel = normalize(decodeURIComponent(url.pathname.slice('/fixtures/'.length)));
  if (rel.startsWith('..')) { res.statusCode = 400; res.end(); return; }
  const path = join(FIXTURE_DIR, rel);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag, Repr-Digest');
  res.setHeader('Cache-Control', 'no-store');
  if (hits.length > 50_000) hits.splice(0, 10_000); // bounded: a long dev session must not grow forever
  if (rel !== '__hits') hits.push({ path: url.pathname, query: url.search, range: req.headers.range ?? null, method: req.method ?? 'GET', at: Date.now() });
  if (serveHelper(url, rel, res)) return;
  const status = Number(url.searchParams.get('status') ?? 0);
  if (status) { res.statusCode = status; res.end(`status ${status}`); return; }
  if (!existsSync(path) || !statSync(path).isFile()) { res.statusCode = 404; res.end('not found'); return; }
  const size = statSync(path).size;
  const noRange = url.searchParams.has('norange');
  const dropAfter = url.searchParams.has('dropAfter') ? Number(url.searchParams.get('dropAfter')) : Infinity;
  const corruptAt = url.searchParams.has('corruptAt') ? Number(url.searchParams.get('corruptAt')) : -1;
  const token = url.searchParams.get('token') ?? '';
  const delayMs = Number(url.searchParams.get('delayMs') ?? 0);
  let start = 0, end = size - 1;
  const range = req.headers.range;
  if (!noRange) res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', `"${size}-${statSync(path).mtimeMs}"`);
  if (url.searchParams.has('digest')) res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(fileDigests(path).whole, 'hex').toString('base64')}:`);
  if (range && !noRange) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (!m) { res.statusCode = 416; res.end(); return; }
    if (m[1]) start = Number(m[1]);
    if (m[2]) end = Math.min(Number(m[2]), size - 1);
    if (!m[1] && m[2]) { start = size - Number(m[2]); end = size - 1; }
    if (start > end || start >= size) { res.statusCode = 416; res.setHeader('Content-Range', `bytes */${size}`); res.end(); return; }
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  } else {
    res.statusCode = 200;
  }
  res.setHeader('Content-Length', String(end - start + 1));
  res.setHeader('Content-Type', 'application/octet-stream');
  if (req.method === 'HEAD') { res.end(); return; }
  if (url.searchParams.has('endless')) return serveEndless(path, start, res, url.searchParams.get('declare'), hits.at(-1));
  const key = `${rel}:${token}:${corruptAt}`;
  const doCorrupt = corruptAt >= start && corruptAt <= end && !corruptedOnce.has(key);
  if (doCorrupt && token) corruptedOnce.add(key);
  let sent = 0;
  let pos = start;
  const stream = createReadStream(path, { start, end, highWaterMark: 64 * 1024 });
  stream.on('data', (chunk) => {
    let buf = chunk as Buffer;
    if (doCorrupt && corruptAt >= pos && corruptAt < pos + buf.length) {
      buf = Buffer.from(buf);
      buf[corruptAt - pos] = buf[corruptAt - pos]! ^ 0xff;
    }
    pos += buf.length;
    if (sent + buf.length > dropAfter) {
      // Cut the connection only once the first N bytes are flushed, so the client really receives them.
      stream.destroy();
      res.write(buf.subarray(0, dropAfter - sent), () => setTimeout(() => res.destroy(), 20));
      sent = dropAfter;
      return;
    }
    sent += buf.length;
    const ok = res.write(buf);
    if (delayMs > 0) {
      stream.pause();
      setTimeout(() => stream.resume(), delayMs);
    } else if (!ok) {
      stream.pause();
      res.once('drain', () => stream.resume());
    }
  });
  stream.on('end', () => res.end());
  stream.on('error', () => res.destroy());
}

/**
 * `?endless=1`: the file from `start`, then 64 KiB pieces of garbage until the client goes away (capped at
 * 8 GiB so a forgotten client cannot keep the server busy). The hit records the bytes sent as `sent`.
 */
function serveEndless(path: string, start: number, res: ServerResponse, declare: string | null, hit: FixtureHit | undefined): void {
  res.removeHeader('Content-Length');
  if (declare !== null) {
    res.setHeader('Content-Length', declare);
    res.setHeader('Transfer-Encoding', 'chunked');
  }
  const file = readFileSync(path).subarray(start);
  const garbage = Buffer.alloc(64 * 1024, 0x5a);
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < 8 * 1024 ** 3) {
      const piece = sent < file.length ? file.subarray(sent, sent + 64 * 1024) : garbage;
      sent += piece.length;
      if (hit) hit.sent = sent;
      if (!res.write(piece)) { res.once('drain', pump); return; }
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => { if (hit) hit.sent = sent; });
  pump();
}

let swVersion = 0;

/** `/sw.js` of a bumped test deploy (see `__sw-version`); the built file itself until the first bump. */
function serveSwVersion(outDir: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!swVersion || new URL(req.url ?? '/', 'http://x').pathname !== '/sw.js') return next();
    const marker = `self.addEventListener('message',(e)=>{if(e.data&&e.data.type==='LLMOS_TEST_VERSION'&&e.ports[0])e.ports[0].postMessage(${swVersion});});`;
    res.setHeader('Content-Type', 'text/javascript');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(`${readFileSync(join(outDir, 'sw.js'), 'utf8')}\n${marker}\n`);
  };
}

/** Vite plugin: generate fixtures at startup and serve them (dev, preview, Vitest browser mode). */
export function fixturePlugin(): Plugin {
  return {
    name: 'llmos-fixtures',
    configureServer(server) {
      generateFixtures();
      server.middlewares.use(serveFixture);
    },
    configurePreviewServer(server) {
      generateFixtures();
      server.middlewares.use(serveFixture);
      server.middlewares.use(serveSwVersion(resolve(server.config.root, server.config.build.outDir)));
    },
  };
}
