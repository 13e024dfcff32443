/**
 * Scheduler policy on simulated time with the SimEngine test double (part 2): aging, fair share, kill,
 * renice, queue limit, crashes, placement/eviction/keepAlive in the loop, bad input.
 */
import { describe, expect, test } from 'vitest';
import { BudgetError, PermissionError, QueueFullError, UnknownProcessError, WorkerCrashedError } from '../errors';
import { Kernel } from './kernel';
import { memorySettingsStore } from './settings-store';
import { jainIndex } from './run-queue';
import { EMPTY_PROBE, drain, okResult, simKernel, simReference } from './testing/sim-kernel';
import type { KernelEventRecord } from './events';

const P = (prompt: string, maxTokens = 20) => ({ prompt, params: { maxTokens } });

function types(h: readonly KernelEventRecord[], jobId?: string) {
  return h.filter((e) => !jobId || (e.detail as { jobId?: string }).jobId === jobId).map((e) => e.type);
}

describe('aging and fair share', () => {
  async function starvation(agingStepMs: number) {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { agingStepMs } });
    const ia = kernel.spawn({ name: 'ia' }, { priority: 'interactive' });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    let stop = false;
    // Constant interactive load: two outstanding jobs at all times.
    const loop = async () => {
      while (!stop) await drain(kernel.submit({ pid: ia, model: 'a', ...P('ia', 10) })).done;
    };
    void loop(); void loop();
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...P('bg', 10) }));
    await clock.advance(0);
    await clock.runUntil(() => low.settled, 30_000).catch(() => undefined);
    stop = true;
    const done = low.settled;
    await clock.runUntil(() => kernel.jobs().length === 0 || low.settled, 60_000).catch(() => undefined);
    kernel.shutdown();
    return done;
  }

  test('background progresses under constant interactive load thanks to aging; without aging it starves', async () => {
    expect(await starvation(1000)).toBe(true);
    expect(await starvation(Infinity)).toBe(false);
  });

  /** Jain's index over the tokens served in 20 s to 4 equal, always backlogged processes with unequal job sizes. */
  async function jainOverTokens(discipline: 'priority' | 'fifo') {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { discipline } });
    const sizes = [8, 16, 32, 64];
    const pids = sizes.map((_, i) => kernel.spawn({ name: `p${i}` }, { priority: 'normal' }));
    let stop = false;
    const served = [0, 0, 0, 0];
    kernel.events.on('job-finished', (d) => { served[pids.indexOf(d.pid)]! += d.tokens; });
    pids.forEach((pid, i) => {
      void (async () => { while (!stop) await drain(kernel.submit({ pid, model: 'a', ...P(`p${i}`, sizes[i]) })).done; })();
    });
    await clock.advance(20_000);
    stop = true;
    kernel.shutdown();
    // Every process was served: the index measures the split, not a stalled run.
    expect(served.every((t) => t > 0)).toBe(true);
    return jainIndex(served);
  }

  test("Jain's index over tokens of 4 equal processes with unequal job sizes is ≥ 0.95; FIFO gives < 0.8", async () => {
    expect(await jainOverTokens('priority')).toBeGreaterThanOrEqual(0.95);
    // Without fair share, jobs run in arrival order: per-job round robin, tokens ∝ job size (ideal 0.66).
    expect(await jainOverTokens('fifo')).toBeLessThan(0.8);
  });

  test('weights share tokens proportionally', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const heavy = kernel.spawn({ name: 'heavy' }, { priority: 'normal', weight: 3 });
    const light = kernel.spawn({ name: 'light' }, { priority: 'normal', weight: 1 });
    let stop = false;
    const served = new Map<number, number>();
    kernel.events.on('job-finished', (d) => served.set(d.pid, (served.get(d.pid) ?? 0) + d.tokens));
    // Both processes stay backlogged (two outstanding jobs each): fairness is defined among backlogged flows.
    for (const pid of [heavy, light, heavy, light]) void (async () => { while (!stop) await drain(kernel.submit({ pid, model: 'a', ...P('w', 10) })).done; })();
    await clock.advance(20_000);
    stop = true;
    const ratio = served.get(heavy)! / served.get(light)!;
    expect(ratio).toBeGreaterThan(2.6);
    expect(ratio).toBeLessThan(3.4);
    kernel.shutdown();
  });
});

