/**
 * Kernel overhead: decode tokens/s as a job's consumer sees them through `kernel.submit()` → token
 * stream, divided by the same worker called directly (`EngineClient.generate`), in the same run, on the
 * same worker and loaded model, alternating which goes first. The ratio is the median of per-round
 * ratios (pairs run back to back, so drift from other load on the machine cancels), with the ratio of
 * medians beside it, and an A/A control (direct ÷ direct, same pairing) that shows the noise floor of
 * this machine. Also the TTFT the kernel adds (median of per-round differences). Both fixture models:
 * the ≈1 MB one decodes fastest, so per-token costs show most.
 */
import type { EngineClient } from '../../src/kernel/engine-client';
import type { Kernel } from '../../src/kernel/kernel';
import { log, median, publish } from '../lib/page-utils';
import { BYTE_BIAS, WORDS, benchKernel, consume } from './kernel-bench-utils';

const ROUNDS = 14;
const TOKENS = 256;
const params = { maxTokens: TOKENS, temperature: 0, ignoreEos: true, logitBias: BYTE_BIAS };

async function direct(client: EngineClient, prompt: string) {
  let first = 0, last = 0, n = 0;
  const t0 = performance.now();
  await client.generate({ prompt, ...params }, () => {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  });
  return { ttft: first - t0, decode: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n };
}

async function viaKernel(kernel: Kernel, pid: number, model: string, prompt: string) {
  const t0 = performance.now();
  return consume(kernel.submit({ pid, model, prompt, params, keepAliveMs: -1 }), t0);
}

async function run() {
  const { kernel, clients } = await benchKernel();
  const pid = kernel.spawn({ name: 'bench' }, { priority: 'interactive' });
  const rows: Record<string, string | number>[] = [];
  const summary: Record<string, number | string> = { tokensPerRun: TOKENS, rounds: ROUNDS, threads: navigator.hardwareConcurrency };
  for (const model of ['tiny', 'bench-40m']) {
    // Warm-up loads the model into the kernel's (only) worker; direct runs then use that same worker.
    await viaKernel(kernel, pid, model, 'the model is');
    const client = clients[0]!;
    await direct(client, 'the model is');
    await viaKernel(kernel, pid, model, 'the model is');
    await direct(client, 'the model is');
    const d: number[] = [], k: number[] = [], dt: number[] = [], kt: number[] = [], diff: number[] = [], ratio: number[] = [], aa: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Distinct one-token words keep prompts equally long and out of the prompt cache.
      const pd = `the ${WORDS[(2 * i) % WORDS.length]} of the`, pk = `the ${WORDS[(2 * i + 1) % WORDS.length]} of the`;
      const pa = `the ${WORDS[(2 * i + 7) % WORDS.length]} of the`;
      const order = i % 2 === 0 ? ['direct', 'kernel', 'control'] : ['control', 'kernel', 'direct'];
      const r: Record<string, Awaited<ReturnType<typeof direct>>> = {};
      for (const path of order) {
        r[path] = path === 'kernel' ? await viaKernel(kernel, pid, model, pk) : await direct(client, path === 'direct' ? pd : pa);
      }
      aa.push(r.control!.decode / r.direct!.decode);
      d.push(r.direct!.decode); k.push(r.kernel!.decode); dt.push(r.direct!.ttft); kt.push(r.kernel!.ttft);
      diff.push(r.kernel!.ttft - r.direct!.ttft);
      ratio.push(r.kernel!.decode / r.direct!.decode);
      for (const path of ['direct', 'kernel']) {
        rows.push({ model, round: i + 1, path, 'decode tok/s': +r[path]!.decode.toFixed(2), 'TTFT ms': +r[path]!.ttft.toFixed(1), tokens: r[path]!.tokens });
      }
      log(model, i, r.direct!.decode.toFixed(1), r.kernel!.decode.toFixed(1));
    }
    summary[`${model}.directTokPerSec`] = +median(d).toFixed(2);
    summary[`${model}.kernelTokPerSec`] = +median(k).toFixed(2);
    summary[`${model}.ratio`] = +median(ratio).toFixed(3);
    summary[`${model}.ratioOfMedians`] = +(median(k) / median(d)).toFixed(3);
    summary[`${model}.controlRatioAA`] = +median(aa).toFixed(3);
    summary[`${model}.directTtftMs`] = +median(dt).toFixed(1);
    summary[`${model}.kernelTtftMs`] = +median(kt).toFixed(1);
    summary[`${model}.addedTtftMsMedian`] = +median(diff).toFixed(2);
  }
  kernel.shutdown();
  summary.goal = 'ratio ≥ 0.98';
  publish({ rows, summary });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
