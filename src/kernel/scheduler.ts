/**
 * The scheduler: one loop that owns the run queue, the slots and the resident models. Every change
 * (submit, token, run end, load end, crash, timer) requests a pass; passes are coalesced into one
 * microtask and are synchronous, so no two decisions interleave. A pass:
 *   1. unloads idle models whose keepAlive expired,
 *   2. asks placement (pure, through `resident-set.ts`) for the resident set under the budget and starts evictions and loads
 *      (a load starts only when the memory is actually free, so residency never exceeds the budget),
 *   3. dispatches queued jobs in order (rank with aging → fair-share pass → FIFO) to free slots,
 *   4. preempts, at a token boundary, the lowest running job when a higher-ranked one is blocked,
 *   5. arms one timer for the next keepAlive expiry or aging step.
 * The asynchronous work a pass starts (runs, loads, unloads) lives in `slot-ops.ts`.
 */
import { AbortError, DeviceLostError, ModelTooLargeError, NetworkError, TimeoutError, WorkerCrashedError, type LlmOsError } from '../errors';
import type { Clock, TimerHandle } from './clock';
import type { Budget } from './device-budget';
import type { KernelEvents } from './events';
import type { Job } from './job';
import { quarantineError, type ModelRegistry } from './model-registry';
import { remoteSlots, residentSet } from './resident-set';
import { FAIR_SHARE_SLACK, compareQueued, effectiveRank, jobDemand, msToNextAging } from './run-queue';
import { SlotOps, type RunOutcome } from './slot-ops';
import type { SchedulerConfig } from './scheduler-config';
import { Containment } from './containment';
import { batchCapacity, yieldingToForeground } from './batch-share';
import { rankOf } from './priority';
import type { Slot, WorkerPool } from './worker-pool';

export type { SchedulerConfig };

interface Keyed { job: Job; rank: number; pass: number; seq: number }

export { RESIDENT_HYSTERESIS } from './resident-set';

/** @internal */
export class Scheduler {
  private budgetValue: Budget | null = null;
  /** Unfinished jobs. */
  readonly jobs = new Map<string, Job>();
  readonly ops: SlotOps;
  readonly containment: Containment;
  private passQueued = false;
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  closed = false;
  /** Fair-share floor: the pass an idle process re-enters with (monotonic). */
  private vtime = 0;
  /** Consecutive failed loads of a model (a success resets it); `quarantineAfter` of them quarantine it. */
  private readonly loadFailures = new Map<string, number>();

  constructor(
    readonly clock: Clock,
    readonly events: KernelEvents,
    readonly pool: WorkerPool,
    readonly registry: ModelRegistry,
    readonly config: SchedulerConfig,
  ) {
    this.ops = new SlotOps(this);
    this.containment = new Containment(this);
  }

  /** The budget in force (`null` until the device probe has answered). */
  get budget(): Budget | null {
    return this.budgetValue;
  }

  /** A new budget: the pool grows or shrinks to its slots, and the next pass enforces its memory. */
  setBudget(budget: Budget): void {
    this.budgetValue = budget;
    this.pool.resize(budget.slots + remoteSlots(this.registry));
    this.schedule();
  }

  /** A process changed class: its running jobs (without a per-job priority) compete at the new rank. */
  reniced(jobs: Iterable<Job>): void {
    for (const j of jobs) {
      if (j.phase === 'running' && j.explicitPriority === null) j.runRank = effectiveRank(rankOf(j.priority), j.waitedMs, this.config.agingStepMs);
    }
    this.schedule();
  }

  /** Request a pass (coalesced). */
  schedule(): void {
    if (this.passQueued || this.closed) return;
    this.passQueued = true;
    queueMicrotask(() => {
      this.passQueued = false;
      try {
        this.pass();
      } catch (e) {
        // The loop must survive a bug in one decision; the next event triggers a fresh pass.
        console.error('[llmos kernel] scheduler pass failed', e);
      }
    });
  }

  queued(): Job[] {
    return [...this.jobs.values()].filter((j) => j.phase === 'queued');
  }

