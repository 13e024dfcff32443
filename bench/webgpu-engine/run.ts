/**
 * `npx tsx bench/webgpu-engine/run.ts` — see main.ts for what it measures. Env `WEBGPU_BENCH_ONLY=batching`
 * runs the batching part alone (`WEBGPU_BENCH_MODEL=<id>`: one of its models); `WEBGPU_BENCH_QUICK=1`: fewer
 * repetitions (development only).
 */
import { runBenchPage } from '../lib/harness.ts';

const query = new URLSearchParams();
if (process.env.WEBGPU_BENCH_ONLY) query.set('only', process.env.WEBGPU_BENCH_ONLY);
if (process.env.WEBGPU_BENCH_QUICK) query.set('quick', '1');
if (process.env.WEBGPU_BENCH_MODEL) query.set('model', process.env.WEBGPU_BENCH_MODEL);
await runBenchPage('webgpu-engine', `bench/webgpu-engine/index.html${query.size ? `?${query}` : ''}`, 900_000);
