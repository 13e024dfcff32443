/** Test helpers: one Engine contract, run in-thread and through a real worker. */
import type { Engine, EngineKind, GenerateRequest, TokenEvent } from '../../src/protocol/engine';
import { EngineClient } from '../../src/kernel/engine-client';

export const TINY_URL = '/fixtures/tiny.gguf';
export const TINY_B_URL = '/fixtures/tiny-b.gguf';
export const BENCH_URL = '/fixtures/bench-40m.gguf';

/** Adapt a worker-backed `EngineClient` to the `Engine` interface, so one suite runs against both. */
export function clientAsEngine(client: EngineClient, kind: EngineKind): Engine & { client: EngineClient } {
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
  };
}

export async function collect(engine: Engine, req: GenerateRequest, signal?: AbortSignal) {
  const tokens: TokenEvent[] = [];
  const result = await engine.generate(req, (t) => tokens.push(t), signal);
  return { tokens, result, text: tokens.map((t) => t.text).join('') };
}

/** Greedy, byte tokens banned (random models emit invalid UTF-8 otherwise; see ENVIRONMENT.md). */
export function greedy(extra: Partial<GenerateRequest> = {}): GenerateRequest {
  const bias: Record<number, number> = {};
  for (let id = 3; id < 3 + 256; id++) bias[id] = -100;
  return { prompt: 'the model is', maxTokens: 16, temperature: 0, ignoreEos: true, logitBias: bias, ...extra };
}