  /** Add an admitted job (or re-add a preempted one). */
  enqueue(job: Job, requeued = false): void {
    const proc = job.proc;
    const othersActive = [...this.jobs.values()].some((j) => j.proc === proc && j !== job);
    if (!othersActive) proc.pass = Math.max(proc.pass, this.minActivePass() - FAIR_SHARE_SLACK);
    this.jobs.set(job.id, job);
    if (!requeued) {
      this.events.emit('job-queued', { ...this.jobDetail(job), queueLength: this.queued().length });
    }
    this.schedule();
  }

  private minActivePass(): number {
    let min = Infinity;
    for (const j of this.jobs.values()) min = Math.min(min, j.proc.pass);
    if (Number.isFinite(min)) this.vtime = Math.max(this.vtime, min);
    return this.vtime;
  }

  jobDetail(job: Job) {
    return { jobId: job.id, pid: job.proc.pid, model: job.model, priority: job.priority, at: this.clock.now() };
  }

  /** Memory charged now by every slot (loading, loaded and unloading models). */
  usage(): { vramBytes: number; ramBytes: number } {
    let vramBytes = 0, ramBytes = 0;
    for (const s of this.pool.slots) { vramBytes += s.vramBytes; ramBytes += s.ramBytes; }
    return { vramBytes, ramBytes };
  }

  private pass(): void {
    if (this.closed || !this.budget) return;
    // Remote models registered or removed since: their slots come and go with them.
    const slots = this.budget.slots + remoteSlots(this.registry);
    if (this.pool.activeSlots.length !== slots) this.pool.resize(slots);
    const now = this.clock.now();
    // 0. watchdogs, and workers whose runs outlived their grace period.
    this.containment.check(now);
    const step = this.config.agingStepMs;
    const fifo = this.config.discipline === 'fifo';
    const keyed: Keyed[] = this.queued()
      .map((job) => (fifo ? { job, rank: 0, pass: 0, seq: job.seq } : { job, rank: job.rank(now, step), pass: job.proc.pass, seq: job.seq }))
      .sort(compareQueued);
    const demand = new Map<string, number>();
    for (const k of keyed) demand.set(k.job.model, (demand.get(k.job.model) ?? 0) + jobDemand(k.rank, k.job.waited(now), step));

    // 1. keepAlive expiry, and draining of slots beyond the slot budget.
    for (const s of this.pool.slots) {
      if (!s.active && s.model === null && s.engine && s.running.size === 0) this.pool.reset(s, 'Slot removed from the budget');
      if (s.modelState !== 'loaded' || s.running.size > 0) continue;
      const expired = s.keepAliveMs >= 0 && s.idleSince !== null && now - s.idleSince >= s.keepAliveMs;
      if (!s.active || (expired && !demand.has(s.model!))) this.ops.evict(s, s.active ? 'keep-alive' : 'budget');
    }

    // 2. placement. Jobs running below the best queued rank do not lock their model: placement may
    // evict it (the job is preempted first) — but only for higher-class work, see `placement`.
    const topRank = keyed[0]?.rank ?? -Infinity;
    // The LRU baseline evicts idle models only: every running job locks its model.
    const res = residentSet(this, demand, now, this.config.placement === 'lru' ? -Infinity : topRank);
    for (const r of res.refused) {
      this.failQueued(r.id, new ModelTooLargeError(
        `Model ${r.id} needs ${r.neededMB} MB of ${r.resource.toUpperCase()} but the budget has ${r.availableMB} MB`,
        { model: r.id, resource: r.resource, neededMB: r.neededMB, availableMB: r.availableMB },
      ));
    }
    const slotOf = (model: string) => this.pool.slots.find((s) => s.model === model && s.modelState !== 'unloading');
    for (const id of res.evict) {
      const s = slotOf(id);
      if (!s) continue;
      const forced = res.forced.includes(id);
      if (s.running.size === 0 && s.modelState === 'loaded') this.ops.evict(s, forced ? 'budget' : 'placement');
      else for (const j of s.running) this.preempt(j, forced ? 'budget' : 'priority', forced ? null : keyed[0]?.job ?? null);
    }
    for (const id of res.load) {
      const reg = this.registry.get(id);
      const free = this.pool.activeSlots.find((s) => s.model === null && s.running.size === 0);
      const used = this.usage();
      if (!free || used.vramBytes + reg.vramBytes > this.budget.vramBytes || used.ramBytes + reg.ramBytes > this.budget.ramBytes) continue;
      this.ops.load(free, reg);
    }

    // 3. dispatch, only onto models the plan keeps.
    // A process at its running cap gives way to other processes' jobs of its rank or above, then is
    // served if slots are still free (work-conserving: the cap shares slots, it never leaves one idle).
    // A job held back by the cap never preempts anyone (that would thrash against the cap).
    const keep = new Set(res.resident);
    const blocked: Keyed[] = [];
    const heldBack = new Set<Job>();
    for (const capped of [true, false]) {
      for (const k of keyed) {
        if (k.job.phase !== 'queued') continue;
        const s = slotOf(k.job.model);
        if (s && s.active && s.modelState === 'loaded' && keep.has(k.job.model) && s.running.size < this.capacity(s, k.rank)) {
          if (capped && this.atRunningCap(k, keyed)) { heldBack.add(k.job); continue; }
          this.ops.run(k.job, s, k.rank);
        } else if (!capped && s && s.modelState === 'loaded' && keep.has(k.job.model) && !heldBack.has(k.job)) {
          blocked.push(k);
        }
      }
    }

    // 4. a full slot holding a blocked job's model: its lowest job yields to a higher class (or time slice).
    if (blocked.length && ![...this.jobs.values()].some((j) => j.preempting)) this.preemptInSlot(blocked);
    // 4b. background work in a batch yields to interactive work there (see `foregroundYield`).
    this.foregroundYield();

    // 5. timer.
    this.arm(now, keyed);
  }

