/**
 * Scheduler policy on simulated time with the SimEngine test double: priorities, preemption with exact
 * resume (part 1; the rest is in scheduler-control.unit.test.ts).
 */
import { describe, expect, test } from 'vitest';

import { drain, okResult, simKernel, simReference } from './testing/sim-kernel';
import type { KernelEventRecord } from './events';
import { ReplayDivergedError } from '../errors';

const P = (prompt: string, maxTokens = 20) => ({ prompt, params: { maxTokens } });

function types(h: readonly KernelEventRecord[], jobId?: string) {
  return h.filter((e) => !jobId || (e.detail as { jobId?: string }).jobId === jobId).map((e) => e.type);
}

describe('scheduler basics', () => {
  test('one job: load, run, stream equals the engine output, events in order', async () => {
    const { clock, kernel, device } = await simKernel({ models: { a: { mb: 100 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const h = drain(kernel.submit({ pid, model: 'a', ...P('hello', 12) }));
    await clock.runUntil(() => h.settled);
    const out = await h.done;
    const r = okResult(out);
    expect(out.text).toBe(simReference('a', { prompt: 'hello' }, 12));
    expect(r.text).toBe(out.text);
    expect(r.stopReason).toBe('length');
    expect(r.usage.completionTokens).toBe(12);
    expect(out.tokens.map((t) => t.index)).toEqual([...Array(12).keys()]);
    expect(types(kernel.events.history())).toEqual([
      'budget-changed', 'process-spawned', 'job-queued', 'model-loading', 'model-progress', 'model-progress', 'model-loaded', 'job-started', 'job-finished',
    ]);
    const ps = kernel.ps()[0]!;
    expect(ps.state).toBe('sleeping');
    expect(ps.metrics.tokensOut).toBe(12);
    expect(ps.metrics.tokensIn).toBeGreaterThan(0);
    expect(ps.metrics.lastTtftMs).toBeGreaterThan(100); // includes the 100 ms simulated load
    expect(ps.metrics.tokensPerSec).toBeCloseTo(100, 0); // 10 ms per token
    expect(device.violations).toEqual([]);
  });

  test('classes dispatch strictly in order: realtime > interactive > normal > background', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const order: string[] = [];
    kernel.events.on('job-started', (d) => order.push(d.priority));
    const blocker = kernel.spawn({ name: 'blocker' }, { priority: 'realtime' });
    const first = drain(kernel.submit({ pid: blocker, model: 'a', ...P('x', 5) }));
    const hs = (['background', 'normal', 'interactive', 'realtime'] as const).map((p) => {
      const pid = kernel.spawn({ name: p }, { priority: p });
      return drain(kernel.submit({ pid, model: 'a', ...P(p, 5) }));
    });
    await clock.runUntil(() => first.settled && hs.every((h) => h.settled));
    expect(order).toEqual(['realtime', 'realtime', 'interactive', 'normal', 'background']);
  });
});

describe('fifo discipline (benchmark baseline)', () => {
  test('dispatches in submission order whatever the class, and never preempts', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { discipline: 'fifo' } });
    const order: string[] = [];
    kernel.events.on('job-started', (d) => order.push(d.priority));
    const hs = (['background', 'normal', 'realtime', 'interactive'] as const).map((p) => {
      const pid = kernel.spawn({ name: p }, { priority: p });
      return drain(kernel.submit({ pid, model: 'a', ...P(p, 5) }));
    });
    await clock.runUntil(() => hs.every((h) => h.settled));
    expect(order).toEqual(['background', 'normal', 'realtime', 'interactive']);
    expect(kernel.events.history().some((e) => e.type === 'job-preempted')).toBe(false);
  });
});

