/**
 * Budget trace (simulated time, Node): 200 random jobs over 5 models of different sizes, one VRAM
 * budget, three slots. The same trace runs through the kernel twice — with its placement (demand-,
 * size-, recency- and keepAlive-aware, exact knapsack) and with an LRU-only baseline (load what the
 * best queued job needs, evict least-recently-used idle models until it fits). The SimDevice records
 * resident VRAM at every load, independently of the kernel; the kernel's own usage is sampled at every
 * event. `npx tsx bench/kernel-budget/run.ts`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MB } from '../../src/models/cost.ts';
import type { Priority } from '../../src/kernel/priority.ts';
import { drain, simKernel, type SimModelDef } from '../../src/kernel/testing/sim-kernel.ts';
import { ROOT, median, printTable } from '../lib/harness.ts';
import { rng } from '../../src/kernel/testing/rng.ts';

const JOBS = 200;
const VRAM_MB = 3000;
const SLOTS = 3;
const MODEL_MB = [300, 600, 900, 1400, 2200];
const POPULARITY = [0.3, 0.25, 0.2, 0.15, 0.1];
const PRIORITY_MIX: [Priority, number][] = [['realtime', 0.1], ['interactive', 0.3], ['normal', 0.4], ['background', 0.2]];

interface TraceJob { at: number; pid: number; model: string; priority: Priority; maxTokens: number }

function makeTrace(seed: number): TraceJob[] {
  const r = rng(seed);
  const weighted = <T>(items: [T, number][]): T => {
    let x = r();
    for (const [v, w] of items) { if ((x -= w) < 0) return v; }
    return items[items.length - 1]![0];
  };
  const trace: TraceJob[] = [];
  let t = 0;
  let model = 'm0';
  for (let i = 0; i < JOBS; i++) {
    t += -Math.log(1 - r()) * 450; // Poisson arrivals, mean 450 ms apart
    // Sessions: a job mostly asks for the model the previous one used.
    if (r() > 0.6) model = weighted(MODEL_MB.map((_, k) => [`m${k}`, POPULARITY[k]!] as [string, number]));
    trace.push({ at: Math.round(t), pid: 1 + Math.floor(r() * 8), model, priority: weighted(PRIORITY_MIX), maxTokens: 16 + Math.floor(r() * 112) });
  }
  return trace;
}

async function replay(trace: TraceJob[], placement: 'optimal' | 'lru') {
  const models: Record<string, SimModelDef> = {};
  MODEL_MB.forEach((mb, k) => { models[`m${k}`] = { mb, backend: 'webgpu', msPerToken: 4 + mb / 200, loadMs: 80 + mb * 0.6 }; });
  const { clock, kernel, device } = await simKernel({ vramMB: VRAM_MB, ramMB: 64 * 1024, slots: SLOTS, models, kernel: { placement } });
  const pids = new Map<number, number>();
  for (let p = 1; p <= 8; p++) pids.set(p, kernel.spawn({ name: `app${p}` }, { priority: 'realtime' }));
  let maxResident = 0, evictions = 0;
  kernel.events.on('*', (d, type) => {
    maxResident = Math.max(maxResident, kernel.usage().vramBytes);
    if (type === 'model-evicted') evictions++;
    void d;
  });
  const done: { at: number; d: ReturnType<typeof drain>; job: TraceJob }[] = [];
  for (const job of trace) {
    await clock.advance(Math.max(0, job.at - clock.now()));
    const h = kernel.submit({ pid: pids.get(job.pid)!, model: job.model, prompt: `job at ${job.at}`, params: { maxTokens: job.maxTokens }, priority: job.priority });
    done.push({ at: clock.now(), d: drain(h), job });
  }
  await clock.runUntil(() => done.every((x) => x.d.settled), 24 * 3600_000).catch((e) => { console.log(placement, JSON.stringify(kernel.jobs().slice(0, 8)), JSON.stringify(kernel.models())); throw e; });
  const latency: number[] = [], ttftHigh: number[] = [];
  for (const x of done) {
    const out = await x.d.done;
    if (!out.result.ok) throw new Error(`job failed: ${String(out.result.e)}`);
    latency.push(out.result.r.usage.totalMs);
    if (x.job.priority === 'realtime' || x.job.priority === 'interactive') ttftHigh.push(out.result.r.usage.ttftMs);
  }
  const makespan = clock.now();
  kernel.shutdown();
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
  return {
    placement,
    loads: device.loads,
    evictions,
    peakVramMB: Math.round(device.peakVram / MB),
    maxKernelResidentMB: Math.round(maxResident / MB),
    budgetMB: VRAM_MB,
    violations: device.violations.length,
    medianLatencyMs: Math.round(median(latency)),
    p95LatencyMs: Math.round(p95(latency)),
    medianHighTtftMs: Math.round(median(ttftHigh)),
    makespanS: +(makespan / 1000).toFixed(1),
  };
}

const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const rows: Awaited<ReturnType<typeof replay>>[] & { seed?: number }[] = [];
for (const seed of seeds) {
  const trace = makeTrace(seed);
  for (const p of ['optimal', 'lru'] as const) rows.push({ seed, ...(await replay(trace, p)) });
}
const sum = (p: string, k: 'loads' | 'evictions') => rows.filter((r) => r.placement === p).reduce((a, r) => a + r[k], 0);
const summary = {
  jobsPerTrace: JOBS, models: MODEL_MB.map((m) => `${m} MB`).join(', '), vramBudgetMB: VRAM_MB, slots: SLOTS, traces: seeds.length,
  withinBudgetAtEveryInstant: rows.every((r) => r.violations === 0 && r.peakVramMB <= VRAM_MB && r.maxKernelResidentMB <= VRAM_MB),
  loadsPlacement: sum('optimal', 'loads'), loadsLru: sum('lru', 'loads'),
  evictionsPlacement: sum('optimal', 'evictions'), evictionsLru: sum('lru', 'evictions'),
  loadsRatio: +(sum('optimal', 'loads') / sum('lru', 'loads')).toFixed(3),
};
printTable('kernel-budget (simulated time)', rows);
console.log('summary:', JSON.stringify(summary, null, 2));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'kernel-budget.json'),
  JSON.stringify({ name: 'kernel-budget', date: new Date().toISOString(), simulated: true, rows, summary }, null, 2) + '\n');
