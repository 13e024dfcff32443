/**
 * Vite plugin for the dev and preview servers: serves `examples/` and the elements library build
 * (`dist-lib/`) from the repository as plain files, with the cross-origin isolation headers, so that
 * `http://127.0.0.1:4173/examples/embed.html` is a plain third-party-style page using one script tag
 * (and the e2e tests can open it next to the app).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { ISOLATION_HEADERS } from '../test/fixture-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

function serve(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const top = ['/examples/', '/dist-lib/'].find((p) => path.startsWith(p));
  if (!top) return next();
  const rel = normalize(path.slice(1));
  if (rel.startsWith('..')) { res.statusCode = 400; res.end(); return; }
  const file = join(ROOT, rel);
  if (!existsSync(file) || !statSync(file).isFile()) return next();
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Length', String(statSync(file).size));
  createReadStream(file).pipe(res);
}

/** Serve `/examples/*` and `/dist-lib/*` from the repository. */
export function examplesPlugin(): Plugin {
  return {
    name: 'llmos-examples',
    configureServer(server) { server.middlewares.use(serve); },
    configurePreviewServer(server) { server.middlewares.use(serve); },
  };
}