  /**
   * Whether `k`'s process already runs its cap of jobs (its quota's `maxRunningJobs`, else half the run
   * capacity) while another process waits at `k`'s rank or above.
   */
  private atRunningCap(k: Keyed, keyed: Keyed[]): boolean {
    const proc = k.job.proc;
    let capacity = 0;
    for (const s of this.pool.activeSlots) capacity += this.capacity(s);
    const cap = proc.quota.maxRunningJobs ?? Math.max(1, Math.floor(capacity / 2));
    let running = 0;
    for (const j of this.jobs.values()) if (j.proc === proc && j.phase === 'running') running++;
    return running >= cap && keyed.some((o) => o.job.proc !== proc && o.job.phase === 'queued' && o.rank >= k.rank);
  }

  /** Jobs `slot` runs at once, or with `rank`, what a job of that rank may fill (see `batchCapacity`). */
  capacity(slot: Slot, rank?: number): number {
    const sequences = this.config.jobsPerSlot ?? (slot.model !== null && this.registry.has(slot.model) ? this.registry.get(slot.model).sequences : 1);
    return batchCapacity(slot, sequences, rank);
  }

  /** Background jobs in a batch with interactive work yield (see `yieldingToForeground`). */
  private foregroundYield(): void {
    if (this.config.jobsPerSlot !== null) return;
    for (const j of yieldingToForeground(this.pool.activeSlots)) this.preempt(j, 'priority', null);
  }

  /** A blocked job whose model is loaded in a full slot: the lowest job there yields if outranked. */
  private preemptInSlot(blocked: Keyed[]): void {
    for (const b of blocked) {
      const own = this.pool.slots.find((s) => s.model === b.job.model && s.modelState === 'loaded' && s.active);
      const victim = own && [...own.running].filter((j) => j.phase === 'running' && j.preemptible).sort((x, y) => x.runRank - y.runRank || y.proc.pass - x.proc.pass)[0];
      if (!victim) continue;
      if (victim.runRank < b.rank) return this.preempt(victim, 'priority', b.job);
      if (victim.runRank === b.rank && victim.runEvents >= this.config.sliceTokens && victim.proc.pass > b.job.proc.pass) {
        return this.preempt(victim, 'time-slice', b.job);
      }
    }
  }

