/**
 * The task manager's memory: samples of the kernel taken at a fixed interval and kept for a window of
 * time — per-process output rate (tokens/s, from the growth of each process's `tokensOut`) and the
 * VRAM / RAM charged by resident models. Pure apart from reading the kernel; the clock is passed in.
 */
import type { ProcessInfo } from '../../kernel/types';

/** One sample of the whole system. */
export interface SystemSample {
  t: number;
  vramBytes: number;
  ramBytes: number;
  /** pid → tokens/s over the interval ending at `t`. */
  rates: Map<number, number>;
}

/** What a sample is computed from (the kernel's `ps()` and `usage()`). */
export interface SampleInput {
  ps: readonly ProcessInfo[];
  usage: { vramBytes: number; ramBytes: number };
}

/** Samples of per-process tokens/s and of memory use over a time window. */
export class MetricsHistory {
  readonly samples: SystemSample[] = [];
  private last = new Map<number, { t: number; tokens: number }>();

  constructor(readonly windowMs = 5 * 60_000) {}

  /** Record a sample at time `t` (ms); drops samples older than the window. */
  add(t: number, input: SampleInput): SystemSample {
    const rates = new Map<number, number>();
    const next = new Map<number, { t: number; tokens: number }>();
    for (const p of input.ps) {
      if (p.state === 'exited') continue;
      const tokens = p.metrics.tokensOut;
      const prev = this.last.get(p.pid);
      const dt = prev ? (t - prev.t) / 1000 : 0;
      rates.set(p.pid, prev && dt > 0 ? Math.max(0, tokens - prev.tokens) / dt : 0);
      next.set(p.pid, { t, tokens });
    }
    this.last = next;
    const s: SystemSample = { t, vramBytes: input.usage.vramBytes, ramBytes: input.usage.ramBytes, rates };
    this.samples.push(s);
    while (this.samples.length > 1 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    return s;
  }

  /** The latest rate of a process (0 when unknown). */
  rate(pid: number): number {
    return this.samples[this.samples.length - 1]?.rates.get(pid) ?? 0;
  }

  /** Points `[t, tokens/s]` of one process over the window. */
  rateSeries(pid: number): [number, number][] {
    return this.samples.filter((s) => s.rates.has(pid)).map((s) => [s.t, s.rates.get(pid)!]);
  }

  /** Every pid seen in the window. */
  pids(): number[] {
    const out = new Set<number>();
    for (const s of this.samples) for (const pid of s.rates.keys()) out.add(pid);
    return [...out].sort((a, b) => a - b);
  }
}
