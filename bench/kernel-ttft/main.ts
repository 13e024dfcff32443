/**
 * Interactive TTFT under load: time from `submit()` to the first token a chat window sees, while four
 * background processes keep 128-token generations running on the one slot, divided by the same TTFT on
 * an idle kernel — measured side by side in one run (idle and loaded phases alternate), on the kernel's
 * defaults: the model's 4 llama.cpp sequences decode together (jobsPerSlot null), so the four background
 * jobs fill the slot and the chat preempts one of them. Reported as p50 and p95 (the slow tail) with the
 * range; A/A control: idle trials alternate between arms A and B (identical), B ÷ A ≈ 1 is the noise
 * floor. Baseline: the same kernel with the `fifo` discipline (one class, submission order, no
 * preemption), where the chat waits for a background job to end. Model: the ≈ 44 MB fixture, one
 * llama.cpp thread (query `threads`; see bench/kernel-resume/common.ts for why), every chat turn a
 * fresh prompt (two varying words) so no prompt is served from the cache.
 */
import type { Kernel } from '../../src/kernel/kernel';
import type { Priority } from '../../src/kernel/priority';
import { log, publish } from '../lib/page-utils';
import { round, spread } from '../lib/stats';
import { BYTE_BIAS, DEFAULT_BENCH_MODELS, WORDS, benchKernel, consume, sleep, warmUp } from '../kernel-overhead/kernel-bench-utils';

const MODEL = 'bench-40m';
const THREADS = Math.max(1, Number(new URLSearchParams(location.search).get('threads') ?? 1) || 1);
const CYCLES = 4;
/** Idle trials per cycle (alternating A, B) and loaded trials per cycle. */
const IDLE_TRIALS = 6;
const LOADED_TRIALS = 6;
const FIFO_TRIALS = 3;
const BG_TOKENS = 128;
const SYSTEM = 'you are a small local model in the browser and you answer the question of the people in a few words with the state of the world and the work of the day';
const greedyParams = (maxTokens: number) => ({ maxTokens, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS });
const MODELS = DEFAULT_BENCH_MODELS.filter((m) => m.id === MODEL);

let turn = 0;
/** A chat turn's TTFT and, of it, its queue wait (submit → dispatch: under load, the preempted job's stop). */
interface Turn { ttft: number; wait: number }

/** One chat turn (system + user), two words that change every turn so no prompt is cached. */
async function chatTtft(kernel: Kernel, pid: number): Promise<Turn> {
  const i = turn++;
  const words = `${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]}`;
  const messages = [{ role: 'system' as const, content: SYSTEM }, { role: 'user' as const, content: `what is the ${words} of the world` }];
  const t0 = performance.now();
  const c = await consume(kernel.submit({ pid, model: MODEL, messages, params: greedyParams(8) }), t0);
  return { ttft: c.ttft, wait: c.result.queueWaitMs };
}

/** Four background processes, each keeping one long generation outstanding until stopped. */
function backgroundLoad(kernel: Kernel, priority: Priority) {
  let stop = false;
  const pids = [0, 1, 2, 3].map((k) => kernel.spawn({ name: `background ${k}` }, { priority }));
  const loops = pids.map(async (pid, k) => {
    for (let n = 0; !stop; n++) {
      const h = kernel.submit({ pid, model: MODEL, prompt: `the ${WORDS[(k * 5 + n) % WORDS.length]} of the model is`, params: greedyParams(BG_TOKENS) });
      await h.result.catch(() => undefined);
    }
  });
  return async () => { stop = true; for (const pid of pids) kernel.kill(pid); await Promise.all(loops); };
}

async function loaded(kernel: Kernel, chat: number, trials: number) {
  const stop = backgroundLoad(kernel, 'background');
  const out: Turn[] = [];
  await sleep(800); // background generation under way
  for (let i = 0; i < trials; i++) {
    out.push(await chatTtft(kernel, chat));
    log('loaded', JSON.stringify(out.at(-1)));
    await sleep(400); // let the preempted job resume before the next chat turn
  }
  await stop();
  return out;
}

async function warm(kernel: Kernel, chat: number) {
  const w = await warmUp(async () => (await chatTtft(kernel, chat)).ttft);
  log('warm-up', w.map((t) => t.toFixed(0)).join(' '));
}

