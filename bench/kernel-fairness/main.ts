/**
 * Fair share: four processes of one class, each keeping two jobs outstanding, with different job
 * sizes (16, 32, 64, 128 tokens). Over a window, count the tokens each process received (as its
 * consumers saw them) and compute Jain's index (1 = equal shares). Per-job round robin would give
 * tokens in proportion to job size (index 0.66); the kernel shares tokens. The `fifo` discipline runs
 * the same load beside it. Model: the ≈1 MB fixture, one slot.
 */
import type { Kernel } from '../../src/kernel/kernel';
import { jainIndex } from '../../src/kernel/run-queue';
import { log, publish } from '../lib/page-utils';
import { BYTE_BIAS, WORDS, benchKernel } from '../kernel-overhead/kernel-bench-utils';

const SIZES = [16, 32, 64, 128];
const WARMUP_MS = 2000;
const WINDOW_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(kernel: Kernel) {
  const pids = SIZES.map((_, i) => kernel.spawn({ name: `p${i}` }, { priority: 'normal' }));
  const tokens = [0, 0, 0, 0];
  let windowStart = Infinity, windowEnd = Infinity, stop = false;
  const loops = pids.flatMap((pid, i) => [0, 1].map(async (lane) => {
    for (let n = 0; !stop; n++) {
      const h = kernel.submit({
        pid, model: 'tiny', prompt: `the ${WORDS[(i * 7 + lane * 3 + n) % WORDS.length]} of the`,
        params: { maxTokens: SIZES[i]!, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS },
      });
      try {
        for await (const _t of h.tokens) {
          const now = performance.now();
          if (now >= windowStart && now < windowEnd) tokens[i]!++;
        }
      } catch { /* killed at the end */ }
    }
  }));
  await sleep(WARMUP_MS);
  windowStart = performance.now();
  windowEnd = windowStart + WINDOW_MS;
  await sleep(WINDOW_MS);
  stop = true;
  for (const pid of pids) kernel.kill(pid);
  await Promise.all(loops);
  return tokens;
}

async function run() {
  const fair = await benchKernel();
  await fair.kernel.submit({ pid: fair.kernel.spawn({ name: 'warm' }, { priority: 'normal' }), model: 'tiny', prompt: 'the', params: { maxTokens: 2 } }).result;
  const k = await measure(fair.kernel);
  fair.kernel.shutdown();
  log('kernel', k.join(' '));
  const fifo = await benchKernel({ discipline: 'fifo' });
  await fifo.kernel.submit({ pid: fifo.kernel.spawn({ name: 'warm' }, { priority: 'normal' }), model: 'tiny', prompt: 'the', params: { maxTokens: 2 } }).result;
  const f = await measure(fifo.kernel);
  fifo.kernel.shutdown();
  log('fifo', f.join(' '));
  const rows = SIZES.map((size, i) => ({ process: `p${i}`, 'job tokens': size, 'kernel tokens': k[i]!, 'fifo tokens': f[i]! }));
  publish({
    rows,
    summary: {
      windowMs: WINDOW_MS, model: 'tiny', slots: 1,
      jainKernel: +jainIndex(k).toFixed(4),
      jainFifo: +jainIndex(f).toFixed(4),
      tokensKernel: k.reduce((a, b) => a + b, 0),
      tokensFifo: f.reduce((a, b) => a + b, 0),
      goal: 'Jain ≥ 0.95',
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
