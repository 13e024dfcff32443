import { describe, expect, test } from 'vitest';
import { MetricsHistory } from './metrics-history';
import { niceMax } from './chart';
import type { ProcessInfo } from '../../kernel/types';

const proc = (pid: number, tokensOut: number, state: ProcessInfo['state'] = 'running'): ProcessInfo => ({
  pid, name: `p${pid}`, appId: null, tab: null, priority: 'normal', weight: 1, quota: {}, state, model: null, queuedJobs: 0, runningJobs: 1,
  metrics: { jobsSubmitted: 1, jobsFinished: 0, jobsFailed: 0, tokensIn: 0, tokensEvaluated: 0, tokensReused: 0, tokensOut, lastTtftMs: null, meanTtftMs: null, tokensPerSec: 0, meanQueueWaitMs: null, preemptions: 0 }, kv: { tokens: 0, bytes: 0 },
});
const usage = { vramBytes: 0, ramBytes: 10 };

describe('MetricsHistory', () => {
  test('rates are the growth of each process\'s tokens over the interval', () => {
    const h = new MetricsHistory(60_000);
    h.add(0, { ps: [proc(1, 0), proc(2, 100)], usage });
    h.add(1000, { ps: [proc(1, 50), proc(2, 100)], usage });
    h.add(3000, { ps: [proc(1, 150), proc(2, 160)], usage });
    expect(h.rate(1)).toBe(50);
    expect(h.rate(2)).toBe(30);
    expect(h.rateSeries(1)).toEqual([[0, 0], [1000, 50], [3000, 50]]);
    expect(h.pids()).toEqual([1, 2]);
  });

  test('exited processes leave the sample; old samples leave the window', () => {
    const h = new MetricsHistory(2000);
    h.add(0, { ps: [proc(1, 0)], usage });
    h.add(1000, { ps: [proc(1, 10, 'exited')], usage });
    expect(h.rate(1)).toBe(0);
    expect(h.samples[1]!.rates.has(1)).toBe(false);
    h.add(5000, { ps: [], usage: { vramBytes: 5, ramBytes: 6 } });
    expect(h.samples.map((s) => s.t)).toEqual([5000]);
    expect(h.samples[0]).toMatchObject({ vramBytes: 5, ramBytes: 6 });
  });

  test('a process that reappears after a gap starts from zero instead of a bogus burst', () => {
    const h = new MetricsHistory();
    h.add(0, { ps: [proc(3, 500)], usage });
    expect(h.rate(3)).toBe(0);
  });
});

describe('niceMax', () => {
  test('rounds up to 1, 2 or 5 × 10^k', () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 99, 101, 180, 4000].map(niceMax)).toEqual([1, 0.5, 1, 2, 5, 10, 100, 200, 200, 5000]);
  });
});
