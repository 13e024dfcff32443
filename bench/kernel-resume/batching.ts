/**
 * Part 3 — four concurrent jobs on one model: total tokens/s ÷ one job's, with the default (jobsPerSlot
 * null: the model's 4 llama.cpp sequences decode in one batch) and with jobsPerSlot 1 (one after the
 * other), two kernels side by side, their arms alternating. bench-40m, greedy, 64 tokens, ignoreEos,
 * four processes (one job each), a unique prompt per job. Rate = engine tokens ÷ submit → last result.
 * A/A control: the one-job arm measured twice per repetition (second ÷ first). Also the spread of the
 * four first tokens (latest TTFT − earliest, from the common submit).
 */
import type { Kernel } from '../../src/kernel/kernel';
import { log } from '../lib/page-utils';
import { WORDS, benchKernel, consume, warmUp } from '../kernel-overhead/kernel-bench-utils';
import { QUICK, THREADS, WORDPIECE, dist, overview, wordGreedy, type OverviewRow } from './common';

const TOKENS = 64;
const REPS = QUICK ? 2 : 5;
const JOBS = 4;

export async function batchingPart(): Promise<{ rows: Record<string, string | number>[]; overview: OverviewRow[] }> {
  const arms = [
    { name: 'batched (default: jobsPerSlot null → 4 sequences)', goal: '≥ 1.2', before: '1.02 (serial)', ...await benchKernel({}, [WORDPIECE], THREADS) },
    { name: 'serial (jobsPerSlot 1)', goal: '—', before: '1.02', ...await benchKernel({ jobsPerSlot: 1 }, [WORDPIECE], THREADS) },
  ];
  let seq = 0;
  const prompt = () => { const i = seq++; return `the ${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} of the model is`; };
  const runJobs = async (kernel: Kernel, pids: number[]) => {
    const t0 = performance.now();
    const cs = await Promise.all(pids.map((pid) => consume(kernel.submit({ pid, model: WORDPIECE.id, prompt: prompt(), params: wordGreedy(TOKENS) }), t0)));
    const wall = Math.max(...cs.map((c) => c.totalMs));
    const tokens = cs.reduce((s, c) => s + c.result.usage.completionTokens, 0);
    const ttfts = cs.map((c) => c.ttft);
    return { rate: (tokens * 1000) / wall, spread: Math.max(...ttfts) - Math.min(...ttfts), tokens };
  };
  const state = arms.map((a) => ({
    ...a, pids: Array.from({ length: JOBS }, (_, k) => a.kernel.spawn({ name: `app ${k}` }, { priority: 'normal' })),
    one: [] as number[], oneAgain: [] as number[], four: [] as number[], spread: [] as number[], ratio: [] as number[], aa: [] as number[],
  }));
  for (const s of state) { // loads, warms up
    const warm = await warmUp(async () => { const t0 = performance.now(); await runJobs(s.kernel, s.pids.slice(0, 1)); return performance.now() - t0; }, 5);
    await runJobs(s.kernel, s.pids);
    log('batching warm-up', s.name, warm.map((t) => t.toFixed(0)).join(' '));
  }
  for (let rep = 0; rep < REPS; rep++) {
    for (const s of rep % 2 ? [...state].reverse() : state) {
      const one = await runJobs(s.kernel, s.pids.slice(0, 1));
      const four = await runJobs(s.kernel, s.pids);
      const again = await runJobs(s.kernel, s.pids.slice(0, 1));
      s.one.push(one.rate); s.four.push(four.rate); s.oneAgain.push(again.rate); s.spread.push(four.spread);
      s.ratio.push(four.rate / one.rate); s.aa.push(again.rate / one.rate);
      log('batch', s.name, rep, one.rate.toFixed(1), four.rate.toFixed(1), again.rate.toFixed(1), four.spread.toFixed(0), four.tokens);
    }
  }
  for (const s of state) s.kernel.shutdown();
  const rows: Record<string, string | number>[] = [];
  const ov: OverviewRow[] = [];
  for (const s of state) {
    const d = dist(s.ratio), a = dist(s.aa), sp = dist(s.spread, 0);
    rows.push({
      mode: s.name, reps: d.n, '1 job tok/s p50': dist(s.one, 1).p50, '4 jobs tok/s p50': dist(s.four, 1).p50,
      '4 jobs ÷ 1 job p50': d.p50, p95: d.p95, 'min–max': `${d.min}–${d.max}`,
      'A/A: 1 job ÷ 1 job p50': a.p50, 'A/A range': `${a.min}–${a.max}`,
      'first-token spread ms p50': sp.p50, 'first-token spread ms p95': sp.p95, goal: s.goal, before: s.before,
    });
    ov.push(overview(`3. 4 jobs on one model, tokens/s ÷ 1 job, ${s.name}`, s.ratio, s.aa, '1 job ÷ 1 job', s.goal, s.before));
  }
  return { rows, overview: ov };
}
