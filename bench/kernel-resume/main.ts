/**
 * The kernel's resume, prompt-reuse and batching figures, in one page (headless Chromium, one wllama
 * worker per kernel, one llama.cpp thread unless query `threads` says otherwise: see common.ts):
 * preemption.ts (1), chat.ts (2), batching.ts (3). Every figure is a ratio per repetition, reported as
 * p50 / p95 with its range and an A/A control (the same arm measured twice, interleaved: the noise
 * floor). Query `quick`: fewer repetitions (development only).
 */
import { log, publish } from '../lib/page-utils';
import { benchKernel } from '../kernel-overhead/kernel-bench-utils';
import { batchingPart } from './batching';
import { chatPart } from './chat';
import { CHARS, QUICK, THREADS, WORDPIECE } from './common';
import { preemptionPart } from './preemption';

async function run() {
  const t0 = performance.now();
  // Parts 1 and 2 share one kernel (one model load: each load costs a slow warm-up here).
  const { kernel } = await benchKernel({ jobsPerSlot: 1 }, [CHARS], THREADS);
  const preemption = await preemptionPart(kernel);
  log('part 1 done', ((performance.now() - t0) / 1000).toFixed(0), 's');
  const chat = await chatPart(kernel);
  kernel.shutdown();
  log('part 2 done', ((performance.now() - t0) / 1000).toFixed(0), 's');
  const batching = await batchingPart();
  log('part 3 done', ((performance.now() - t0) / 1000).toFixed(0), 's');
  publish({
    rows: [...preemption.overview, ...chat.overview, ...batching.overview],
    preemption: preemption.rows,
    chat: chat.rows,
    batching: batching.rows,
    summary: {
      models: `${CHARS.id} (1, 2: one-character vocabulary, nCtx ${CHARS.nCtx}), ${WORDPIECE.id} (3)`,
      threads: THREADS,
      cores: navigator.hardwareConcurrency,
      inexactResumes: preemption.inexact,
      ...(QUICK ? { quick: 'yes (fewer repetitions: development only)' } : {}),
      seconds: Math.round((performance.now() - t0) / 1000),
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) }));
