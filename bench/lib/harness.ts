/**
 * Benchmark harness: starts the project's Vite server (COOP/COEP, fixture server), opens a bench page in
 * headless Chromium (the flags of vite.config.ts), waits for the page to publish `window.__benchResult`,
 * then prints a table and writes JSON to bench/results/<name>.json.
 */
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchRow { [column: string]: string | number }
export interface BenchOutput { rows: BenchRow[]; summary: Record<string, number | string>; [k: string]: unknown }

/** Extra options of `runBenchPage`. */
export interface BenchPageOptions {
  /**
   * Files outside the repository to serve to the page, URL path (e.g. `/bench-files/big.gguf`) → file
   * path: large fixtures built at bench time in a temp folder, never committed.
   */
  files?: Record<string, string>;
}

/** Serve `files` (whole files, with the cross-origin isolation headers the bench pages need). */
function serveFilesPlugin(files: Record<string, string>): Plugin {
  return {
    name: 'llmos-bench-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = files[new URL(req.url ?? '/', 'http://x').pathname];
        if (!file) return next();
        if (!existsSync(file)) { res.statusCode = 404; res.end('not found'); return; }
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        res.setHeader('Cache-Control', 'no-store');
        if (req.method === 'HEAD') { res.end(); return; }
        createReadStream(file, { highWaterMark: 1 << 20 }).on('error', () => res.destroy()).pipe(res);
      });
    },
  };
}

export async function runBenchPage(name: string, pagePath: string, timeoutMs = 600_000, options: BenchPageOptions = {}): Promise<BenchOutput> {
  const server = await createServer({
    root: ROOT, configFile: join(ROOT, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1', watch: null, hmr: false }, logLevel: 'warn',
    plugins: options.files ? [serveFilesPlugin(options.files)] : [],
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('[bench]')) console.log(m.text()); });
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(`http://127.0.0.1:${port}/${pagePath}`);
    const handle = await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, undefined, { timeout: timeoutMs, polling: 500 });
    const out = (await handle.jsonValue()) as BenchOutput & { error?: string };
    if (out.error) throw new Error(`bench ${name} failed in the page: ${out.error}`);
    const meta = { name, date: new Date().toISOString(), chromium: browser.version(), cores: (await import('node:os')).cpus().length };
    const json = { ...meta, ...out };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `${name}.json`), JSON.stringify(json, null, 2) + '\n');
    printTable(name, out.rows);
    console.log('summary:', JSON.stringify(out.summary, null, 2));
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

export function printTable(title: string, rows: BenchRow[]): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(`\n${title}`);
  console.log('| ' + cols.map((c, i) => c.padEnd(width[i]!)).join(' | ') + ' |');
  console.log('|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log('| ' + cols.map((c, i) => cell(r[c]).padEnd(width[i]!)).join(' | ') + ' |');
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
