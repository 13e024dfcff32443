/**
 * Shared by the kernel benchmark pages: a kernel with one real wllama worker slot and the fixture
 * models registered (costs from their GGUF headers), a consumer that timestamps a job's tokens, and a
 * recorder of each job's scheduling events.
 */
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle, JobResult } from '../../src/kernel/types';
import { BENCH_URL, TINY_URL } from '../../test/helpers/engines';

/** Byte tokens banned, as in test/helpers/engines.ts `greedy()` (random models emit invalid UTF-8). */
export const BYTE_BIAS: Record<number, number> = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [i + 3, -100]));

/**
 * For the one-character fixtures: byte tokens and the specials (`<unk>`, BOS, EOS, `<|im_start|>`)
 * banned too, as in test/helpers/engines.ts `canonical()`, so that greedy output tokenises back to the
 * ids it was generated as (a resume from its text, or a reply in the next turn's history, is exact).
 */
export const CHARS_BIAS: Record<number, number> = { ...BYTE_BIAS, 0: -100, 1: -100, 2: -100, 259: -100 };

/** One-token words of the fixture vocabulary, to vary prompts without changing their length. */
export const WORDS = 'time people world state life work day year water right three model token kernel graph memory stream worker browser local'.split(' ');

/** bench-40m's layers over a one-character vocabulary (test/fixtures/generate.ts). */
export const BENCH_CHARS_URL = '/fixtures/bench-40m-chars.gguf';

/** A fixture to register: id, URL, context per sequence, and sequences (default: the engine's). */
export interface BenchModel { id: string; url: string; nCtx: number; sequences?: number; engine?: 'wllama' | 'webgpu' }

/** What `benchKernel()` registers unless told otherwise. */
export const DEFAULT_BENCH_MODELS: readonly BenchModel[] = [
  { id: 'tiny', url: TINY_URL, nCtx: 1024 },
  { id: 'bench-40m', url: BENCH_URL, nCtx: 1024 },
];

/**
 * A kernel with one slot (one engine worker) and `models` registered (on wllama unless a model says
 * `engine`); `threads` is llama.cpp's thread count per model (default: every core).
 */
export async function benchKernel(options: KernelOptions = {}, models: readonly BenchModel[] = DEFAULT_BENCH_MODELS, threads = navigator.hardwareConcurrency) {
  const clients: EngineClient[] = [];
  const kernel = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(); clients.push(c); return c; },
    settings: memorySettingsStore(), budget: { slots: 1, ramMB: 1024, vramMB: 0 }, ...options,
  });
  await kernel.ready;
  for (const { id, url, nCtx, sequences, engine = 'wllama' } of models) {
    const cost = await describeGguf(await (await fetch(url)).blob(), nCtx);
    kernel.registerModel({
      id, engine, source: { kind: 'gguf-url', id, url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes,
      nCtx, loadOptions: { nThreads: threads }, ...(sequences !== undefined ? { sequences } : {}),
    });
  }
  return { kernel, clients };
}

/** What `consume()` measured of one job. */
export interface Consumed {
  /** `t0` → first token, ms. */
  ttft: number;
  /** Tokens/s between the first and the last token (0 for one token). */
  decode: number;
  /** Token events received. */
  tokens: number;
  /** `t0` → the result, ms. */
  totalMs: number;
  result: JobResult;
}

/**
 * Time a job from `t0` as its consumer sees it. `onToken` sees the text received so far after each
 * token (e.g. to act at the Nth token).
 */
export async function consume(h: JobHandle, t0: number, onToken?: (text: string, events: number) => void): Promise<Consumed> {
  let first = 0, last = 0, n = 0, text = '';
  for await (const t of h.tokens) {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
    if (onToken) { text += t.text; onToken(text, n); }
  }
  const result = await h.result;
  return { ttft: first - t0, decode: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n, totalMs: performance.now() - t0, result };
}

/** The scheduling events of one job (kernel clock, ms). */
export interface JobTrace {
  startedAt: number | null;
  finishedAt: number | null;
  /** `job-preempted`: delivered tokens (events) at the preemption. */
  preempted: { at: number; tokens: number }[];
  /** `job-resumed`: engine tokens the resumed run continued from, and how. */
  resumed: { at: number; tokens: number; mode: 'prefill' | 'replay' }[];
}

/** Record every job's events from now on (by job id); call the returned `stop` to unsubscribe. */
export function traceJobs(kernel: Kernel): { traces: Map<string, JobTrace>; stop: () => void } {
  const traces = new Map<string, JobTrace>();
  const of = (id: string) => {
    let t = traces.get(id);
    if (!t) traces.set(id, t = { startedAt: null, finishedAt: null, preempted: [], resumed: [] });
    return t;
  };
  const offs = [
    kernel.events.on('job-started', (d) => { of(d.jobId).startedAt = d.at; }),
    kernel.events.on('job-finished', (d) => { of(d.jobId).finishedAt = d.at; }),
    kernel.events.on('job-preempted', (d) => { of(d.jobId).preempted.push({ at: d.at, tokens: d.tokens }); }),
    kernel.events.on('job-resumed', (d) => { of(d.jobId).resumed.push({ at: d.at, tokens: d.tokens, mode: d.mode }); }),
  ];
  return { traces, stop: () => offs.forEach((off) => off()) };
}

/**
 * A lowercase tag unique per `i` and of fixed length (`letters`), to start a prompt with so that
 * nothing of it is in llama.cpp's prompt cache (one-character vocabularies: `letters` tokens).
 */
export function uniqueTag(i: number, letters = 4): string {
  let s = '';
  for (let k = 0, n = i; k < letters; k++, n = Math.floor(n / 26)) s = String.fromCharCode(97 + (n % 26)) + s;
  return s;
}

/**
 * Warm a freshly loaded model up: call `run` (one job, returning its time) until the last three runs
 * are within 30 % of each other (slowest ÷ fastest ≤ 1.3), at most `max` times. The first generations after a load are slow
 * (measured here: 5–20 s for the first 96 tokens, then ≈ 1 s, then ≈ 0.4 s: wllama's new wasm worker
 * compiling and tiering up).
 */
export async function warmUp(run: () => Promise<number>, max = 8): Promise<number[]> {
  const times: number[] = [];
  while (times.length < max) {
    times.push(await run());
    const last = times.slice(-3);
    if (last.length === 3 && Math.max(...last) <= Math.min(...last) * 1.3) break;
  }
  return times;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
