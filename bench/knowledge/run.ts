/**
 * `npx tsx bench/knowledge/run.ts` — see main.ts for what it measures. Like `runBenchPage` in
 * bench/lib/harness.ts, plus a JS-heap probe for the page over the DevTools protocol (forced GC, then
 * `Runtime.getHeapUsage`), since `performance.memory` is coarse without extra Chromium flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts';
import { ROOT, printTable, type BenchOutput } from '../lib/harness.ts';

const quick = process.argv.includes('--quick');
const server = await createServer({
  root: ROOT, configFile: join(ROOT, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: process.env.BENCH_LOG === 'info' ? 'info' : 'warn',
  // Pre-bundle up front: a dependency found mid-run makes Vite reload the page and restart the bench.
  optimizeDeps: { include: ['graphology', 'idb', 'graphology-gexf/browser'] },
});
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await page.exposeFunction('__heapUsed', async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  });
  page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('[bench]')) console.log(m.text()); });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  const load = loadavg()[0]!;
  await page.goto(`http://127.0.0.1:${port}/bench/knowledge/index.html${quick ? '?quick' : ''}`);
  const handle = await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, undefined, { timeout: 240_000, polling: 500 });
  const out = (await handle.jsonValue()) as BenchOutput & { error?: string };
  if (out.error) throw new Error(`bench knowledge failed in the page: ${out.error}`);
  const meta = { name: 'knowledge', date: new Date().toISOString(), chromium: browser.version(), cores: cpus().length, loadAverageAtStart: load, loadAverageAtEnd: loadavg()[0] };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  if (!quick) writeFileSync(join(ROOT, 'bench', 'results', 'knowledge.json'), JSON.stringify({ ...meta, ...out }, null, 2) + '\n');
  printTable('knowledge', out.rows);
  console.log(`load average: ${load.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (${cpus().length} cores)`);
} finally {
  await browser.close();
  await server.close();
}
