/**
 * TEST DOUBLE — a simulated clock for policy tests and the budget benchmark. Time only moves when the
 * test advances it; timers fire in time order, and after each one every pending promise reaction
 * (microtask) runs before the next timer, so async kernel code behaves as it would in real time, only
 * instantly and deterministically.
 */
import type { Clock, TimerHandle } from '../clock';

interface Timer { at: number; seq: number; fn: () => void }

const macrotask: (fn: () => void) => void = typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/** Let every queued microtask (and the ones they queue) run: one macrotask turn per round. */
export async function flushMicrotasks(rounds = 1): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => macrotask(r));
}

/** A deterministic clock driven by the test. */
export class SimClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, Timer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.seq++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  private next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Advance by `ms`, firing every timer due on the way (in order, settling promises in between). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flushMicrotasks(1);
    for (;;) {
      const n = this.next();
      if (!n || n.at > end) break;
      this.timers.delete(n.seq);
      this.t = n.at;
      n.fn();
      await flushMicrotasks(1);
    }
    this.t = end;
    await flushMicrotasks(1);
  }

  /**
   * Fire timers until `done()` holds (checked after each), or throw after `limitMs` of simulated time —
   * a simulated hang becomes a test failure, never a stuck test.
   */
  async runUntil(done: () => boolean, limitMs = 3_600_000): Promise<void> {
    const end = this.t + limitMs;
    let sameTime = 0;
    await flushMicrotasks(1);
    while (!done()) {
      const n = this.next();
      if (!n || n.at > end) throw new Error(`SimClock: condition not reached by t=${end} (pending timers: ${this.timers.size})`);
      sameTime = n.at === this.t ? sameTime + 1 : 0;
      if (sameTime > 100_000) throw new Error(`SimClock: timers keep firing at t=${this.t} without time advancing`);
      this.timers.delete(n.seq);
      this.t = n.at;
      n.fn();
      await flushMicrotasks(1);
    }
  }
}
