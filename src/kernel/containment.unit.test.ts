/**
 * Containment on simulated time with `SimEngine` wedges (an engine deaf to abort and interrupt, as a
 * chat template looping inside llama.cpp is): hard kill after the grace period, watchdogs, reclaimed
 * workers' other jobs, quarantine of models whose loads fail, fair admission. The same behaviour on real
 * workers with a real looping template is in `containment.test.ts`.
 */
import { describe, expect, test } from 'vitest';
import { LlmOsError, QueueFullError } from '../errors';
import type { KernelEventRecord } from './events';
import { drain, okResult, simKernel, simReference } from './testing/sim-kernel';

const P = (prompt: string, maxTokens = 20) => ({ prompt, params: { maxTokens } });
const WEDGE = { hangWord: 'wedge' };

function events(h: readonly KernelEventRecord[], type: string) {
  return h.filter((e) => e.type === type).map((e) => e.detail as unknown as Record<string, unknown>);
}

function failure(x: { result: { ok: true } | { ok: false; e: unknown } }): LlmOsError {
  if (x.result.ok) throw new Error('expected the job to fail');
  expect(x.result.e).toBeInstanceOf(LlmOsError);
  return x.result.e as LlmOsError;
}

describe('hard kill', () => {
  test('cancel ends a wedged job at once; after the grace period its worker is terminated and the slot serves the next job', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10 } }, engine: { ...WEDGE, hangAfter: 3 }, kernel: { killGraceMs: 500, agingStepMs: 60_000 } });
    const bad = kernel.spawn({ name: 'bad' }, { priority: 'normal' });
    const good = kernel.spawn({ name: 'good' }, { priority: 'normal' });
    const wedged = drain(kernel.submit({ pid: bad, model: 'a', ...P('please wedge', 50) }));
    await clock.runUntil(() => wedged.tokens.length === 3);
    const next = drain(kernel.submit({ pid: good, model: 'a', ...P('after', 5) }));
    await clock.advance(10_000);
    expect(next.tokens).toHaveLength(0); // the wedged run holds the only slot
    const cancelledAt = clock.now();
    kernel.kill(bad);
    await clock.runUntil(() => wedged.settled);
    expect(clock.now() - cancelledAt).toBe(0); // ended for its caller at once
    expect(okResult(await wedged.done).stopReason).toBe('abort');
    expect(okResult(await wedged.done).text).toBe(simReference('a', { prompt: 'please wedge' }, 3));
    await clock.runUntil(() => next.settled);
    expect(okResult(await next.done).text).toBe(simReference('a', { prompt: 'after' }, 5));
    const reclaimed = events(kernel.events.history(), 'worker-reclaimed');
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]).toMatchObject({ slot: 0, model: 'a', pid: bad, cause: 'cancel', waitedMs: 500, requeued: [] });
    expect(engines[0]!.alive).toBe(false);
    expect(engines.length).toBe(2); // a fresh worker, started lazily for the next job
  });

  test('a run that stops on its own within the grace period keeps its worker', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const h = kernel.submit({ pid, model: 'a', ...P('fine', 50) });
    const d = drain(h);
    await clock.runUntil(() => d.tokens.length === 5);
    h.cancel();
    await clock.advance(5_000);
    expect(okResult(await d.done).stopReason).toBe('abort');
    expect(events(kernel.events.history(), 'worker-reclaimed')).toHaveLength(0);
    expect(engines.every((e) => e.alive)).toBe(true);
  });

  test('the other jobs on a reclaimed worker are re-queued without counting a retry and complete exactly', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, engine: { ...WEDGE, hangAfter: 2 }, kernel: { jobsPerSlot: 2 } });
    const bad = kernel.spawn({ name: 'bad' }, { priority: 'normal' });
    const good = kernel.spawn({ name: 'good' }, { priority: 'normal' });
    const wedged = kernel.submit({ pid: bad, model: 'a', ...P('wedge now', 50) });
    const w = drain(wedged);
    const innocent = drain(kernel.submit({ pid: good, model: 'a', ...P('innocent', 200) }));
    await clock.runUntil(() => innocent.tokens.length >= 10 && w.tokens.length === 2);
    wedged.cancel();
    await clock.runUntil(() => innocent.settled);
    const r = okResult(await innocent.done);
    expect(r.text).toBe(simReference('a', { prompt: 'innocent' }, 200));
    expect(r.retries).toBe(0);
    expect(innocent.tokens.map((t) => t.index)).toEqual([...Array(200).keys()]);
    const requeued = events(kernel.events.history(), 'job-requeued');
    expect(requeued).toEqual([expect.objectContaining({ pid: good, reason: 'worker-reclaimed', retries: 0 })]);
    expect(events(kernel.events.history(), 'worker-reclaimed')[0]).toMatchObject({ requeued: [expect.stringMatching(/^job-2-/)] });
  });

  test('a wedged low-priority job that ignores preemption is reclaimed, and the higher class runs', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, engine: { ...WEDGE, hangAfter: 1 } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'ia' }, { priority: 'interactive' });
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...P('wedge in the background', 30) }));
    await clock.runUntil(() => low.tokens.length === 1);
    const high = drain(kernel.submit({ pid: ia, model: 'a', ...P('urgent', 5) }));
    await clock.runUntil(() => high.settled, 10_000);
    expect(okResult(await high.done).text).toBe(simReference('a', { prompt: 'urgent' }, 5));
    expect(events(kernel.events.history(), 'worker-reclaimed')[0]).toMatchObject({ cause: 'preempt', pid: bg });
    // The culprit is resumed (its crash counted) and, wedging again, ends by its watchdog: it never hangs.
    await clock.runUntil(() => low.settled, 3_600_000);
    expect(failure(await low.done).code).toMatch(/^(TIMEOUT|WORKER_CRASHED)$/);
  });
});

