/**
 * The scheduler's notion of time, injected so that policy tests run on simulated time
 * (see `testing/sim-clock.ts`). Milliseconds, monotonic.
 */

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** Time source and timers the kernel uses; nothing in the kernel reads `performance` directly. */
export interface Clock {
  /** Current time in ms (monotonic). */
  now(): number;
  /** Run `fn` after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Race `p` against a timeout on `clock`; on timeout, `onTimeout` runs and the promise rejects with
 * `makeError()`. The timer is always cleared.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock, makeError: () => Error, onTimeout?: () => void): Promise<T> {
  if (!Number.isFinite(ms)) return p;
  let handle: TimerHandle | undefined;
  const timeout = new Promise<never>((_, reject) => {
    handle = clock.setTimeout(() => {
      onTimeout?.();
      reject(makeError());
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clock.clearTimeout(handle));
}
