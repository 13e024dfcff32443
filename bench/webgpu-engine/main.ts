/**
 * The f32 WebGPU engine beside wllama (llama.cpp, CPU wasm) on the same GGUF fixtures, in one run:
 * prefill tokens/s (a fresh ~60-token prompt each time, so no prompt cache helps) and decode tokens/s
 * (greedy, byte tokens banned), 3 alternating runs per engine and model, medians; the wllama figure in
 * the summary is the better of its all-cores and one-thread configurations. Here WebGPU is
 * SwiftShader (a CPU rasteriser): the ratio says what the engine costs on a software adapter, not
 * what it does on a GPU. Where a real GPU exists, the same page runs it there.
 * Then batching.ts: four concurrent jobs on one model through the kernel, batched vs serial.
 * Query `only=batching`: the batching part alone (development).
 */
import { WllamaEngine } from '../../src/engines/wllama-engine';
import { WebGpuEngine } from '../../src/engines/webgpu/webgpu-engine';
import type { Engine } from '../../src/protocol/engine';
import { greedy } from '../../test/helpers/engines';
import { log, median, publish } from '../lib/page-utils';
import { webgpuBatchingPart } from './batching';

const RUNS = 3;
const THREADS = Math.max(1, navigator.hardwareConcurrency);
const MODELS = [
  { file: 'tiny.gguf', decode: 64 },
  { file: 'bench-40m-q8.gguf', decode: 16 },
];
const WORDS = 'the state of the world is that every model in the browser has a kernel and a graph of memory with many small workers';

async function measure(engine: Engine, run: number, decodeTokens: number) {
  // A different first word each run: neither engine can reuse a cached prompt prefix.
  const prompt = `${['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'][run % 6]} ${WORDS} ${WORDS}`;
  const pre = await engine.generate(greedy({ prompt, maxTokens: 1 }), () => {});
  const dec = await engine.generate(greedy({ prompt: `${run} ${WORDS}`, maxTokens: decodeTokens }), () => {});
  return { promptTokens: pre.usage.promptTokens, prefill: pre.usage.prefillTokensPerSec, decode: dec.usage.decodeTokensPerSec, tokens: dec.usage.completionTokens };
}

async function run() {
  if (new URLSearchParams(location.search).get('only') === 'batching') {
    const b = await webgpuBatchingPart();
    publish({ rows: [], batching: b.rows, summary: b.summary });
    return;
  }
  const rows: Record<string, string | number>[] = [];
  const summary: Record<string, string | number> = { threads: THREADS };
  for (const m of MODELS) {
    const url = `/fixtures/${m.file}`;
    // wllama twice: with every core (its default here) and with one thread, which degrades less when
    // other processes compete for the cores (its threads spin at barriers).
    const engines: [string, Engine, number][] = [
      [`wllama (wasm, ${THREADS} threads)`, new WllamaEngine(), THREADS],
      ['wllama (wasm, 1 thread)', new WllamaEngine(), 1],
      ['webgpu (this engine)', new WebGpuEngine(), 1],
    ];
    for (const [, e, nThreads] of engines) {
      await e.load({ kind: 'gguf-url', id: m.file, url }, { nThreads, nCtx: 512 });
      await measure(e, 99, 4); // warm-up: pipelines compiled, caches touched
    }
    const res = new Map<string, { prefill: number[]; decode: number[] }>(engines.map(([n]) => [n, { prefill: [], decode: [] }]));
    const best = (k: 'prefill' | 'decode') => Math.max(median(res.get(engines[0]![0])![k]), median(res.get(engines[1]![0])![k]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, e] of engines) {
        const r = await measure(e, i, m.decode).catch((err: unknown) => {
          // A failed run is reported, not fatal: the other engines' figures still stand.
          log(m.file, name, 'run failed:', err instanceof Error ? err.message : String(err));
          return { promptTokens: 0, prefill: NaN, decode: NaN, tokens: 0 };
        });
        if (Number.isFinite(r.prefill)) res.get(name)!.prefill.push(r.prefill);
        if (Number.isFinite(r.decode)) res.get(name)!.decode.push(r.decode);
        rows.push({ model: m.file, engine: name, run: i + 1, 'prompt tok': r.promptTokens, 'prefill tok/s': r.prefill, 'decode tok/s': r.decode });
        log(m.file, name, r.prefill.toFixed(1), r.decode.toFixed(1));
      }
    }
    const caps = engines[2]![1].capabilities();
    summary.adapter = `${caps.adapter?.vendor ?? ''}/${caps.adapter?.architecture ?? ''} f16=${caps.f16}`;
    summary.wllamaBackend = engines[0]![1].capabilities().backend;
    const g = res.get(engines[2]![0])!;
    const key = m.file.replace('.gguf', '');
    for (const k of ['decode', 'prefill'] as const) {
      summary[`${key}.wllama.${k}`] = +best(k).toFixed(1);
      summary[`${key}.webgpu.${k}`] = +median(g[k]).toFixed(1);
      summary[`${key}.webgpu/wllama.${k}`] = +(median(g[k]) / best(k)).toFixed(3);
    }
    summary[`${key}.webgpu.gpuMB`] = +((engines[2]![1] as WebGpuEngine).gpuBytes() / 1048576).toFixed(1);
    for (const [, e] of engines) await e.unload();
  }
  const batching = await webgpuBatchingPart();
  publish({ rows, batching: batching.rows, summary: { ...summary, ...batching.summary } });
}

run().catch((e) => publish({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
