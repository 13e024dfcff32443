/** `npx tsx bench/kernel-ttft/run.ts` — see main.ts for what it measures. `BENCH_THREADS=N`: llama.cpp threads (default 1). */
import { runBenchPage } from '../lib/harness.ts';

const query = process.env.BENCH_THREADS ? `?threads=${encodeURIComponent(process.env.BENCH_THREADS)}` : '';
await runBenchPage('kernel-ttft', `bench/kernel-ttft/index.html${query}`);
