/**
 * `npx tsx bench/kernel-resume/run.ts` — see main.ts for what it measures. `BENCH_THREADS=N`: llama.cpp
 * threads (default 1); `RESUME_QUICK=1`: fewer repetitions (development only; the summary says so).
 */
import { printTable, runBenchPage, type BenchRow } from '../lib/harness.ts';

const query = new URLSearchParams();
if (process.env.BENCH_THREADS) query.set('threads', process.env.BENCH_THREADS);
if (process.env.RESUME_QUICK) query.set('quick', '1');
const out = await runBenchPage('kernel-resume', `bench/kernel-resume/index.html${query.size ? `?${query}` : ''}`, 900_000);
printTable('1. one preemption: extra time ÷ one prefill of prompt + N', out.preemption as BenchRow[]);
printTable('2. chat TTFT, turn 10 ÷ turn 1', out.chat as BenchRow[]);
printTable('3. four jobs on one model: tokens/s ÷ one job', out.batching as BenchRow[]);