describe('process control', () => {
  test('kill cancels queued and running jobs; others are unaffected', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const victim = kernel.spawn({ name: 'victim' }, { priority: 'normal' });
    const other = kernel.spawn({ name: 'other' }, { priority: 'normal' });
    const running = drain(kernel.submit({ pid: victim, model: 'a', ...P('v1', 100) }));
    const queued = drain(kernel.submit({ pid: victim, model: 'a', ...P('v2', 100) }));
    const fine = drain(kernel.submit({ pid: other, model: 'a', ...P('o', 10) }));
    await clock.runUntil(() => running.tokens.length >= 3);
    kernel.kill(victim);
    await clock.runUntil(() => running.settled && queued.settled && fine.settled);
    expect(okResult(await running.done).stopReason).toBe('abort');
    expect(okResult(await running.done).text).toBe((await running.done).text);
    expect(okResult(await queued.done)).toMatchObject({ stopReason: 'abort', text: '' });
    expect((await fine.done).text).toBe(simReference('a', { prompt: 'o' }, 10));
    expect(kernel.ps().find((p) => p.pid === victim)!.state).toBe('exited');
    expect(() => kernel.submit({ pid: victim, model: 'a', ...P('again') })).toThrow(UnknownProcessError);
    expect(() => kernel.kill(victim)).toThrow(UnknownProcessError);
  });

  test('renice lifts a queued job above a running one (which is preempted), and respects the quota', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const runner = kernel.spawn({ name: 'runner' }, { priority: 'normal' });
    const waiter = kernel.spawn({ name: 'waiter' }, { priority: 'background', quota: { maxPriority: 'interactive' } });
    const r = drain(kernel.submit({ pid: runner, model: 'a', ...P('r', 60) }));
    const w = drain(kernel.submit({ pid: waiter, model: 'a', ...P('w', 5) }));
    await clock.runUntil(() => r.tokens.length >= 5);
    expect(() => kernel.renice(waiter, 'realtime')).toThrow(PermissionError);
    kernel.renice(waiter, 'interactive');
    expect(kernel.ps().find((p) => p.pid === waiter)!.priority).toBe('interactive');
    await clock.runUntil(() => w.settled);
    expect(r.settled).toBe(false);
    await clock.runUntil(() => r.settled);
    expect(okResult(await r.done).preemptions).toBe(1);
    expect((await r.done).text).toBe(simReference('a', { prompt: 'r' }, 60));
    expect(() => kernel.renice(waiter, 'urgent' as never)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  test('the queue limit rejects at once with QueueFullError; queued work still completes', async () => {
    // One process may fill the whole queue here (queueShare 1): this is the kernel-wide limit.
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { queueLimit: 3, queueShare: 1 } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const hs = [1, 2, 3].map((i) => drain(kernel.submit({ pid, model: 'a', ...P(`q${i}`, 5) })));
    let err: unknown;
    try { kernel.submit({ pid, model: 'a', ...P('overflow') }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toMatchObject({ code: 'QUEUE_FULL', details: { limit: 3, queueLength: 3 } });
    await clock.runUntil(() => hs.every((h) => h.settled));
    for (const h of hs) expect(okResult(await h.done).stopReason).toBe('length');
    expect(kernel.submit({ pid, model: 'a', ...P('later') }).id).toMatch(/^job-/);
  });

  test('cancel via handle and AbortSignal; breaking out of the stream cancels too', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const ctrl = new AbortController();
    const a = drain(kernel.submit({ pid, model: 'a', ...P('a', 100), signal: ctrl.signal }));
    await clock.runUntil(() => a.tokens.length >= 4);
    ctrl.abort();
    await clock.runUntil(() => a.settled);
    expect(okResult(await a.done).stopReason).toBe('abort');
    const b = kernel.submit({ pid, model: 'a', ...P('b', 100) });
    let n = 0;
    const reader = (async () => { for await (const _t of b.tokens) if (++n === 3) break; })();
    await clock.runUntil(() => n >= 3);
    await reader;
    await clock.advance(50);
    await expect(b.result).resolves.toMatchObject({ stopReason: 'abort' });
    const pre = new AbortController();
    pre.abort();
    const c = kernel.submit({ pid, model: 'a', ...P('c'), signal: pre.signal });
    await expect(c.result).resolves.toMatchObject({ stopReason: 'abort', text: '' });
  });
});

describe('faults', () => {
  test('a worker crash mid-generation re-queues the job on a fresh worker; it completes exactly', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const h = drain(kernel.submit({ pid, model: 'a', ...P('crash me', 40) }));
    await clock.runUntil(() => h.tokens.length >= 15);
    engines[0]!.crash();
    await clock.runUntil(() => h.settled);
    const out = await h.done;
    expect(out.text).toBe(simReference('a', { prompt: 'crash me' }, 40));
    expect(okResult(out).retries).toBe(1);
    expect(engines.length).toBe(2);
    const t = types(kernel.events.history());
    expect(t).toContain('worker-crashed');
    expect(t).toContain('job-requeued');
    expect(kernel.events.history().find((e) => e.type === 'model-evicted')!.detail).toMatchObject({ reason: 'crash' });
  });

  test('after maxRetries crashes the job fails with WorkerCrashedError; the kernel keeps serving', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10 } }, kernel: { maxRetries: 1 } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const h = drain(kernel.submit({ pid, model: 'a', ...P('doomed', 100) }));
    for (let i = 0; i < 2; i++) {
      const seen = h.tokens.length;
      await clock.runUntil(() => h.tokens.length >= seen + 3);
      engines[engines.length - 1]!.crash();
    }
    await clock.runUntil(() => h.settled);
    const out = await h.done;
    expect(out.result.ok).toBe(false);
    expect(!out.result.ok && out.result.e).toBeInstanceOf(WorkerCrashedError);
    expect(out.streamError).toBeInstanceOf(WorkerCrashedError);
    const next = drain(kernel.submit({ pid, model: 'a', ...P('fine', 5) }));
    await clock.runUntil(() => next.settled);
    expect(okResult(await next.done).stopReason).toBe('length');
  });

  test('a failing model load fails that model’s jobs with its typed error, not others', async () => {
    const { clock, kernel } = await simKernel({ ramMB: 500, slots: 2, models: { bad: { mb: 10 }, good: { mb: 10 } }, engine: { failLoad: new Set(['bad']) } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const b = drain(kernel.submit({ pid, model: 'bad', ...P('x') }));
    const g = drain(kernel.submit({ pid, model: 'good', ...P('y', 5) }));
    await clock.runUntil(() => b.settled && g.settled);
    const bo = await b.done;
    expect(!bo.result.ok && bo.result.e).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(okResult(await g.done).stopReason).toBe('length');
  });
});

