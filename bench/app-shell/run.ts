/**
 * App-shell budget of the desktop: JavaScript shipped on first load (gzip) and time to interactive in
 * headless Chromium, cold (first visit: empty cache, no service worker) and warm (reload with the
 * service worker's precache) side by side in one run.
 *
 *   npx tsx bench/app-shell/run.ts            (builds into bench/app-shell/.dist, then measures)
 *
 * - "Entry graph": the entry module and every chunk `index.html` preloads (what any visit executes).
 * - "First visit": every script the page fetched until it was interactive and idle for 2 s, the lazy
 *   first-run device report included (engine workers start only when a model is used, so none here).
 * - TTI: the end of the last long task (≥ 50 ms) before the first 1 s without long tasks that begins
 *   after the desktop's launcher is rendered (so never earlier than the launcher).
 * Sizes are gzip level 9 of the built files. Writes bench/results/app-shell.json and prints a table.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, preview } from 'vite';
import { chromium, type BrowserContext } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts';
import { ROOT, printTable } from '../lib/harness.ts';

const OUT = join(ROOT, 'bench', 'app-shell', '.dist');
const RUNS = Number(process.env.RUNS ?? 5);
const BUDGET_KB = 100;

const gz = (file: string) => gzipSync(readFileSync(join(OUT, file)), { level: 9 }).length;
const kb = (b: number) => Math.round((b / 1024) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The entry script and the chunks index.html preloads. */
function entryGraph(): string[] {
  const html = readFileSync(join(OUT, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(files)];
}

interface Load { tti: number; launcher: number; fcp: number; longTasks: number; scripts: string[] }

async function load(ctx: BrowserContext, url: string): Promise<Load> {
  const page = await ctx.newPage();
  const scripts = new Set<string>();
  page.on('response', (r) => { if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname.slice(1)); });
  await page.addInitScript(() => {
    const w = window as unknown as { __long: [number, number][]; __launcher: number };
    w.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__long.push([e.startTime, e.startTime + e.duration]); }).observe({ type: 'longtask', buffered: true });
    const timer = setInterval(() => {
      if (!document.querySelector('llmos-desktop')?.shadowRoot?.querySelector('nav button')) return;
      w.__launcher = performance.now();
      clearInterval(timer);
    }, 5);
  });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { __launcher?: number }).__launcher, undefined, { polling: 50, timeout: 60_000 });
  // Quiet: no long task and no new script for 2 s.
  let last = -1;
  for (let i = 0; i < 60; i++) {
    await page.waitForTimeout(500);
    const n = await page.evaluate(() => (window as unknown as { __long: unknown[] }).__long.length) + scripts.size;
    if (n === last && i >= 4) break;
    last = n;
  }
  const m = await page.evaluate(() => {
    const w = window as unknown as { __long: [number, number][]; __launcher: number };
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
    let tti = w.__launcher;
    for (const [s, e] of w.__long.sort((a, b) => a[0] - b[0])) {
      if (s > tti + 1000) break; // a quiet second after the last busy moment: interactive
      tti = Math.max(tti, e);
    }
    return { tti, launcher: w.__launcher, fcp, longTasks: w.__long.length };
  });
  await page.close();
  return { ...m, scripts: [...scripts] };
}

console.log('building the app into bench/app-shell/.dist …');
await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: OUT, emptyOutDir: true } });
const server = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: OUT }, preview: { port: 0, host: '127.0.0.1' } });
const address = server.httpServer.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  const entry = entryGraph();
  const entryGzip = entry.reduce((n, f) => n + gz(f), 0);
  const cold: Load[] = [];
  const warm: Load[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    cold.push(await load(ctx, url));
    // Let the service worker finish installing (precache), then measure a reload served by it.
    const p = await ctx.newPage();
    await p.goto(url);
    await p.evaluate(async () => { await navigator.serviceWorker.ready; });
    await p.close();
    warm.push(await load(ctx, url));
    await ctx.close();
  }
  const firstVisit = [...new Set(cold.flatMap((l) => l.scripts))].filter((f) => !f.startsWith('sw.js'));
  const firstVisitGzip = firstVisit.reduce((n, f) => n + gz(f), 0);
  const engine = firstVisit.filter((f) => /engine|wllama|webllm/i.test(f));
  const rows = [
    { measure: 'entry graph JS (gzip)', value: `${kb(entryGzip)} KB`, files: entry.length, budget: `${BUDGET_KB} KB`, ok: entryGzip <= BUDGET_KB * 1024 ? 'yes' : 'NO' },
    { measure: 'first-visit JS incl. lazy first-run report (gzip)', value: `${kb(firstVisitGzip)} KB`, files: firstVisit.length, budget: `${BUDGET_KB} KB`, ok: firstVisitGzip <= BUDGET_KB * 1024 ? 'yes' : 'NO' },
    { measure: 'engine chunks fetched by the page', value: String(engine.length), files: engine.length, budget: '0', ok: engine.length === 0 ? 'yes' : 'NO' },
    { measure: `TTI cold, median of ${RUNS}`, value: `${Math.round(median(cold.map((l) => l.tti)))} ms`, files: '', budget: '', ok: '' },
    { measure: `TTI warm (service worker), median of ${RUNS}`, value: `${Math.round(median(warm.map((l) => l.tti)))} ms`, files: '', budget: '', ok: '' },
    { measure: 'FCP cold / warm, medians', value: `${Math.round(median(cold.map((l) => l.fcp)))} / ${Math.round(median(warm.map((l) => l.fcp)))} ms`, files: '', budget: '', ok: '' },
  ];
  printTable('app-shell', rows);
  const summary = {
    entryGzipKB: kb(entryGzip), firstVisitGzipKB: kb(firstVisitGzip), budgetKB: BUDGET_KB, engineChunksOnPage: engine.length,
    ttiColdMs: Math.round(median(cold.map((l) => l.tti))), ttiWarmMs: Math.round(median(warm.map((l) => l.tti))),
    warmOverCold: Math.round((median(warm.map((l) => l.tti)) / median(cold.map((l) => l.tti))) * 100) / 100,
    fcpColdMs: Math.round(median(cold.map((l) => l.fcp))), fcpWarmMs: Math.round(median(warm.map((l) => l.fcp))),
  };
  console.log('summary:', JSON.stringify(summary, null, 2));
  const files = Object.fromEntries(firstVisit.map((f) => [f, kb(gz(f))]));
  const json = { name: 'app-shell', date: new Date().toISOString(), chromium: browser.version(), cores: (await import('node:os')).cpus().length, runs: RUNS, rows, summary, entry, files, cold, warm };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'app-shell.json'), JSON.stringify(json, null, 2) + '\n');
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
  rmSync(OUT, { recursive: true, force: true });
}