describe('preemption', () => {
  test('a higher class preempts at a token boundary; the resumed stream equals an uninterrupted run', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'ia' }, { priority: 'interactive' });
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...P('long story', 60) }));
    await clock.runUntil(() => low.tokens.length >= 10);
    const high = drain(kernel.submit({ pid: ia, model: 'a', ...P('quick', 5) }));
    await clock.runUntil(() => high.settled && low.settled);
    const lo = await low.done, hi = await high.done;
    expect(lo.text).toBe(simReference('a', { prompt: 'long story' }, 60));
    expect(lo.tokens.map((t) => t.index)).toEqual([...Array(60).keys()]);
    expect(okResult(lo).preemptions).toBe(1);
    expect(okResult(lo).usage.completionTokens).toBe(60);
    expect(hi.text).toBe(simReference('a', { prompt: 'quick' }, 5));
    const h = kernel.events.history();
    const lowId = okResult(lo).jobId, highId = okResult(hi).jobId;
    expect(types(h, lowId)).toEqual(['job-queued', 'job-started', 'job-preempted', 'job-resumed', 'job-finished']);
    const idx = (type: string, id: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === id);
    expect(idx('job-finished', highId)).toBeLessThan(idx('job-resumed', lowId));
    const pre = h[idx('job-preempted', lowId)]!.detail as { byJobId: string; tokens: number };
    expect(pre.byJobId).toBe(highId);
    // Preempted within one token of the interactive job's arrival.
    expect(pre.tokens).toBeLessThanOrEqual(11);
    // The interactive job waited one token at most, not the background job's remaining 50.
    expect(okResult(hi).queueWaitMs).toBeLessThanOrEqual(10);
  });

  test('a preempted job resumes by one prefill of prompt + delivered output, not by decoding it again', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const rt = kernel.spawn({ name: 'rt' }, { priority: 'realtime' });
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...P('long story', 40) }));
    await clock.runUntil(() => low.tokens.length >= 12);
    const high = drain(kernel.submit({ pid: rt, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => low.settled && high.settled);
    const r = okResult(await low.done);
    expect(r.preemptions).toBe(1);
    const resumed = engines.flatMap((e) => e.requests).filter((q) => q.prompt === 'long story' && q.resume);
    expect(resumed).toHaveLength(1);
    // The resumed run carries what was delivered, and generates only what is left.
    const { resume, maxTokens, replayPrefix } = resumed[0]!;
    expect(replayPrefix).toBeUndefined();
    expect(resume!.text).toBe(low.tokens.slice(0, resume!.tokens).map((t) => t.text).join(''));
    expect(maxTokens).toBe(40 - resume!.tokens);
    expect(kernel.events.history().filter((e) => e.type === 'job-resumed').map((e) => (e.detail as { mode: string }).mode)).toEqual(['prefill']);
    expect(r.usage.completionTokens).toBe(40);
  });

  test('a constrained job resumes by replay (its grammar cannot start mid-output); a diverged replay fails typed', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, engine: { divergeOnReplay: true } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const rt = kernel.spawn({ name: 'rt' }, { priority: 'realtime' });
    const low = drain(kernel.submit({ pid: bg, model: 'a', prompt: 'p', params: { maxTokens: 30, jsonMode: true } }));
    await clock.runUntil(() => low.tokens.length >= 10);
    const high = drain(kernel.submit({ pid: rt, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => low.settled && high.settled);
    const out = await low.done;
    expect(out.result.ok ? null : out.result.e).toBeInstanceOf(ReplayDivergedError);
    // What was delivered stays delivered.
    const delivered = out.tokens.map((t) => t.text).join('');
    expect(delivered).toBe(simReference('a', { prompt: 'p' }, 30).slice(0, delivered.length));
    expect(kernel.events.history().filter((e) => e.type === 'job-resumed').map((e) => (e.detail as { mode: string }).mode)).toEqual(['replay']);
  });

  test('a sampled chat job is preempted too, and resumes by prefill; a sampled constrained job is not', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const rt = kernel.spawn({ name: 'rt' }, { priority: 'realtime' });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const chat = drain(kernel.submit({ pid: bg, model: 'a', messages, params: { maxTokens: 30, temperature: 0.8, seed: 3 } }));
    await clock.runUntil(() => chat.tokens.length >= 5);
    const high = drain(kernel.submit({ pid: rt, model: 'a', ...P('x', 3) }));
    await clock.runUntil(() => high.settled && chat.settled);
    const c = okResult(await chat.done);
    expect(c.preemptions).toBe(1);
    expect(c.usage.completionTokens).toBe(30);
    expect(okResult(await high.done).queueWaitMs).toBeLessThanOrEqual(10);

    const json = drain(kernel.submit({ pid: bg, model: 'a', messages, params: { maxTokens: 30, temperature: 0.8, jsonMode: true } }));
    await clock.runUntil(() => json.tokens.length >= 5);
    const high2 = drain(kernel.submit({ pid: rt, model: 'a', ...P('y', 3) }));
    await clock.runUntil(() => high2.settled);
    expect(json.settled).toBe(true);
    expect(okResult(await json.done).preemptions).toBe(0);
  });

  test('equal classes do not preempt each other by default', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const p1 = kernel.spawn({ name: '1' }, { priority: 'normal' });
    const p2 = kernel.spawn({ name: '2' }, { priority: 'normal' });
    const a = drain(kernel.submit({ pid: p1, model: 'a', ...P('a', 40) }));
    await clock.runUntil(() => a.tokens.length >= 5);
    const b = drain(kernel.submit({ pid: p2, model: 'a', ...P('b', 5) }));
    await clock.runUntil(() => a.settled && b.settled);
    expect(okResult(await a.done).preemptions).toBe(0);
  });

  test('time slices (sliceTokens) interleave equal-class jobs, each still exact', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } }, kernel: { sliceTokens: 8 } });
    const p1 = kernel.spawn({ name: '1' }, { priority: 'normal' });
    const p2 = kernel.spawn({ name: '2' }, { priority: 'normal' });
    const a = drain(kernel.submit({ pid: p1, model: 'a', ...P('a', 40) }));
    const b = drain(kernel.submit({ pid: p2, model: 'a', ...P('b', 40) }));
    await clock.runUntil(() => a.tokens.length + b.tokens.length >= 40);
    expect(Math.abs(a.tokens.length - b.tokens.length)).toBeLessThanOrEqual(10);
    await clock.runUntil(() => a.settled && b.settled);
    expect((await a.done).text).toBe(simReference('a', { prompt: 'a' }, 40));
    expect((await b.done).text).toBe(simReference('a', { prompt: 'b' }, 40));
  });

  test('a blocked higher job preempts a lower one running another model to swap models', async () => {
    const { clock, kernel, device } = await simKernel({ ramMB: 150, models: { a: { mb: 100 }, b: { mb: 100 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const rt = kernel.spawn({ name: 'rt' }, { priority: 'realtime' });
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...P('bg', 50) }));
    await clock.runUntil(() => low.tokens.length >= 3);
    const high = drain(kernel.submit({ pid: rt, model: 'b', ...P('rt', 5) }));
    await clock.runUntil(() => high.settled && low.settled);
    expect((await low.done).text).toBe(simReference('a', { prompt: 'bg' }, 50));
    expect(okResult(await low.done).preemptions).toBe(1);
    const ev = kernel.events.history().filter((e) => e.type === 'model-evicted').map((e) => (e.detail as { model: string }).model);
    expect(ev).toEqual(['a', 'b']);
    expect(device.violations).toEqual([]);
    expect(device.peakRam).toBeLessThanOrEqual(150 * 1024 * 1024);
  });
});