  /** Stop a running job at the next token boundary; it re-enters the queue and resumes (see `resumeMode`). */
  preempt(job: Job, reason: 'priority' | 'time-slice' | 'budget', by: Job | null): void {
    if (job.phase !== 'running' || job.preempting || job.slot === null) return;
    job.preempting = reason;
    job.requestStop('preempt', this.clock.now());
    this.events.emit('job-preempted', { ...this.jobDetail(job), slot: job.slot, tokens: job.events, reason, byJobId: by?.id ?? null });
    this.ops.stop(job);
  }

  /**
   * Cancel a job wherever it is. It ends for its caller at once (stop reason `abort`, the text delivered
   * so far); a running job's run is told to stop and its worker is terminated if it has not stopped
   * within `killGraceMs` (see `containment.ts`).
   */
  cancel(job: Job): void {
    if (job.phase === 'done' || job.cancelRequested) return;
    job.cancelRequested = true;
    if (job.phase === 'running') this.containment.stopRun(job, 'cancel');
    this.finish(job, 'abort');
  }

  /** End a job with a result and account for it. */
  finish(job: Job, stopReason: 'stop' | 'length' | 'abort' | 'interrupt'): void {
    const now = this.clock.now();
    job.finish(stopReason, now, job.cancelRequested ? 'cancelled' : 'finished');
    this.retire(job, true, stopReason, null);
  }

  /** End a job with a typed error. */
  fail(job: Job, err: unknown): void {
    const e = job.fail(err);
    this.retire(job, false, null, e);
  }

  private retire(job: Job, ok: boolean, stopReason: 'stop' | 'length' | 'abort' | 'interrupt' | null, error: LlmOsError | null): void {
    this.jobs.delete(job.id);
    const p = job.proc;
    if (ok) p.finished++; else p.failed++;
    p.tokensIn += job.promptTokens;
    p.tokensEvaluated += job.evaluatedTokens;
    p.tokensReused += job.reusedTokens;
    p.decodeMs += job.decodeMs;
    p.decodeTokens += job.decodeTokens;
    const usage = job.usage(this.clock.now());
    this.events.emit('job-finished', {
      ...this.jobDetail(job), ok, stopReason, tokens: job.events, error: error ? error.toJSON() : null,
      computedOn: job.computedOn, decodeTokensPerSec: usage.decodeTokensPerSec, contextTokens: usage.promptTokens + usage.completionTokens,
    });
    this.schedule();
  }

  /** Fail every queued job of a model (load failed, model can never fit). */
  failQueued(model: string, err: LlmOsError): void {
    for (const j of this.queued()) if (j.model === model) this.fail(j, err);
  }

  /** A slot's worker died: its jobs fail over through their runs; here only bookkeeping and a pass. */
  onWorkerExit(slot: Slot, error: LlmOsError, model: string | null): void {
    const at = this.clock.now();
    this.events.emit('worker-crashed', { slot: slot.index, error: error.toJSON(), at });
    if (model) this.events.emit('model-evicted', { model, slot: slot.index, reason: 'crash', at });
    this.schedule();
  }

