/**
 * Roofline: decode tokens/s of wllama (llama.cpp in wasm, 2 threads, in our engine worker) against the
 * memory-bandwidth roofline, for an overhead-bound small model (bench-40m, 42 MB f32) and a
 * bandwidth-bound large one (≈ 1.1 GB f32, built by run.ts into a temp folder).
 *
 * 1. Read bandwidth with wasm SIMD (bench/lib/bandwidth.ts): 1 and N threads reading concurrently from
 *    1 GiB each, 2 GiB a pass, two identical arms A/B interleaved (A/A control).
 * 2. Decode: per model, one warm-up then repeated greedy runs of 64 tokens (ignoreEos), runs labelled
 *    A/B alternately (a second A/A control). Rate = tokens after the first ÷ their time, on the page.
 *    After each run, one N-thread bandwidth pass (arm "with <model>"): the machine is shared and its
 *    bandwidth drifts, so each model's roofline uses the bandwidth measured beside its own runs.
 * 3. Roofline tokens/s = that bandwidth (p50) ÷ bytes read a token (bytes.ts: weights once, one
 *    embedding row, KV cache at the mean context). report.ts turns it into rows and a summary.
 *
 * Query: `large=<url>` (required), `quick` (fewer passes and runs, for development).
 */
import { EngineClient } from '../../src/kernel/engine-client';
import { readGgufHeader } from '../../src/models/gguf-header';
import type { Engine, GenerateResult } from '../../src/protocol/engine';
import { clientAsEngine, greedy, BENCH_URL } from '../../test/helpers/engines';
import { BandwidthProbe, measureBandwidth, type BandwidthPass } from '../lib/bandwidth';
import { log, publish } from '../lib/page-utils';
import { tokenBytes } from './bytes';
import { besideArm, buildReport, type DecodeRun, type ModelMeasure } from './report';

const query = new URLSearchParams(location.search);
const QUICK = query.has('quick');
const THREADS = Math.max(1, navigator.hardwareConcurrency);
const TOKENS = 64;
const N_CTX = 512;
const PROMPT = 'the state of the world is';
const GiB = 1024 ** 3;
/** Bytes a bandwidth pass reads, all threads together. */
const PASS_BYTES = 2 * GiB;
/** Pause between a decode run and the bandwidth pass beside it. */
const SETTLE_MS = 200;

const MODELS = [
  { name: 'bench-40m (f32)', url: BENCH_URL, runs: QUICK ? 4 : 12 },
  { name: 'roofline-1g (f32)', url: query.get('large') ?? '', runs: QUICK ? 3 : 8 },
];

async function timedRun(engine: Engine): Promise<Omit<DecodeRun, 'model' | 'run' | 'arm'>> {
  let first = 0, last = 0, n = 0;
  const res: GenerateResult = await engine.generate(greedy({ maxTokens: TOKENS, prompt: PROMPT }), () => {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  });
  if (n < 2) throw new Error(`decode produced ${n} tokens`);
  const msPerToken = (last - first) / (n - 1);
  return { tokens: n, msPerToken, tokPerSec: 1000 / msPerToken, engineTokPerSec: res.usage.decodeTokensPerSec, promptTokens: res.usage.promptTokens };
}

async function decodeModel(client: EngineClient, probe: BandwidthProbe, m: (typeof MODELS)[number], passes: BandwidthPass[]): Promise<ModelMeasure> {
  if (!m.url) throw new Error(`no URL for ${m.name} (run through bench/roofline/run.ts)`);
  const engine = clientAsEngine(client, 'wllama');
  const t0 = performance.now();
  const response = await fetch(m.url);
  if (!response.ok) throw new Error(`${m.url}: HTTP ${response.status}`);
  const blob = await response.blob();
  const header = await readGgufHeader(blob);
  const info = await engine.load({ kind: 'gguf-blobs', id: m.name, blobs: [blob] }, { nThreads: THREADS, nCtx: N_CTX, backend: 'wasm' });
  const backend = String(info.metadata?.backend ?? '?');
  log(`${m.name}: ${(blob.size / 1e6).toFixed(1)} MB loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${backend}`);
  const runs: DecodeRun[] = [];
  try {
    await timedRun(engine); // warm-up
    for (let i = 0; i < m.runs; i++) {
      const r = { model: m.name, run: i + 1, arm: i % 2 ? 'B' : 'A', ...(await timedRun(engine)) };
      runs.push(r);
      // Settle first: a pass started the moment a run ends read slow in a trial (3–10 GB/s in 4 of 7, where
      // passes 100 ms later read 11–30 on the same loaded machine): the engine's threads do not idle at once.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const bw = { ...(await probe.pass(THREADS, PASS_BYTES)), arm: besideArm(m.name), pass: i + 1 };
      passes.push(bw);
      log(`${m.name} run ${r.run}/${m.runs} (${r.arm}): ${r.tokPerSec.toFixed(2)} tok/s, ${r.msPerToken.toFixed(2)} ms/token; then ${bw.gbps.toFixed(2)} GB/s`);
    }
  } finally {
    await engine.unload();
  }
  // Decode step k (k = 1 … TOKENS−1 of the timed ones) attends to prompt + k positions: the mean is prompt + TOKENS/2.
  const context = (runs[0]?.promptTokens ?? 0) + TOKENS / 2;
  return { name: m.name, fileBytes: blob.size, backend, threads: THREADS, bytes: tokenBytes(header, context), runs };
}

async function run(): Promise<void> {
  if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated (SharedArrayBuffer needed)');
  const threadCounts = [...new Set([1, THREADS])];
  log(`bandwidth: threads ${threadCounts.join(', ')}…`);
  const probe = await BandwidthProbe.start(THREADS, THREADS <= 2 ? GiB : GiB / 2);
  const models: ModelMeasure[] = [];
  let passes: BandwidthPass[];
  try {
    passes = await measureBandwidth(probe, {
      threadCounts, minBytesPerPass: PASS_BYTES, passes: QUICK ? 4 : 12,
      onPass: (p) => log(`bandwidth ${p.threads} thread(s) arm ${p.arm} pass ${p.pass}: ${p.gbps.toFixed(2)} GB/s`),
    });
    const client = await EngineClient.start();
    try {
      for (const m of MODELS) models.push(await decodeModel(client, probe, m, passes));
    } finally {
      client.terminate();
    }
  } finally {
    probe.terminate();
  }
  publish(buildReport({ threads: THREADS, tokens: TOKENS, nCtx: N_CTX, quick: QUICK, passes, models }));
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
