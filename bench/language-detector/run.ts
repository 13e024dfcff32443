/**
 * `npx tsx bench/language-detector/run.ts` — see main.ts for what it measures. Before the page runs, eld's
 * database chunk is built as production ships it (Vite's bundler, minified ESM of `eld/small`): its size,
 * raw and gzipped, goes into the results, and the page times how long Chromium takes to load it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { ROOT, runBenchPage } from '../lib/harness.ts';

const built = await build({
  configFile: false, logLevel: 'silent', root: ROOT,
  build: { write: false, minify: true, rollupOptions: { input: { eld: 'eld/small' }, preserveEntrySignatures: 'strict' } },
}) as Rolldown.RolldownOutput;
const chunk = built.output.find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry)!;
const code = Buffer.from(chunk.code);
const dir = join(ROOT, 'node_modules', '.cache', 'llmos-bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'eld-small.min.js');
writeFileSync(file, code);
const query = new URLSearchParams({ chunk: `/@fs${file}`, minBytes: String(code.length), gzipBytes: String(gzipSync(code, { level: 9 }).length) });

await runBenchPage('language-detector', `bench/language-detector/index.html?${query}`, 300_000);