  /**
   * A run ended (SlotOps reports, with the slot already updated): decide what follows — finish the job,
   * re-queue it after a preemption or a crash (a later run resumes it), or fail it.
   */
  runEnded(job: Job, slot: Slot, epoch: number, outcome: RunOutcome): void {
    // A cancelled or timed-out job already ended for its caller (the run was only winding down).
    if (job.phase === 'done') return this.schedule();
    const { error: e, result: r, preempting } = outcome;
    if (e) {
      if (e instanceof WorkerCrashedError && job.reclaimed) this.requeueReclaimed(job);
      else if (e instanceof WorkerCrashedError) this.retryOrFail(job, e);
      else this.fail(job, e);
      // The engine lost its GPU device and with it the model (the worker lives on): forget the model, so
      // the next job reloads it on a new device instead of failing against a model that is gone.
      if (e instanceof DeviceLostError && slot.epoch === epoch && slot.running.size === 0 && slot.model !== null) {
        const model = slot.model;
        slot.clearModel();
        this.events.emit('model-evicted', { model, slot: slot.index, reason: 'device-lost', at: this.clock.now() });
        this.schedule();
      }
      return;
    }
    if (r!.stopReason === 'stop' || r!.stopReason === 'length' || !preempting) {
      // Ended by itself; an interrupt nobody asked for (another caller of the engine) ends it as aborted.
      return this.finish(job, r!.stopReason === 'interrupt' ? 'abort' : r!.stopReason);
    }
    job.preemptions++;
    job.proc.preemptions++;
    job.requeue(this.clock.now());
    this.enqueue(job, true);
  }

  /** A load ended (SlotOps reports, slot already updated): count failures, quarantine, fail what cannot run. */
  loadEnded(model: string, error: LlmOsError | null): void {
    if (!error) {
      this.loadFailures.delete(model);
      return this.schedule();
    }
    // The network and a cancelled load say nothing about the model; anything else counts towards quarantine.
    const counts = !(error instanceof AbortError || error instanceof NetworkError);
    const n = counts ? (this.loadFailures.get(model) ?? 0) + 1 : 0;
    if (counts) this.loadFailures.set(model, n);
    if (n >= this.config.quarantineAfter) {
      this.loadFailures.delete(model);
      const q = this.registry.quarantine(model, n, error, this.clock.now());
      this.events.emit('model-quarantined', { model, failures: n, error: error.toJSON(), at: q.since });
      this.failQueued(model, quarantineError(q));
    } else if (!(error instanceof WorkerCrashedError || error instanceof TimeoutError)) {
      // A crash or a stuck load may be the worker's fault: its jobs stay queued for one more try.
      this.failQueued(model, error);
    }
    this.schedule();
  }

  /** Re-queue a job whose run died with its worker, or fail it after `maxRetries`. */
  retryOrFail(job: Job, err: LlmOsError): void {
    job.retries++;
    if (job.retries > this.config.maxRetries) {
      this.fail(job, new WorkerCrashedError(`The worker running job ${job.id} died ${job.retries} times`, {
        jobId: job.id, retries: job.retries, cause: err.message,
      }));
      return;
    }
    job.requeue(this.clock.now());
    this.events.emit('job-requeued', { ...this.jobDetail(job), reason: 'worker-crashed', retries: job.retries });
    this.enqueue(job, true);
  }

  /** Re-queue a job whose worker was terminated because of another job (not counted as a retry). */
  requeueReclaimed(job: Job): void {
    job.requeue(this.clock.now());
    this.events.emit('job-requeued', { ...this.jobDetail(job), reason: 'worker-reclaimed', retries: job.retries });
    this.enqueue(job, true);
  }

  /** One timer for the next keepAlive expiry or aging step. */
  private arm(now: number, keyed: Keyed[]): void {
    let next = Infinity;
    for (const s of this.pool.slots) {
      if (s.modelState === 'loaded' && s.running.size === 0 && s.idleSince !== null && s.keepAliveMs >= 0) {
        next = Math.min(next, s.idleSince + s.keepAliveMs);
      }
    }
    for (const k of keyed) next = Math.min(next, now + msToNextAging(rankOf(k.job.priority), k.job.waited(now), this.config.agingStepMs));
    next = Math.min(next, this.containment.nextDeadline());
    if (next === this.timerAt) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = next;
    if (Number.isFinite(next)) {
      // At least 1 ms: a boundary a float rounding away must not become a zero-delay timer loop.
      this.timer = this.clock.setTimeout(() => { this.timer = null; this.timerAt = Infinity; this.schedule(); }, Math.max(1, next - now));
    }
  }

  /** Stop everything: cancel every job, terminate every worker. */
  shutdown(): void {
    for (const j of [...this.jobs.values()]) this.cancel(j);
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pool.shutdown();
  }
}
