/**
 * Four concurrent jobs on one model on our WebGPU engine, through the kernel (one engine worker):
 * total tokens/s ÷ one job's, with the default (the model's 4 sequences decode in batched steps) and
 * with `jobsPerSlot: 1` (one job after the other), two kernels side by side, arms alternating. Greedy,
 * `ignoreEos`, four processes (one job each), a prompt unique per job (no prefix reuse between them).
 * Rate = engine tokens ÷ (submit → last result). A/A control: the one-job run measured twice per
 * repetition (second ÷ first). Also the spread of the four first tokens (latest TTFT − earliest).
 */
import type { Kernel } from '../../src/kernel/kernel';
import { BYTE_BIAS, WORDS, benchKernel, consume, warmUp, type BenchModel } from '../kernel-overhead/kernel-bench-utils';
import { log } from '../lib/page-utils';
import { round, spread } from '../lib/stats';

const JOBS = 4;
const query = new URLSearchParams(location.search);
const REPS = query.has('quick') ? 2 : 5;

/** tiny: per-step overhead dominates; bench-40m-q8: the weights (38 MB) are read once a step. */
const MODELS: { model: BenchModel; tokens: number }[] = [
  { model: { id: 'tiny', url: '/fixtures/tiny.gguf', nCtx: 512, engine: 'webgpu' }, tokens: 64 },
  { model: { id: 'bench-40m-q8', url: '/fixtures/bench-40m-q8.gguf', nCtx: 512, engine: 'webgpu' }, tokens: 24 },
];

function dist(xs: readonly number[], digits = 3) {
  const s = spread(xs);
  return { p50: round(s.p50, digits), p95: round(s.p95, digits), min: round(s.min, digits), max: round(s.max, digits), n: s.n };
}

export async function webgpuBatchingPart(): Promise<{ rows: Record<string, string | number>[]; summary: Record<string, number> }> {
  const rows: Record<string, string | number>[] = [];
  const summary: Record<string, number> = {};
  let seq = 0;
  const prompt = () => { const i = seq++; return `the ${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]} of the model is`; };
  const only = query.get('model');
  for (const { model, tokens } of MODELS.filter((m) => !only || m.model.id === only)) {
    const budget = { slots: 1, ramMB: 1024, vramMB: 1024 };
    const arms = [
      { name: 'batched (default: 4 sequences)', goal: '≥ 2.5', ...await benchKernel({ budget }, [model]) },
      { name: 'serial (jobsPerSlot 1)', goal: '—', ...await benchKernel({ budget, jobsPerSlot: 1 }, [model]) },
    ];
    const params = { maxTokens: tokens, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS };
    const runJobs = async (kernel: Kernel, pids: number[]) => {
      const t0 = performance.now();
      const cs = await Promise.all(pids.map((pid) => consume(kernel.submit({ pid, model: model.id, prompt: prompt(), params }), t0)));
      const wall = Math.max(...cs.map((c) => c.totalMs));
      const n = cs.reduce((s, c) => s + c.result.usage.completionTokens, 0);
      const ttfts = cs.map((c) => c.ttft);
      return { rate: (n * 1000) / wall, spread: Math.max(...ttfts) - Math.min(...ttfts) };
    };
    const state = arms.map((a) => ({
      ...a, pids: Array.from({ length: JOBS }, (_, k) => a.kernel.spawn({ name: `app ${k}` }, { priority: 'normal' })),
      one: [] as number[], four: [] as number[], spread: [] as number[], ratio: [] as number[], aa: [] as number[],
    }));
    for (const s of state) {
      const warm = await warmUp(async () => { const t0 = performance.now(); await runJobs(s.kernel, s.pids.slice(0, 1)); return performance.now() - t0; }, 5);
      await runJobs(s.kernel, s.pids);
      log('webgpu batching warm-up', model.id, s.name, warm.map((t) => t.toFixed(0)).join(' '));
    }
    for (let rep = 0; rep < REPS; rep++) {
      for (const s of rep % 2 ? [...state].reverse() : state) {
        const one = await runJobs(s.kernel, s.pids.slice(0, 1));
        const four = await runJobs(s.kernel, s.pids);
        const again = await runJobs(s.kernel, s.pids.slice(0, 1));
        s.one.push(one.rate); s.four.push(four.rate); s.spread.push(four.spread);
        s.ratio.push(four.rate / one.rate); s.aa.push(again.rate / one.rate);
        log('webgpu batch', model.id, s.name, rep, one.rate.toFixed(1), four.rate.toFixed(1), again.rate.toFixed(1), four.spread.toFixed(0));
      }
    }
    for (const s of state) s.kernel.shutdown();
    for (const s of state) {
      const d = dist(s.ratio), a = dist(s.aa), sp = dist(s.spread, 0);
      rows.push({
        model: model.id, mode: s.name, tokens, reps: d.n, '1 job tok/s p50': dist(s.one, 1).p50, '4 jobs tok/s p50': dist(s.four, 1).p50,
        '4 jobs ÷ 1 job p50': d.p50, p95: d.p95, 'min–max': `${d.min}–${d.max}`,
        'A/A: 1 job ÷ 1 job p50': a.p50, 'A/A range': `${a.min}–${a.max}`,
        'first-token spread ms p50': sp.p50, 'first-token spread ms p95': sp.p95, goal: s.goal,
      });
      summary[`${model.id}.${s.name.startsWith('batched') ? 'batched' : 'serial'}.4jobs/1job.p50`] = d.p50;
    }
  }
  return { rows, summary };
}
