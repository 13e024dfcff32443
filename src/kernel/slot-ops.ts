/**
 * The asynchronous work a scheduler pass starts on a slot: run a job (one run of it), stop a run at a
 * token boundary, load a model, evict a model. Each op updates the slot synchronously when it starts
 * (so the pass that started it sees the new state) and, when it ends, reports the outcome to its host
 * (`SlotOpsHost.runEnded` / `loadEnded`): the scheduler alone decides what follows (finish, re-queue,
 * quarantine). Results of a slot whose worker was replaced meanwhile (`epoch` changed)
 * are ignored: the crash path owns them. Slot ops know the scheduler only by that interface.
 */
import { ModelLoadError, TimeoutError, WorkerCrashedError, toLlmOsError, type LlmOsError } from '../errors';
import type { GenerateResult, TokenEvent } from '../protocol/engine';
import { withTimeout, type Clock } from './clock';
import type { Budget } from './device-budget';
import type { JobEventDetail, KernelEvents } from './events';
import type { Job } from './job';
import type { RegisteredModel } from './model-registry';
import type { SchedulerConfig } from './scheduler-config';
import type { Slot, WorkerPool } from './worker-pool';

/** How a run ended: its result, or the typed error it failed with; `preempting`: why it was told to yield. */
export interface RunOutcome {
  result: GenerateResult | null;
  error: LlmOsError | null;
  preempting: Job['preempting'];
}

/**
 * What slot ops need from the scheduler that owns them, and where they report. The ops carry out; the
 * scheduler decides (`runEnded`, `loadEnded`): retry, preemption, quarantine.
 */
export interface SlotOpsHost {
  readonly clock: Clock;
  readonly events: KernelEvents;
  readonly config: SchedulerConfig;
  readonly pool: WorkerPool;
  readonly budget: Budget | null;
  jobDetail(job: Job): JobEventDetail;
  schedule(): void;
  runEnded(job: Job, slot: Slot, epoch: number, outcome: RunOutcome): void;
  loadEnded(model: string, error: LlmOsError | null): void;
}

/** @internal */
export class SlotOps {
  constructor(private readonly s: SlotOpsHost) {}

  /** Run `job` on `slot` (its model is loaded there) until it ends, is preempted or fails. */
  run(job: Job, slot: Slot, rank: number): void {
    const s = this.s;
    const now = s.clock.now();
    const resumed = job.engineTokens > 0 || job.preemptions > 0 || job.retries > 0;
    if (job.firstDispatchAt === null) {
      job.proc.queueWaitSum += now - job.submittedAt;
      job.proc.queueWaitCount++;
    }
    job.dispatch(now, rank, slot.index);
    slot.running.add(job);
    slot.fresh = false;
    slot.idleSince = null;
    slot.lastUsed = now;
    // keepAlive is per request (as in Ollama): the latest request on a model decides.
    slot.keepAliveMs = job.keepAliveMs ?? s.config.defaultKeepAliveMs;
    job.proc.lastModel = job.model;
    if (resumed) {
      s.events.emit('job-resumed', {
        ...s.jobDetail(job), slot: slot.index, tokens: job.engineTokens, mode: job.resumeMode,
      });
    }
    else s.events.emit('job-started', { ...s.jobDetail(job), slot: slot.index, queueWaitMs: now - job.submittedAt });
    const engine = slot.engine;
    const epoch = slot.epoch;
    const ctrl = job.runCtrl!;
    const onToken = (t: TokenEvent) => {
      const before = job.events;
      job.deliver(t, s.clock.now());
      if (job.events === before) return;
      // Past its time slice, every token is a boundary where a same-class waiter may take over.
      if (job.runEvents >= s.config.sliceTokens) s.schedule();
      const p = job.proc;
      p.tokensOut++;
      p.pass += 1 / p.weight;
      if (before === 0) {
        const ttft = job.firstTokenAt! - job.submittedAt;
        p.lastTtftMs = ttft;
        p.ttftSum += ttft;
        p.ttftCount++;
      }
    };
    const started: Promise<GenerateResult> = job.remainingTokens <= 0
      ? Promise.resolve({ text: '', stopReason: 'length', usage: { promptTokens: 0, completionTokens: 0, ttftMs: 0, decodeTokensPerSec: 0, prefillTokensPerSec: 0, totalMs: 0 } })
      : engine && engine.alive
        ? engine.generate(job.runRequest(), onToken, ctrl.signal)
        : Promise.reject(new WorkerCrashedError('The slot has no live worker', { slot: slot.index }));
    started.then(
      (res) => this.ended(job, slot, epoch, res, null),
      (err) => this.ended(job, slot, epoch, null, err),
    );
  }

  private ended(job: Job, slot: Slot, epoch: number, res: GenerateResult | null, err: unknown): void {
    const s = this.s;
    const now = s.clock.now();
    slot.running.delete(job);
    if (slot.epoch === epoch && slot.running.size === 0 && slot.model !== null) slot.idleSince = now;
    slot.lastUsed = now;
    const preempting = job.preempting;
    job.endRun(res, now);
    s.runEnded(job, slot, epoch, { result: res, error: err ? toLlmOsError(err) : null, preempting });
  }