describe('watchdogs', () => {
  test('first-token, inter-token and wall limits end the job with TimeoutError naming the limit', async () => {
    const { clock, kernel } = await simKernel({
      models: { a: { mb: 10, msPerToken: 10 } }, engine: { ...WEDGE, hangAfter: 0 }, slots: 1,
      kernel: { firstTokenTimeoutMs: 2_000, interTokenTimeoutMs: 1_000, jobTimeoutMs: 60_000 },
    });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const first = drain(kernel.submit({ pid, model: 'a', ...P('wedge before any token', 10) }));
    await clock.runUntil(() => first.settled);
    expect(failure(await first.done)).toMatchObject({ code: 'TIMEOUT', details: { limit: 'first-token', limitMs: 2_000, tokens: 0 } });

    // A process's own limits override the kernel's: 300 ms of wall time for a 1,000-token job.
    const short = kernel.spawn({ name: 'short' }, { priority: 'normal', limits: { wallMs: 300 } });
    const long = drain(kernel.submit({ pid: short, model: 'a', ...P('long', 1_000) }));
    await clock.runUntil(() => long.settled);
    const e = failure(await long.done);
    expect(e).toMatchObject({ code: 'TIMEOUT', details: { limit: 'wall', limitMs: 300 } });
    expect(long.tokens.length).toBeGreaterThan(10);
    expect(long.tokens.length).toBeLessThan(40);
    const timedOut = events(kernel.events.history(), 'job-timed-out').map((d) => d['limit']);
    expect(timedOut).toEqual(['first-token', 'wall']);
  });

  test('inter-token: a job that stalls after some tokens times out and the kernel keeps serving', async () => {
    const { clock, kernel } = await simKernel({
      models: { a: { mb: 10 } }, engine: { ...WEDGE, hangAfter: 4 }, kernel: { interTokenTimeoutMs: 1_500 },
    });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const stall = drain(kernel.submit({ pid, model: 'a', ...P('wedge later', 20) }));
    const after = drain(kernel.submit({ pid, model: 'a', ...P('after', 3) }));
    await clock.runUntil(() => stall.settled && after.settled);
    expect(stall.tokens).toHaveLength(4);
    expect(failure(await stall.done)).toMatchObject({ code: 'TIMEOUT', details: { limit: 'inter-token', tokens: 4 } });
    expect(okResult(await after.done).text).toBe(simReference('a', { prompt: 'after' }, 3));
  });

  test('bad limits are refused at spawn', async () => {
    const { kernel } = await simKernel({ models: { a: { mb: 10 } } });
    expect(() => kernel.spawn({ name: 'x' }, { priority: 'normal', limits: { firstTokenMs: -1 } })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.spawn({ name: 'x' }, { priority: 'normal', limits: { wallMs: Number.NaN } })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});

describe('quarantine', () => {
  test('a load that times out twice quarantines the model: typed errors, an event, other models unaffected, cleared by the user', async () => {
    const { clock, kernel } = await simKernel({
      models: { a: { mb: 10 }, b: { mb: 10 } }, engine: { hangLoad: new Set(['a']) }, kernel: { loadTimeoutMs: 5_000 },
    });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const queued = drain(kernel.submit({ pid, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => queued.settled, 60_000);
    expect(failure(await queued.done)).toMatchObject({ code: 'MODEL_QUARANTINED', details: { model: 'a', failures: 2, cause: 'TIMEOUT' } });
    expect(clock.now()).toBeLessThan(12_000); // two timed-out attempts, no third
    expect(events(kernel.events.history(), 'model-load-failed')).toHaveLength(2);
    expect(kernel.quarantined()).toEqual([expect.objectContaining({ model: 'a', failures: 2, code: 'TIMEOUT' })]);
    expect(() => kernel.submit({ pid, model: 'a', ...P('y', 3) })).toThrow(expect.objectContaining({ code: 'MODEL_QUARANTINED' }));
    const other = drain(kernel.submit({ pid, model: 'b', ...P('z', 3) }));
    await clock.runUntil(() => other.settled);
    expect(okResult(await other.done).stopReason).toBe('length');

    expect(kernel.clearQuarantine('a')).toBe(true);
    expect(kernel.quarantined()).toEqual([]);
    expect(kernel.submit({ pid, model: 'a', ...P('again', 3) }).id).toMatch(/^job-/);
    expect(events(kernel.events.history(), 'model-quarantine-cleared')).toEqual([expect.objectContaining({ model: 'a', by: 'user' })]);
  });

  test('two failed loads in a row quarantine; a new file lifts it, re-registering the same file does not', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, engine: { failLoad: new Set(['a']) } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const first = drain(kernel.submit({ pid, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => first.settled);
    expect(failure(await first.done).code).toBe('MODEL_LOAD_FAILED'); // one failure: a plain typed error
    const second = drain(kernel.submit({ pid, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => second.settled);
    expect(failure(await second.done).code).toBe('MODEL_QUARANTINED');
    const reg = kernel.registeredModels().find((m) => m.id === 'a')!;
    kernel.registerModel({ ...reg, fingerprint: undefined });
    expect(kernel.quarantined()).toHaveLength(1); // same source: same file
    kernel.registerModel({ ...reg, fingerprint: 'sha256:new' });
    expect(kernel.quarantined()).toEqual([]);
    expect(events(kernel.events.history(), 'model-quarantine-cleared')).toEqual([expect.objectContaining({ model: 'a', by: 'new-file' })]);
  });
});

describe('fair admission', () => {
  test('one app flooding the queue fills only its share; another app is still admitted and served', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10, msPerToken: 1 } } });
    const hog = kernel.spawn({ name: 'hog' }, { priority: 'normal' });
    const other = kernel.spawn({ name: 'other' }, { priority: 'normal' });
    let admitted = 0;
    let refusal: unknown = null;
    for (let i = 0; i < 300; i++) {
      try { kernel.submit({ pid: hog, model: 'a', ...P(`flood ${i}`, 1) }); admitted++; } catch (e) { refusal ??= e; }
    }
    expect(refusal).toBeInstanceOf(QueueFullError);
    expect(refusal).toMatchObject({ details: { scope: 'process', pid: hog, limit: 64 } });
    expect(admitted).toBe(64); // nothing runs before the next microtask: all 64 are queued
    const served = drain(kernel.submit({ pid: other, model: 'a', ...P('mine', 2) }));
    await clock.runUntil(() => served.settled);
    expect(okResult(await served.done).text).toBe(simReference('a', { prompt: 'mine' }, 2));
    // A per-app share from the quota.
    const small = kernel.spawn({ name: 'small' }, { priority: 'normal', quota: { maxQueuedJobs: 2 } });
    kernel.submit({ pid: small, model: 'a', ...P('s1', 1) });
    kernel.submit({ pid: small, model: 'a', ...P('s2', 1) });
    expect(() => kernel.submit({ pid: small, model: 'a', ...P('s3', 1) })).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
  });

  test('running cap: with four places, a process submitting first takes two and the next process gets the other two', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { jobsPerSlot: 4 } });
    const a = kernel.spawn({ name: 'a' }, { priority: 'normal' });
    const b = kernel.spawn({ name: 'b' }, { priority: 'normal' });
    const hs = [
      ...[1, 2, 3, 4].map((i) => drain(kernel.submit({ pid: a, model: 'a', ...P(`a${i}`, 10) }))),
      ...[1, 2].map((i) => drain(kernel.submit({ pid: b, model: 'a', ...P(`b${i}`, 10) }))),
    ];
    await clock.runUntil(() => hs.every((h) => h.settled));
    const started = events(kernel.events.history(), 'job-started').map((d) => d['pid']);
    expect(started.slice(0, 4).sort()).toEqual([a, a, b, b]);
    // Work-conserving: alone, a process uses every place.
    const solo = [1, 2, 3, 4].map((i) => drain(kernel.submit({ pid: a, model: 'a', ...P(`solo${i}`, 10) })));
    await clock.advance(5);
    expect(kernel.jobs().filter((j) => j.state === 'running')).toHaveLength(4);
    await clock.runUntil(() => solo.every((h) => h.settled));
  });
});