describe('placement in the loop', () => {
  test('a third model that does not fit evicts the least recently used idle one; residency never exceeds the budget', async () => {
    const { clock, kernel, device } = await simKernel({ ramMB: 250, slots: 3, models: { a: { mb: 100 }, b: { mb: 100 }, c: { mb: 100 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    for (const m of ['a', 'b']) {
      const h = drain(kernel.submit({ pid, model: m, ...P(m, 5) }));
      await clock.runUntil(() => h.settled);
      await clock.advance(1000);
    }
    const c = drain(kernel.submit({ pid, model: 'c', ...P('c', 5) }));
    await clock.runUntil(() => c.settled);
    const evicted = kernel.events.history().filter((e) => e.type === 'model-evicted');
    expect(evicted.map((e) => e.detail)).toEqual([expect.objectContaining({ model: 'a', reason: 'placement' })]);
    expect(kernel.models().map((m) => m.id).sort()).toEqual(['b', 'c']);
    expect(device.violations).toEqual([]);
    expect(device.peakRam).toBeLessThanOrEqual(250 * 1024 * 1024);
  });

  test('keepAlive: 0 unloads after use, default expires after 5 min idle, -1 pins', async () => {
    const { clock, kernel } = await simKernel({ ramMB: 1000, slots: 3, models: { zero: { mb: 10 }, dflt: { mb: 10 }, pin: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const hs = [
      drain(kernel.submit({ pid, model: 'zero', ...P('z', 3), keepAliveMs: 0 })),
      drain(kernel.submit({ pid, model: 'dflt', ...P('d', 3) })),
      drain(kernel.submit({ pid, model: 'pin', ...P('p', 3), keepAliveMs: -1 })),
    ];
    await clock.runUntil(() => hs.every((h) => h.settled));
    await clock.advance(100);
    expect(kernel.models().map((m) => m.id).sort()).toEqual(['dflt', 'pin']);
    await clock.advance(5 * 60_000);
    expect(kernel.models().map((m) => m.id)).toEqual(['pin']);
    await clock.advance(3600_000);
    expect(kernel.models().map((m) => m.id)).toEqual(['pin']);
    expect(kernel.models()[0]!.keepAliveMs).toBe(-1);
  });

  test('a pinned model is evicted last, only when queued work needs its room', async () => {
    const { clock, kernel } = await simKernel({ ramMB: 100, slots: 1, models: { pin: { mb: 80 }, other: { mb: 80 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const a = drain(kernel.submit({ pid, model: 'pin', ...P('a', 3), keepAliveMs: -1 }));
    await clock.runUntil(() => a.settled);
    const b = drain(kernel.submit({ pid, model: 'other', ...P('b', 3) }));
    await clock.runUntil(() => b.settled);
    expect(okResult(await b.done).stopReason).toBe('length');
  });

  test('shrinking the budget evicts what no longer fits and preempts its running job', async () => {
    const { clock, kernel, device } = await simKernel({ ramMB: 300, slots: 2, models: { a: { mb: 100 }, b: { mb: 100 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const a = drain(kernel.submit({ pid, model: 'a', ...P('a', 200) }));
    const b = drain(kernel.submit({ pid, model: 'b', ...P('b', 200) }));
    await clock.runUntil(() => a.tokens.length > 5 && b.tokens.length > 5);
    kernel.setBudget({ ramMB: 150 });
    await clock.runUntil(() => a.settled && b.settled);
    expect((await a.done).text).toBe(simReference('a', { prompt: 'a' }, 200));
    expect((await b.done).text).toBe(simReference('b', { prompt: 'b' }, 200));
    const pre = kernel.events.history().filter((e) => e.type === 'job-preempted');
    expect(pre.map((e) => (e.detail as { reason: string }).reason)).toEqual(['budget']);
    expect(device.violations).toEqual([]);
  });
});

describe('bad input and robustness', () => {
  test('typed errors for bad options, registrations and requests; the kernel keeps serving', async () => {
    const { clock, kernel } = await simKernel({ ramMB: 100, models: { a: { mb: 10 } } });
    expect(() => new Kernel({ budget: { ramMB: -1 }, settings: memorySettingsStore(), probe: async () => EMPTY_PROBE })).toThrow(BudgetError);
    expect(() => new Kernel({ queueLimit: 0, settings: memorySettingsStore() })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => new Kernel({ agingStepMs: Number.NaN, settings: memorySettingsStore() })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    const reg = { id: 'x', engine: 'wllama' as const, source: { kind: 'gguf-url' as const, id: 'x', url: '/x' } };
    expect(() => kernel.registerModel({ ...reg, weightBytes: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'weightBytes' }) }));
    expect(() => kernel.registerModel({ ...reg, weightBytes: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.registerModel({ ...reg, engine: 'magic' as never, weightBytes: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.registerModel({ ...reg, id: '', weightBytes: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    expect(() => kernel.spawn({ name: '' }, { priority: 'normal' })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.spawn({ name: 'w' }, { priority: 'normal', weight: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.submit({ pid, model: 'a', prompt: 'x', keepAliveMs: -7 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.submit({ pid, model: 'a' })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.submit({ pid, model: 'a', prompt: 'x', params: { maxTokens: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.submit(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.renice(12345, 'normal')).toThrow(UnknownProcessError);
    kernel.registerModel({ ...reg, id: 'big', weightBytes: 500 * 1024 * 1024, overheadBytes: 0 });
    expect(() => kernel.submit({ pid, model: 'big', prompt: 'x' })).toThrow(expect.objectContaining({ code: 'MODEL_TOO_LARGE', details: expect.objectContaining({ neededMB: 500, availableMB: 100 }) }));
    const h = drain(kernel.submit({ pid, model: 'a', ...P('still fine', 4) }));
    await clock.runUntil(() => h.settled);
    expect(okResult(await h.done).usage.completionTokens).toBe(4);
    kernel.shutdown();
    expect(() => kernel.submit({ pid, model: 'a', prompt: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: { shutdown: true } }));
  });

  test('a queued job whose model no longer fits after a budget cut fails typed; others continue', async () => {
    const { clock, kernel } = await simKernel({ ramMB: 300, models: { a: { mb: 10 }, b: { mb: 200 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const first = drain(kernel.submit({ pid, model: 'a', ...P('a', 30) }));
    const big = drain(kernel.submit({ pid, model: 'b', ...P('b', 3) }));
    await clock.runUntil(() => first.tokens.length > 2);
    kernel.setBudget({ ramMB: 100 });
    await clock.runUntil(() => first.settled && big.settled);
    const b = await big.done;
    expect(!b.result.ok && b.result.e).toMatchObject({ code: 'MODEL_TOO_LARGE', details: { neededMB: 200, availableMB: 100 } });
    expect(okResult(await first.done).stopReason).toBe('length');
  });

  test('a failing device probe falls back to defaults: the kernel still gets a budget', async () => {
    const k = new Kernel({ probe: async () => { throw new Error('no navigator'); }, settings: memorySettingsStore(), budget: { ramMB: 50 } });
    const b = await k.ready;
    expect(b.ramBytes).toBe(50 * 1024 * 1024);
    expect(b.slots).toBeGreaterThanOrEqual(1);
    k.shutdown();
  });

  test('fewer slots: the extra slot drains and its worker is terminated', async () => {
    const { clock, kernel, engines } = await simKernel({ ramMB: 500, slots: 2, models: { a: { mb: 10 }, b: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const hs = [drain(kernel.submit({ pid, model: 'a', ...P('a', 20) })), drain(kernel.submit({ pid, model: 'b', ...P('b', 20) }))];
    await clock.runUntil(() => hs.every((h) => h.tokens.length > 3));
    kernel.setBudget({ slots: 1 });
    await clock.runUntil(() => hs.every((h) => h.settled));
    await clock.advance(100);
    expect(engines.filter((e) => e.alive).length).toBe(1);
    const again = drain(kernel.submit({ pid, model: 'b', ...P('again', 3) }));
    await clock.runUntil(() => again.settled);
    expect(okResult(await again.done).stopReason).toBe('length');
  });
});