  /** Ask a run to stop at the next token boundary: interrupt when it is alone on its worker, else abort it. */
  stop(job: Job): void {
    const slot = job.slot === null ? undefined : this.s.pool.slots[job.slot];
    const engine = slot?.engine;
    if (!slot || !engine || slot.running.size !== 1) {
      job.runCtrl?.abort();
      return;
    }
    // Worker messages are ordered, so this interrupt cannot reach a run dispatched after it.
    try {
      void Promise.resolve(engine.interrupt()).catch(() => job.runCtrl?.abort());
    } catch {
      job.runCtrl?.abort();
    }
  }

  /** Load `reg` into the empty `slot` (starting its worker if needed). */
  load(slot: Slot, reg: RegisteredModel): void {
    const s = this.s;
    // A remote model gets a worker of its own, started now: its script carries the CSP in force now,
    // whose `connect-src` includes the servers the user added since older workers started.
    if (reg.engine === 'remote' && (slot.engine || slot.starting)) s.pool.reset(slot, 'A remote model starts a fresh worker');
    slot.model = reg.id;
    slot.modelState = 'loading';
    slot.vramBytes = reg.vramBytes;
    slot.ramBytes = reg.ramBytes;
    slot.idleSince = null;
    slot.keepAliveMs = s.config.defaultKeepAliveMs;
    const t0 = s.clock.now();
    s.events.emit('model-loading', { model: reg.id, slot: slot.index, bytes: reg.totalBytes, at: t0 });
    void this.doLoad(slot, reg, t0);
  }

  private async doLoad(slot: Slot, reg: RegisteredModel, t0: number): Promise<void> {
    const s = this.s;
    let epoch = slot.epoch;
    const mine = () => slot.epoch === epoch && slot.model === reg.id && slot.modelState === 'loading';
    try {
      const engine = await s.pool.engine(slot);
      epoch = slot.epoch;
      if (!mine()) return;
      const source = typeof reg.source === 'function' ? await reg.source() : reg.source;
      const ctrl = new AbortController();
      const options = {
        nThreads: s.budget?.threadsPerSlot ?? 1, sequences: reg.sequences, ...reg.loadOptions, ...(reg.nCtx ? { nCtx: reg.nCtx } : {}),
      };
      let lastFraction = -1;
      const info = await withTimeout(
        engine.load(reg.engine, source, options, (p) => {
          // Progress events at 10% steps at most: the event stream is for humans and tests, not a firehose.
          if (p.fraction - lastFraction < 0.1 && p.fraction < 1) return;
          lastFraction = p.fraction;
          s.events.emit('model-progress', { model: reg.id, slot: slot.index, fraction: p.fraction, at: s.clock.now() });
        }, ctrl.signal),
        s.config.loadTimeoutMs, s.clock,
        () => new TimeoutError(`Loading ${reg.id} took longer than ${s.config.loadTimeoutMs} ms`, { model: reg.id }),
        () => ctrl.abort(),
      );
      if (!mine()) return;
      // What the model accepts, once the engine has said it: later image jobs for a text-only model are
      // then refused at submit even when the registration did not say (`ModelRegistration.inputs`).
      if (reg.inputs === undefined && Array.isArray(info?.inputs)) reg.inputs = [...info.inputs];
      const now = s.clock.now();
      slot.modelState = 'loaded';
      slot.fresh = true;
      slot.idleSince = now;
      slot.lastUsed = now;
      s.events.emit('model-loaded', { model: reg.id, slot: slot.index, ms: now - t0, at: now });
      s.loadEnded(reg.id, null);
    } catch (e) {
      const err = toLlmOsError(e, ModelLoadError, { model: reg.id });
      if (slot.model === reg.id && slot.modelState === 'loading') {
        // A stuck load leaves the worker in an unknown state: replace it.
        if (err instanceof TimeoutError) s.pool.reset(slot, 'Model load timed out');
        else if (slot.epoch === epoch) slot.clearModel();
      }
      s.events.emit('model-load-failed', { model: reg.id, slot: slot.index, error: err.toJSON(), at: s.clock.now() });
      s.loadEnded(reg.id, err);
    } finally {
      s.schedule();
    }
  }

  /** Unload the idle model of `slot`; a failing or stuck unload replaces the worker instead. */
  evict(slot: Slot, reason: 'placement' | 'keep-alive' | 'budget' | 'shutdown'): void {
    const s = this.s;
    const model = slot.model;
    if (!model || slot.modelState !== 'loaded' || slot.running.size > 0) return;
    slot.modelState = 'unloading';
    const epoch = slot.epoch;
    const engine = slot.engine;
    const unload = engine && engine.alive ? engine.unload() : Promise.resolve();
    let resetHere = false;
    withTimeout(unload, s.config.unloadTimeoutMs, s.clock, () => new TimeoutError(`Unloading ${model} timed out`, { model }))
      .catch(() => {
        if (slot.epoch !== epoch) return;
        resetHere = true;
        s.pool.reset(slot, `Unloading ${model} failed`);
      })
      .then(() => {
        if (slot.epoch === epoch && slot.modelState === 'unloading') slot.clearModel();
        else if (!resetHere) return; // the worker died meanwhile: the crash path reported the eviction
        s.events.emit('model-evicted', { model, slot: slot.index, reason, at: s.clock.now() });
        if (!slot.active) s.pool.reset(slot, 'Slot removed from the budget');
      })
      .finally(() => s.schedule());
  }
}