const d1 = (x: number) => round(x, 1);

async function run() {
  const { kernel } = await benchKernel({}, MODELS, THREADS);
  const chat = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
  await warm(kernel, chat); // loads the model, warms caches
  // Idle and loaded phases alternate, so drift (JIT, caches, other load on the machine) hits both.
  const idleA: Turn[] = [], idleB: Turn[] = [], busy: Turn[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < IDLE_TRIALS; i++) ((cycle + i) % 2 ? idleB : idleA).push(await chatTtft(kernel, chat));
    busy.push(...await loaded(kernel, chat, LOADED_TRIALS));
  }
  const preemptions = kernel.events.history().filter((e) => e.type === 'job-preempted').length;
  const sequences = kernel.registeredModels().find((m) => m.id === MODEL)!.sequences;
  kernel.shutdown();

  const fifoK = await benchKernel({ discipline: 'fifo' }, MODELS, THREADS);
  const fchat = fifoK.kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
  await warm(fifoK.kernel, fchat);
  const fifoIdle: Turn[] = [];
  for (let i = 0; i < IDLE_TRIALS; i++) fifoIdle.push(await chatTtft(fifoK.kernel, fchat));
  const fifoBusy = await loaded(fifoK.kernel, fchat, FIFO_TRIALS);
  fifoK.kernel.shutdown();

  const idle = [...idleA, ...idleB];
  const ttft = (xs: Turn[]) => spread(xs.map((x) => x.ttft));
  const si = ttft(idle), sb = ttft(busy), sa = ttft(idleA), sB = ttft(idleB), fi = ttft(fifoIdle), fb = ttft(fifoBusy);
  const row = (condition: string, xs: Turn[], base: ReturnType<typeof spread>, goal: string) => {
    const s = ttft(xs);
    return {
      condition, trials: s.n, 'TTFT ms p50': d1(s.p50), 'TTFT ms p95': d1(s.p95), 'min–max ms': `${d1(s.min)}–${d1(s.max)}`,
      '÷ idle p50': round(s.p50 / base.p50), '÷ idle p95': round(s.p95 / base.p95),
      'of which queued ms p50': d1(spread(xs.map((x) => x.wait)).p50), goal,
    };
  };
  const trials: Record<string, string | number>[] = [];
  const add = (condition: string, xs: Turn[]) => xs.forEach((v, i) => trials.push({ condition, trial: i + 1, 'TTFT ms': d1(v.ttft), 'queued ms': d1(v.wait) }));
  add('idle A', idleA); add('idle B', idleB); add('+ 4 background', busy); add('fifo idle', fifoIdle); add('fifo + 4 background', fifoBusy);
  publish({
    rows: [
      row('kernel idle (A and B)', idle, si, '—'),
      row('A/A: idle B ÷ idle A', idleB, sa, '≈ 1'),
      row('kernel + 4 background (batched)', busy, si, 'p50 ≤ 1.3, p95 ≤ 2.0'),
      row('fifo idle', fifoIdle, fi, '—'),
      row('fifo + 4 background', fifoBusy, fi, 'baseline'),
    ],
    trials,
    summary: {
      model: MODEL, slots: 1, sequences, jobsPerSlot: 'null (default: the model\'s sequences)', threads: THREADS, cores: navigator.hardwareConcurrency,
      backgroundTokensPerJob: BG_TOKENS, cycles: CYCLES, idleTrialsPerCycle: IDLE_TRIALS, loadedTrialsPerCycle: LOADED_TRIALS,
      idleTtftMsMedian: d1(si.p50), loadedTtftMsMedian: d1(sb.p50),
      ratio: round(sb.p50 / si.p50), ratioP95: round(sb.p95 / si.p95),
      aaRatio: round(sB.p50 / sa.p50), aaRatioP95: round(sB.p95 / sa.p95),
      preemptions,
      fifoIdleTtftMsMedian: d1(fi.p50), fifoLoadedTtftMsMedian: d1(fb.p50), fifoRatio: round(fb.p50 / fi.p50),
      goal: 'ratio (p50) ≤ 1.3, ratioP95 ≤ 2.0',
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
