/**
 * Engine overhead: decode tokens/s of the ≈44 MB fixture through a worker + Comlink streaming, divided
 * by the same engine called in-thread, in the same run (7 alternating rounds; the ratio is the median of per-round ratios). Also decode
 * tokens/s against the memory-bandwidth roofline: weight bytes read per token vs read bandwidth
 * measured in this run with as many threads as the engine uses.
 */
import { WllamaEngine } from '../../src/engines/wllama-engine';
import type { Engine, GenerateResult } from '../../src/protocol/engine';
import { EngineClient } from '../../src/kernel/engine-client';
import { clientAsEngine, greedy, BENCH_URL } from '../../test/helpers/engines';
import { log, measureReadBandwidth, median, publish } from '../lib/page-utils';

const RUNS = 7;
const TOKENS = 128;
const THREADS = Math.max(1, navigator.hardwareConcurrency);

async function timed(engine: Engine) {
  let first = 0, last = 0, n = 0;
  const res: GenerateResult = await engine.generate(greedy({ maxTokens: TOKENS, prompt: 'the state of the world is' }), () => {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  });
  // Page-observed decode rate: tokens after the first, over the time they took to arrive here.
  const observed = n > 1 ? ((n - 1) * 1000) / (last - first) : 0;
  return { observed, engine: res.usage.decodeTokensPerSec, ttft: res.usage.ttftMs, tokens: n };
}

async function run() {
  const blob = await (await fetch(BENCH_URL)).blob();
  const source = { kind: 'gguf-blobs' as const, id: 'bench-40m', blobs: [blob] };
  const local = new WllamaEngine();
  const client = await EngineClient.start();
  const remote = clientAsEngine(client, 'wllama');
  const info = await local.load(source, { nThreads: THREADS, nCtx: 512 });
  await remote.load(source, { nThreads: THREADS, nCtx: 512 });
  await timed(local); await timed(remote); // warm-up
  const rows = [];
  const inThread: number[] = [], worker: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const paths = [['in-thread', local, inThread], ['worker+Comlink', remote, worker]] as const;
    // Alternate which path goes first, so neither always runs on a warmer (or busier) machine.
    for (const [label, e, arr] of i % 2 ? [paths[1], paths[0]] : paths) {
      const r = await timed(e);
      arr.push(r.observed);
      rows.push({ run: i + 1, path: label, 'decode tok/s (page)': r.observed, 'decode tok/s (engine)': r.engine, 'TTFT ms': r.ttft, tokens: r.tokens });
      log(label, r.observed.toFixed(1));
    }
  }
  await local.unload();
  await remote.unload();
  client.terminate();
  const bandwidth = await measureReadBandwidth(THREADS);
  const bytesPerToken = info.weightBytes;
  const roofline = bandwidth / bytesPerToken;
  const mw = median(worker), mi = median(inThread);
  // Rounds alternate the two paths, so each round's ratio compares neighbours in time (less noise).
  const roundRatios = worker.map((w, i) => w / inThread[i]!);
  publish({
    rows,
    summary: {
      model: 'bench-40m.gguf (f32)',
      weightMB: +(bytesPerToken / 1048576).toFixed(1),
      threads: THREADS,
      medianInThreadTokPerSec: +mi.toFixed(2),
      medianWorkerTokPerSec: +mw.toFixed(2),
      overheadRatio: +median(roundRatios).toFixed(3),
      ratioOfMedians: +(mw / mi).toFixed(3),
      readBandwidthGBps: +(bandwidth / 1e9).toFixed(2),
      rooflineTokPerSec: +roofline.toFixed(1),
      bandwidthFraction: +(mw / roofline).toFixed(3),
    },
  });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
