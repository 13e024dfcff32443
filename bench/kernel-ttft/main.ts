/**
 * Interactive TTFT under load: time from `submit()` to the first token a chat window sees, while four
 * background processes keep long generations queued and running on the one slot, divided by the same
 * TTFT on an idle kernel — measured side by side in one run (idle and loaded phases alternate). The baseline is
 * the same kernel with the `fifo` discipline (one class, submission order, no preemption): there the
 * chat waits for the background work ahead of it. Model: the ≈44 MB fixture (decode ≈ 45 tok/s here).
 */
import type { Kernel } from '../../src/kernel/kernel';
import type { Priority } from '../../src/kernel/priority';
import { log, median, publish } from '../lib/page-utils';
import { BYTE_BIAS, WORDS, benchKernel, consume } from '../kernel-overhead/kernel-bench-utils';

const MODEL = 'bench-40m';
const CYCLES = 3;
const TRIALS = 5;
const FIFO_TRIALS = 3;
const BG_TOKENS = 128;
const SYSTEM = 'you are a small local model in the browser and you answer the question of the people in a few words with the state of the world and the work of the day';
const greedyParams = (maxTokens: number) => ({ maxTokens, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One chat turn (system + user), a different user word each trial so no prompt is cached. */
async function chatTtft(kernel: Kernel, pid: number, i: number): Promise<number> {
  const messages = [{ role: 'system' as const, content: SYSTEM }, { role: 'user' as const, content: `what is the ${WORDS[i % WORDS.length]} of the world` }];
  const t0 = performance.now();
  return (await consume(kernel.submit({ pid, model: MODEL, messages, params: greedyParams(8) }), t0)).ttft;
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

async function loaded(kernel: Kernel, chat: number, bgPriority: Priority, trials: number, offset: number) {
  const stop = backgroundLoad(kernel, bgPriority);
  const out: number[] = [];
  await sleep(800); // background generation under way
  for (let i = 0; i < trials; i++) {
    out.push(await chatTtft(kernel, chat, offset + i));
    log('loaded', bgPriority, out.at(-1)!.toFixed(1));
    await sleep(400); // let the preempted job resume before the next chat turn
  }
  await stop();
  return out;
}

async function run() {
  const rows: Record<string, string | number>[] = [];
  const { kernel } = await benchKernel();
  const chat = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
  for (let i = 0; i < 4; i++) await chatTtft(kernel, chat, 90 + i); // loads the model, warms caches
  // Idle and loaded phases alternate, so drift (JIT, caches, other load on the machine) hits both.
  const idle: number[] = [], busy: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < TRIALS; i++) idle.push(await chatTtft(kernel, chat, cycle * 20 + i));
    busy.push(...await loaded(kernel, chat, 'background', TRIALS, cycle * 20 + 10));
  }
  const preemptions = kernel.events.history().filter((e) => e.type === 'job-preempted').length;
  kernel.shutdown();

  const fifoK = await benchKernel({ discipline: 'fifo' });
  const fchat = fifoK.kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
  for (let i = 0; i < 4; i++) await chatTtft(fifoK.kernel, fchat, 290 + i);
  const fifoIdle: number[] = [];
  for (let i = 0; i < TRIALS; i++) fifoIdle.push(await chatTtft(fifoK.kernel, fchat, 300 + i));
  const fifoBusy = await loaded(fifoK.kernel, fchat, 'background', FIFO_TRIALS, 400);
  fifoK.kernel.shutdown();

  const add = (condition: string, xs: number[]) => xs.forEach((v, i) => rows.push({ condition, trial: i + 1, 'TTFT ms': +v.toFixed(1) }));
  add('kernel idle', idle);
  add('kernel + 4 background', busy);
  add('fifo idle', fifoIdle);
  add('fifo + 4 background', fifoBusy);
  publish({
    rows,
    summary: {
      model: MODEL, slots: 1, threads: navigator.hardwareConcurrency, backgroundTokensPerJob: BG_TOKENS,
      idleTtftMsMedian: +median(idle).toFixed(1),
      cycles: CYCLES, trialsPerPhase: TRIALS,
      loadedTtftMsMedian: +median(busy).toFixed(1),
      ratio: +(median(busy) / median(idle)).toFixed(3),
      preemptions,
      fifoIdleTtftMsMedian: +median(fifoIdle).toFixed(1),
      fifoLoadedTtftMsMedian: +median(fifoBusy).toFixed(1),
      fifoRatio: +(median(fifoBusy) / median(fifoIdle)).toFixed(3),
      goal: 'ratio ≤ 1.3',
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
