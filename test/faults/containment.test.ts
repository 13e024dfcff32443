/**
 * Containment with real engine workers and real hostile models: `tiny-wedge.gguf` carries a chat
 * template that loops (≈ 10^12 iterations inside llama.cpp) when the last message says "wedge", and
 * `tiny-wedge-load.gguf` one that loops whenever it is rendered, at load included. Neither answers an
 * abort or an interrupt — only terminating the worker ends them. The kernel must end such a job for its
 * caller at once, reclaim the slot after its grace period, serve the other app, trip watchdogs, and
 * quarantine a model whose load hangs, instead of retrying it forever.
 */
import { afterEach, describe, expect } from 'vitest';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle } from '../../src/kernel/types';
import { LlmOsError } from '../../src/errors';
import { greedy, TINY_URL } from '../helpers/engines';
import { faultCase } from './reliability';

let kernel: Kernel | null = null;
afterEach(() => { kernel?.shutdown(); kernel = null; });

const MODELS = [['tiny', TINY_URL], ['wedge', '/fixtures/tiny-wedge.gguf'], ['wedge-load', '/fixtures/tiny-wedge-load.gguf']] as const;

/** A one-slot kernel with real workers; `clients` lists every worker it started. */
async function oneSlotKernel(options: KernelOptions = {}) {
  const clients: EngineClient[] = [];
  const k = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(); clients.push(c); return c; },
    settings: memorySettingsStore(), budget: { ramMB: 200, vramMB: 0, slots: 1 }, ...options,
  });
  kernel = k;
  await k.ready;
  for (const [id, url] of MODELS) {
    const cost = await describeGguf(await (await fetch(url)).blob(), 256);
    k.registerModel({ id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 256 });
  }
  return { k, clients };
}

/** A greedy chat request (the chat path renders the model's own template). */
function chat(k: Kernel, pid: number, model: string, content: string, maxTokens = 8): JobHandle {
  const { prompt: _p, ...params } = greedy({ maxTokens });
  return k.submit({ pid, model, messages: [{ role: 'user', content }], params });
}

async function settle(h: JobHandle) {
  const tokens: string[] = [];
  try { for await (const t of h.tokens) tokens.push(t.text); } catch { /* the result says why */ }
  return h.result.then((r) => ({ ok: true as const, r, tokens }), (e: unknown) => ({ ok: false as const, e: e as LlmOsError, tokens }));
}

/** Resolves when `type` is emitted (with its detail). */
function next<T>(k: Kernel, type: Parameters<Kernel['events']['on']>[0]): Promise<T> {
  return new Promise((resolve) => { const off = k.events.on(type, (d) => { off(); resolve(d as T); }); });
}

describe('containment with real wedged workers', () => {
  faultCase('containment', 'a chat template that loops at generation; the app is killed', 'the job ends at once for its caller; the worker is terminated after the grace period; another app\'s job then completes', async () => {
    const { k, clients } = await oneSlotKernel({ killGraceMs: 500 });
    const bad = k.spawn({ name: 'bad app' }, { priority: 'normal' });
    const good = k.spawn({ name: 'good app' }, { priority: 'normal' });
    // The wedge model works for ordinary messages.
    const fine = await settle(chat(k, bad, 'wedge', 'hello there'));
    expect(fine.ok).toBe(true);
    const started = next<{ jobId: string }>(k, 'job-started');
    const wedged = chat(k, bad, 'wedge', 'please wedge now');
    await started;
    const other = chat(k, good, 'tiny', 'the kernel of the model');
    // Three seconds later it is still wedged: no first token, the other app still waits.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(k.jobs().find((j) => j.id === wedged.id)?.state).toBe('running');
    expect(k.jobs().find((j) => j.id === other.id)?.state).not.toBe('running');
    const t0 = performance.now();
    k.kill(bad);
    const r = await settle(wedged);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(r.ok && r.r.stopReason).toBe('abort');
    const done = await settle(other);
    expect(done.ok).toBe(true);
    expect(done.tokens.length).toBe(8);
    const reclaimed = k.events.history().filter((e) => e.type === 'worker-reclaimed');
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]!.detail).toMatchObject({ model: 'wedge', pid: bad, cause: 'cancel' });
    expect(clients[0]!.alive).toBe(false); // terminated
    expect(clients.length).toBe(2);        // a fresh worker served the other app
  }, 90_000);

  faultCase('containment', 'a chat template that loops at generation; no one cancels', 'the first-token watchdog ends it with TimeoutError (limit first-token); the slot is reclaimed and serves the next job', async () => {
    const { k } = await oneSlotKernel({ killGraceMs: 300 });
    const pid = k.spawn({ name: 'app' }, { priority: 'normal', limits: { firstTokenMs: 2_000 } });
    const wedged = await settle(chat(k, pid, 'wedge', 'wedge please'));
    expect(wedged.ok).toBe(false);
    if (!wedged.ok) expect(wedged.e).toMatchObject({ code: 'TIMEOUT', details: { limit: 'first-token', limitMs: 2_000 } });
    const after = await settle(chat(k, pid, 'tiny', 'and now something else'));
    expect(after.ok).toBe(true);
    expect(k.events.history().map((e) => e.type)).toEqual(expect.arrayContaining(['job-timed-out', 'worker-reclaimed']));
  }, 90_000);

  faultCase('containment', 'a chat template that loops at load', 'two timed-out loads, then the model is quarantined (MODEL_QUARANTINED at once for new requests); other models keep working', async () => {
    const { k } = await oneSlotKernel({ loadTimeoutMs: 5_000 });
    const pid = k.spawn({ name: 'app' }, { priority: 'normal' });
    const t0 = performance.now();
    const first = await settle(chat(k, pid, 'wedge-load', 'hello'));
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.e).toMatchObject({ code: 'MODEL_QUARANTINED', details: { model: 'wedge-load', failures: 2, cause: 'TIMEOUT' } });
    expect(performance.now() - t0).toBeLessThan(25_000); // two attempts of 5 s and worker restarts, not forever
    expect(k.quarantined().map((q) => q.model)).toEqual(['wedge-load']);
    expect(() => chat(k, pid, 'wedge-load', 'again')).toThrow(expect.objectContaining({ code: 'MODEL_QUARANTINED' }));
    const other = await settle(chat(k, pid, 'tiny', 'the model is'));
    expect(other.ok).toBe(true);
  }, 90_000);
});
