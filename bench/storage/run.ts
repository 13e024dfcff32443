/**
 * `npx tsx bench/storage/run.ts` — model storage: write throughput, read throughput, and warm loads into
 * the engine from IndexedDB, the Cache API and OPFS against the same bytes in memory (see main.ts).
 * Generates a ≈400 MB GGUF into test/fixtures/.generated/ first and deletes it afterwards.
 *
 * It starts its own Vite server with HMR and file watching off (not bench/lib's `runBenchPage`): the
 * run takes minutes, and an edit anywhere in src/ meanwhile would reload the page mid-measurement.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts';
import { FIXTURE_DIR, generateFixtures } from '../../test/fixtures/generate.ts';
import { BENCH_SPEC, buildTinyLlamaGguf } from '../../test/fixtures/gguf-writer.ts';
import { ROOT, printTable, type BenchOutput } from '../lib/harness.ts';

/** ≈ 400 MB of f32 weights: 8 layers of a 1024-wide llama (random weights, valid GGUF). */
const SPEC_400M = { ...BENCH_SPEC, name: 'llmos-bench-400m', seed: 4, nEmbd: 1024, nLayer: 8, nHead: 8, nHeadKv: 2, nFf: 3072 };
const BIG = 'bench-400m.gguf';

generateFixtures();
const t0 = performance.now();
const bigPath = join(FIXTURE_DIR, BIG);
writeFileSync(bigPath, buildTinyLlamaGguf(SPEC_400M));
console.log(`generated ${BIG} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const loadBefore = loadavg()[0]!;
const server = await createServer({
  root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn',
  server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
});
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('[bench]')) console.log(m.text()); });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`http://127.0.0.1:${port}/bench/storage/index.html?files=bench-40m.gguf,${BIG}`);
  const handle = await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, undefined, { timeout: 240_000, polling: 500 });
  const out = (await handle.jsonValue()) as BenchOutput & { error?: string };
  if (out.error) throw new Error(`bench storage failed in the page: ${out.error}`);
  const json = {
    name: 'storage', date: new Date().toISOString(), chromium: browser.version(), cores: cpus().length,
    // The machine is shared: how busy it was, next to the numbers.
    loadAverage1m: { before: loadBefore, after: loadavg()[0] }, ...out,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'storage.json'), JSON.stringify(json, null, 2) + '\n');
  printTable('storage', out.rows);
  console.log('summary:', JSON.stringify(out.summary, null, 2));
  console.log(`load average (1 min): ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`);
} finally {
  await browser.close();
  await server.close();
  rmSync(bigPath, { force: true });
}
