/**
 * `npx tsx bench/roofline/run.ts` — see main.ts for what it measures. Builds the ≈ 1.1 GB f32 fixture into
 * the OS temp folder first (reused while its spec is unchanged) and serves it to the page.
 * `ROOFLINE_QUICK=1`: fewer passes and runs (development only; the summary says so).
 */
import { printTable, runBenchPage, type BenchRow } from '../lib/harness.ts';
import { ensureLargeFixture } from './fixture.ts';

const large = ensureLargeFixture();
const url = '/bench-files/roofline-1g.gguf';
const query = new URLSearchParams({ large: url });
if (process.env.ROOFLINE_QUICK) query.set('quick', '1');
const out = await runBenchPage('roofline', `bench/roofline/index.html?${query}`, 1_800_000, { files: { [url]: large } });
printTable('memory read bandwidth (wasm SIMD, threads reading concurrently)', out.bandwidth as BenchRow[]);
