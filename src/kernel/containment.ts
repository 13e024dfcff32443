/**
 * Containment: no job can hold a slot against the kernel's will. Two mechanisms, both driven by the
 * scheduler's one loop (a pass calls `check()`, and `nextDeadline()` feeds its single timer):
 *
 * - **Watchdogs.** Every running job has three deadlines — first token of the run (prompt evaluation
 *   and replay), gap between tokens, and wall time since its first dispatch. A job past one ends at once
 *   for its caller with `TimeoutError` (`details.limit`), and its run is told to stop.
 * - **Hard kill.** A run told to stop (cancel, kill, an aborted caller, a watchdog, a preemption) has
 *   `killGraceMs` to end. An engine that does not — a chat template looping inside llama.cpp, a wedged
 *   wasm call — cannot be interrupted from outside, so the kernel terminates its worker
 *   (`Worker.terminate()`): the slot is free at once, a fresh worker starts lazily on next use, and the
 *   other jobs that were on that worker are re-queued without counting against their crash retries.
 *
 * Tokens only move deadlines later, so the timer may fire early; the pass then re-arms it. Nothing here
 * reads a clock or sets a timer of its own: time comes from the scheduler's injected clock.
 */
import { TimeoutError } from '../errors';
import type { Clock } from './clock';
import type { JobEventDetail, KernelEvents, StopCause, WatchdogLimit } from './events';
import type { Job } from './job';
import type { SchedulerConfig } from './scheduler-config';
import type { Slot, WorkerPool } from './worker-pool';

/** What containment needs from the scheduler that owns it (known only by this interface). */
export interface ContainmentHost {
  readonly clock: Clock;
  readonly events: KernelEvents;
  readonly config: SchedulerConfig;
  readonly pool: WorkerPool;
  readonly jobs: ReadonlyMap<string, Job>;
  jobDetail(job: Job): JobEventDetail;
  schedule(): void;
  fail(job: Job, err: unknown): void;
}

/** The watchdog deadline of a running job: the earliest limit and when it falls. */
export function watchdogDeadline(job: Job, limits: { firstTokenMs: number; interTokenMs: number; wallMs: number }): { limit: WatchdogLimit; at: number; ms: number } {
  const candidates: { limit: WatchdogLimit; at: number; ms: number }[] = [
    job.lastTokenAt === null
      ? { limit: 'first-token', at: job.runStartedAt + limits.firstTokenMs, ms: limits.firstTokenMs }
      : { limit: 'inter-token', at: job.lastTokenAt + limits.interTokenMs, ms: limits.interTokenMs },
    { limit: 'wall', at: (job.firstDispatchAt ?? job.runStartedAt) + limits.wallMs, ms: limits.wallMs },
  ];
  return candidates.reduce((a, b) => (b.at < a.at ? b : a));
}

const LIMIT_WORDS: Record<WatchdogLimit, string> = {
  'first-token': 'produced no first token',
  'inter-token': 'produced no token',
  wall: 'ran',
};

/** @internal */
export class Containment {
  constructor(private readonly s: ContainmentHost) {}

  /** The limits a job runs under: its process's, else the kernel's defaults. */
  limitsOf(job: Job): { firstTokenMs: number; interTokenMs: number; wallMs: number } {
    const c = this.s.config;
    const l = job.proc.limits;
    return {
      firstTokenMs: l.firstTokenMs ?? c.firstTokenTimeoutMs,
      interTokenMs: l.interTokenMs ?? c.interTokenTimeoutMs,
      wallMs: l.wallMs ?? c.jobTimeoutMs,
    };
  }

  /** Ask a running job's run to stop; the grace period starts (the pass reclaims the worker after it). */
  stopRun(job: Job, cause: StopCause): void {
    job.requestStop(cause, this.s.clock.now());
    job.runCtrl?.abort();
    this.s.schedule();
  }

  /** Trip watchdogs and reclaim workers whose runs outlived their grace period. */
  check(now: number): void {
    for (const job of [...this.s.jobs.values()]) {
      if (job.phase !== 'running' || job.cancelRequested) continue;
      const d = watchdogDeadline(job, this.limitsOf(job));
      if (now >= d.at) this.timeOut(job, d.limit, d.ms);
    }
    for (const slot of this.s.pool.slots) {
      const stuck = [...slot.running].find((j) => j.stopRequestedAt !== null && now - j.stopRequestedAt >= this.s.config.killGraceMs);
      if (stuck) this.reclaim(slot, stuck, now);
    }
  }

  /** The next moment `check()` may have something to do (Infinity: none). */
  nextDeadline(): number {
    let next = Infinity;
    for (const job of this.s.jobs.values()) {
      if (job.phase === 'running' && !job.cancelRequested) next = Math.min(next, watchdogDeadline(job, this.limitsOf(job)).at);
    }
    for (const slot of this.s.pool.slots) {
      for (const j of slot.running) if (j.stopRequestedAt !== null) next = Math.min(next, j.stopRequestedAt + this.s.config.killGraceMs);
    }
    return next;
  }

  private timeOut(job: Job, limit: WatchdogLimit, ms: number): void {
    const s = this.s;
    s.events.emit('job-timed-out', { ...s.jobDetail(job), limit, limitMs: ms, tokens: job.events });
    const err = new TimeoutError(`Job ${job.id} ${LIMIT_WORDS[limit]} within ${ms} ms (${limit} limit)`, {
      jobId: job.id, model: job.model, limit, limitMs: ms, tokens: job.events,
    });
    job.cancelRequested = true;
    this.stopRun(job, 'timeout');
    s.fail(job, err);
  }

  /**
   * Terminate the worker of `slot` because `culprit` did not stop in time. The culprit's run ends with
   * the worker (a preempted culprit counts the crash against its retries); every other job on the
   * worker is marked `reclaimed`, so its run's end re-queues it without counting.
   */
  private reclaim(slot: Slot, culprit: Job, now: number): void {
    const s = this.s;
    const others = [...slot.running].filter((j) => j !== culprit && j.phase === 'running');
    for (const j of others) j.reclaimed = true;
    const model = slot.model;
    s.events.emit('worker-reclaimed', {
      slot: slot.index, model, jobId: culprit.id, pid: culprit.proc.pid, cause: culprit.stopCause ?? 'cancel',
      waitedMs: now - (culprit.stopRequestedAt ?? now), requeued: others.map((j) => j.id), at: now,
    });
    // The runs on this worker settle (with WorkerCrashedError) only once the worker is gone; until then
    // they must not count as stuck a second time.
    for (const j of slot.running) j.stopRequestedAt = null;
    const done = [...slot.running].filter((j) => j.phase === 'done');
    s.pool.reset(slot, `Job ${culprit.id} did not stop within ${s.config.killGraceMs} ms`);
    // A finished job whose run never settles (a test double without worker semantics) must not keep
    // the slot: the worker is gone, so its run is over.
    for (const j of done) slot.running.delete(j);
    if (model) s.events.emit('model-evicted', { model, slot: slot.index, reason: 'reclaimed', at: now });
    s.schedule();
  }
}
