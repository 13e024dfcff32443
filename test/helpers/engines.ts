/** Test helpers: one Engine contract, run in-thread and through a real worker. */
import type * as Comlink from 'comlink';
import type { Engine, EngineKind, EngineStats, GenerateRequest, TokenEvent } from '../../src/protocol/engine';
import { EngineClient } from '../../src/kernel/engine-client';
import { EngineHost } from '../../src/engines/engine-host';
import type { TestEngineHostApi } from '../workers/engine-test.worker';

export const TINY_URL = '/fixtures/tiny.gguf';
export const TINY_B_URL = '/fixtures/tiny-b.gguf';
/** tiny.gguf's weights, every token valid UTF-8 on its own (what log probabilities on wllama need). */
export const TINY_UTF8_URL = '/fixtures/tiny-utf8.gguf';
/** tiny.gguf's architecture over a one-character vocabulary: its output tokenises back to the same ids. */
export const TINY_CHARS_URL = '/fixtures/tiny-chars.gguf';
export const BENCH_URL = '/fixtures/bench-40m.gguf';

/**
 * An engine as its callers see it: the engine's own methods plus what `EngineHost` adds for every
 * engine (interrupt, statistics; replay and abort handling happen inside `generate`).
 */
export interface HostedEngine extends Engine {
  interrupt(): void;
  /** As of the end of the last load, generate or unload. */
  stats(): EngineStats;
}

/** Adapt a worker-backed `EngineClient` to `HostedEngine`, so one suite runs against both. */
export function clientAsEngine(client: EngineClient, kind: EngineKind): HostedEngine & { client: EngineClient } {
  let caps: Awaited<ReturnType<EngineClient['capabilities']>> | null = null;
  let stats: Awaited<ReturnType<EngineClient['stats']>> | null = null;
  return {
    kind,
    client,
    load: async (s, o, p) => { const r = await client.load(kind, s, o, p); caps = await client.capabilities(); stats = await client.stats(); return r; },
    generate: async (r, t, sig) => { const res = await client.generate(r, t, sig); stats = await client.stats(); return res; },
    interrupt: () => void client.interrupt(),
    unload: async () => { await client.unload(); stats = await client.stats(); },
    capabilities: () => caps!,
    stats: () => stats!,
    loadedModel: () => stats?.modelId ?? null,
  };
}

let jobSeq = 0;

/**
 * Host `engine` in this thread with the production `EngineHost` (what an engine worker runs, minus the
 * worker), as a `HostedEngine`; `engine` stays reachable for its own extras.
 */
export function hostAsEngine<E extends Engine>(engine: E): HostedEngine & { engine: E; host: EngineHost } {
  const kind = engine.kind;
  const host = new EngineHost({ [kind]: async () => engine });
  let stats: EngineStats = { modelId: null, loaded: false, generations: 0, tokensGenerated: 0, busy: false, lastUsage: null };
  const refresh = async () => { stats = await host.stats(); };
  return {
    kind,
    engine,
    host,
    load: (s, o, p) => host.load(kind, s, o ?? {}, p).finally(refresh),
    generate: (r, t, sig) => host.generate(`in-thread-${jobSeq++}`, r, (batch) => { for (const x of batch) t(x); }, sig).finally(refresh),
    interrupt: () => host.interrupt(),
    unload: () => host.unload().finally(refresh),
    capabilities: () => engine.capabilities(),
    stats: () => stats,
    loadedModel: () => engine.loadedModel(),
  };
}

const testWorkers = new WeakSet<Worker>();

/**
 * Start the test engine worker (test/workers/engine-test.worker.ts): the production `EngineHost` plus
 * test hooks (`crashWorker`). Pass it to `EngineClient.start()`, e.g. in a kernel's `createEngine`.
 */
export function spawnTestEngineWorker(name = 'llmos-test-engine'): Worker {
  const worker = new Worker(new URL('../workers/engine-test.worker.ts', import.meta.url), { type: 'module', name });
  testWorkers.add(worker);
  return worker;
}

/** Make a test engine worker die the way a crash would (no reply, no cleanup). */
export function crashWorker(client: EngineClient): void {
  if (!testWorkers.has(client.worker)) throw new Error('crashWorker() needs a client of spawnTestEngineWorker()');
  void (client.remote as unknown as Comlink.Remote<TestEngineHostApi>).crash();
}

export async function collect(engine: Engine, req: GenerateRequest, signal?: AbortSignal) {
  const tokens: TokenEvent[] = [];
  const result = await engine.generate(req, (t) => tokens.push(t), signal);
  return { tokens, result, text: tokens.map((t) => t.text).join('') };
}

/**
 * Greedy over `tiny-chars.gguf` so that the output tokenises back to the same ids (as a real model's
 * does; wllama resumes a preempted run from its text): byte tokens and specials banned, since their
 * text is not generated back.
 */
export function canonical(extra: Partial<GenerateRequest> = {}): GenerateRequest {
  const g = greedy(extra);
  return { ...g, logitBias: { ...g.logitBias, ...CANONICAL_BIAS } };
}
const CANONICAL_BIAS: Record<number, number> = { 0: -100, 1: -100, 2: -100, 259: -100 };

/** Greedy, byte tokens banned (random models emit invalid UTF-8 otherwise; see docs/architecture.md, "Measured on these machines"). */
export function greedy(extra: Partial<GenerateRequest> = {}): GenerateRequest {
  const bias: Record<number, number> = {};
  for (let id = 3; id < 3 + 256; id++) bias[id] = -100;
  return { prompt: 'the model is', maxTokens: 16, temperature: 0, ignoreEos: true, logitBias: bias, ...extra };
}
