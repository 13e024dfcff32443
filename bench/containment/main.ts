/**
 * Containment, measured with real engine workers and a real hostile model (`tiny-wedge.gguf`: its chat
 * template loops inside llama.cpp when the last message says "wedge"; neither abort nor interrupt reach
 * it).
 *
 * 1. **Kill → slot free.** One slot. A wedged job holds it; a job of another app waits. `kill()` of the
 *    wedged app, then: the time until the kernel starts loading the waiting job's model on that slot
 *    (the slot accepted the next job: grace period + terminating the worker), and until that job's first
 *    token (a fresh worker and a model load on top). ≥ 20 kills; kills alternate between groups A and B
 *    as an A/A control (same condition, so their p50 ratio shows the noise).
 * 2. **Interactive TTFT beside a hostile job ÷ idle.** Two slots. A chat turn on the 40 MB fixture in
 *    slot 1, idle vs while a wedged template spins a CPU core in slot 0 (ended each time by its
 *    first-token watchdog); phases alternate, and idle trials alternate between groups A and B (A/A).
 */
import type { Kernel } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { log, median, publish } from '../lib/page-utils';
import { BYTE_BIAS, WORDS, benchKernel, consume } from '../kernel-overhead/kernel-bench-utils';

const KILLS = 20;
const CYCLES = 4;
const TRIALS = 5;
const WEDGE_URL = '/fixtures/tiny-wedge.gguf';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const greedy = (maxTokens: number) => ({ maxTokens, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS });

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}
const stats = (xs: number[]) => ({ p50: +quantile(xs, 0.5).toFixed(1), p95: +quantile(xs, 0.95).toFixed(1), min: +Math.min(...xs).toFixed(1), max: +Math.max(...xs).toFixed(1), n: xs.length });

async function registerWedge(kernel: Kernel): Promise<void> {
  const cost = await describeGguf(await (await fetch(WEDGE_URL)).blob(), 256);
  kernel.registerModel({ id: 'wedge', engine: 'wllama', source: { kind: 'gguf-url', id: 'wedge', url: WEDGE_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 256 });
}

function nextEvent(kernel: Kernel, type: 'job-started' | 'model-loading' | 'worker-reclaimed', pred: (d: Record<string, unknown>) => boolean = () => true): Promise<number> {
  return new Promise((resolve) => {
    const off = kernel.events.on(type, (d) => { if (pred(d as unknown as Record<string, unknown>)) { off(); resolve(performance.now()); } });
  });
}

async function killToSlot() {
  const { kernel } = await benchKernel({ killGraceMs: 500 });
  await registerWedge(kernel);
  const good = kernel.spawn({ name: 'good' }, { priority: 'normal' });
  const slotFree: number[] = [], firstToken: number[] = [], reclaimAfter: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    const bad = kernel.spawn({ name: `bad ${i}` }, { priority: 'normal' });
    const started = nextEvent(kernel, 'job-started', (d) => d['pid'] === bad);
    const wedged = kernel.submit({ pid: bad, model: 'wedge', messages: [{ role: 'user', content: `wedge ${i}` }], params: greedy(8) });
    void wedged.result.catch(() => undefined);
    await started;
    const probe = kernel.submit({ pid: good, model: 'tiny', prompt: `the ${WORDS[i % WORDS.length]} of the model`, params: greedy(4) });
    await sleep(300); // wedged for a while: the probe waits
    const loading = nextEvent(kernel, 'model-loading', (d) => d['model'] === 'tiny');
    const reclaimed = nextEvent(kernel, 'worker-reclaimed');
    const t0 = performance.now();
    kernel.kill(bad);
    const { ttft } = await consume(probe, t0);
    slotFree.push((await loading) - t0);
    reclaimAfter.push((await reclaimed) - t0);
    firstToken.push(ttft);
    log('kill', i, slotFree.at(-1)!.toFixed(0), ttft.toFixed(0));
  }
  kernel.shutdown();
  const a = slotFree.filter((_, i) => i % 2 === 0), b = slotFree.filter((_, i) => i % 2 === 1);
  return { slotFree, firstToken, reclaimAfter, aa: median(b) / median(a) };
}

async function ttftBesideHostile() {
  const { kernel } = await benchKernel({ budget: { slots: 2, ramMB: 1024, vramMB: 0 }, killGraceMs: 500 });
  await registerWedge(kernel);
  const chat = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
  const hostile = kernel.spawn({ name: 'hostile' }, { priority: 'interactive', limits: { firstTokenMs: 4_000 } });
  const turn = async (i: number) => {
    const t0 = performance.now();
    return (await consume(kernel.submit({ pid: chat, model: 'bench-40m', messages: [{ role: 'user', content: `what is the ${WORDS[i % WORDS.length]} of the world` }], params: greedy(8) }), t0)).ttft;
  };
  for (let i = 0; i < 3; i++) await turn(90 + i); // load and warm
  const idleA: number[] = [], idleB: number[] = [], busy: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    for (let i = 0; i < TRIALS; i++) (i % 2 ? idleB : idleA).push(await turn(c * 20 + i));
    const started = nextEvent(kernel, 'job-started', (d) => d['pid'] === hostile);
    const h = kernel.submit({ pid: hostile, model: 'wedge', messages: [{ role: 'user', content: 'wedge' }], params: greedy(8) });
    void h.result.catch(() => undefined);
    await started;
    await sleep(200); // the template loop is spinning
    for (let i = 0; i < TRIALS; i++) busy.push(await turn(c * 20 + 10 + i));
    await h.result.catch(() => undefined); // its watchdog ends it; the slot is reclaimed
    await sleep(600);
  }
  const reclaims = kernel.events.history().filter((e) => e.type === 'worker-reclaimed').length;
  kernel.shutdown();
  const idle = [...idleA, ...idleB];
  return { idle, busy, ratio: median(busy) / median(idle), aa: median(idleB) / median(idleA), reclaims };
}

async function run() {
  const k = await killToSlot();
  const t = await ttftBesideHostile();
  const rows = [
    { measure: 'kill → slot takes the next job (ms)', ...stats(k.slotFree) },
    { measure: 'kill → worker terminated (ms)', ...stats(k.reclaimAfter) },
    { measure: 'kill → next job first token (ms, fresh worker + load)', ...stats(k.firstToken) },
    { measure: 'interactive TTFT idle (ms)', ...stats(t.idle) },
    { measure: 'interactive TTFT beside a wedged job (ms)', ...stats(t.busy) },
  ];
  publish({
    rows,
    summary: {
      kills: KILLS, killGraceMs: 500,
      killToSlotP50Ms: stats(k.slotFree).p50, killToSlotP95Ms: stats(k.slotFree).p95, killAaRatio: +k.aa.toFixed(3),
      ttftIdleP50Ms: stats(t.idle).p50, ttftHostileP50Ms: stats(t.busy).p50, ttftHostileP95Ms: stats(t.busy).p95,
      ttftRatio: +t.ratio.toFixed(3), ttftRatioP95: +(quantile(t.busy, 0.95) / quantile(t.idle, 0.95)).toFixed(3), ttftAaRatio: +t.aa.toFixed(3),
      hostileReclaims: t.reclaims,
      goal: 'kill → slot p95 ≤ 1000 ms; TTFT beside hostile ÷ idle ≤ 1.5',
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
