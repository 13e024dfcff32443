/**
 * The kernel's part of log probabilities and of an omitted token limit, on simulated time: a job's
 * log probabilities stay one per delivered token across a preemption (the replayed tokens' are dropped
 * with their text), and a job without `maxTokens` runs to a full context, resumed or not.
 */
import { describe, expect, test } from 'vitest';
import { drain, okResult, simKernel, simReference } from './testing/sim-kernel';
import { SIM_CONTEXT, simLogprobs, simToken } from './testing/sim-engine';

describe('log probabilities', () => {
  test('one per delivered token, in order, in the stream and the result, across a preemption and its resume', async () => {
    const { clock, kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'ia' }, { priority: 'interactive' });
    const request = { prompt: 'long story' };
    const low = drain(kernel.submit({ pid: bg, model: 'a', ...request, params: { maxTokens: 40, logprobs: 3 } }));
    await clock.runUntil(() => low.tokens.length >= 10);
    const high = drain(kernel.submit({ pid: ia, model: 'a', prompt: 'quick', params: { maxTokens: 4 } }));
    await clock.runUntil(() => low.settled && high.settled);
    const out = await low.done;
    const r = okResult(out);
    expect(r.preemptions).toBe(1);
    expect(out.text).toBe(simReference('a', request, 40));
    const expected = [...Array(40).keys()].map((i) => simLogprobs(simToken('a', request, i), i, 3));
    expect(r.logprobs).toEqual(expected);
    expect(out.tokens.flatMap((t) => t.logprobs ?? [])).toEqual(expected);
    expect(r.logprobs!.every((l) => l.top.length === 3)).toBe(true);
    // A job that did not ask has none.
    const hi = okResult(await high.done);
    expect(hi.logprobs).toBeUndefined();
    expect((await high.done).tokens.every((t) => t.logprobs === undefined)).toBe(true);
  });

  test('validated at submit: an integer in [0, 20]', async () => {
    const { kernel } = await simKernel({ models: { a: { mb: 10 } } });
    const pid = kernel.spawn({ name: 'p' }, { priority: 'normal' });
    for (const logprobs of [-1, 21, 1.5, Number.NaN]) {
      expect(() => kernel.submit({ pid, model: 'a', prompt: 'x', params: { logprobs } })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'logprobs' }) }));
    }
  });
});

describe('no maxTokens', () => {
  test('the engine gets no limit and fills the context; a preempted job resumed by prefill ends at the same point', async () => {
    const { clock, kernel, engines } = await simKernel({ models: { a: { mb: 10, msPerToken: 1 } } });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'ia' }, { priority: 'interactive' });
    const prompt = 'a prompt of forty characters, give or take';
    const promptTokens = Math.ceil(prompt.length / 4);
    const low = drain(kernel.submit({ pid: bg, model: 'a', prompt }));
    await clock.runUntil(() => low.tokens.length >= 100);
    const high = drain(kernel.submit({ pid: ia, model: 'a', prompt: 'quick', params: { maxTokens: 2 } }));
    await clock.runUntil(() => low.settled && high.settled);
    const r = okResult(await low.done);
    expect(r.preemptions).toBe(1);
    expect(r.stopReason).toBe('length');
    expect(r.usage.completionTokens).toBe(SIM_CONTEXT - promptTokens);
    expect(r.text).toBe(simReference('a', { prompt }, SIM_CONTEXT - promptTokens));
    const runs = engines.flatMap((e) => e.requests).filter((q) => q.prompt === prompt);
    expect(runs).toHaveLength(2);
    expect(runs.every((q) => q.maxTokens === undefined)).toBe(true);
    expect(runs[1]!.resume!.tokens).toBeGreaterThanOrEqual(100);
  });
});
