/**
 * `Kernel`: the public face of the scheduler. Processes (`spawn`, `ps`, `kill`, `renice`), jobs
 * (`submit` → `JobHandle`), models (`registerModel`, `models`), the device budget (`budget`,
 * `setBudget`) and the event stream (`events`). Every input is validated here and refused with a typed
 * error *synchronously* — including `QueueFullError`: `submit()` never blocks and never queues what it
 * cannot take. Failures after admission (load errors, crashes beyond the retry limit) reject the job's
 * `result` and make its token stream throw; the kernel and other processes carry on.
 */
import { InvalidRequestError, ModelTooLargeError, QueueFullError, UnsupportedInputError } from '../errors';
import type { GenerateRequest } from '../protocol/engine';
import { validateRequest } from '../protocol/validate-request';
import { EngineClient } from './engine-client';
import { systemClock, type Clock } from './clock';
import { deriveBudget, probeDevice, validateOverrides, type Budget, type BudgetOverrides, type DeviceProbe } from './device-budget';
import { KernelEvents } from './events';
import { KvLedger } from './kv-ledger';
import { PRIVATE_HOST, type KernelApi, type KernelHostInfo } from './kernel-api';
import { Job, type JobContinuation } from './job';
import { ModelRegistry, quarantineError, resolveRegistration, type RegisteredModel } from './model-registry';
import { refusal } from './placement';
import { parsePriority, type Priority } from './priority';
import { ProcessTable, type ProcessRecord } from './process-table';
import { Scheduler, type SchedulerConfig } from './scheduler';
import { localSettingsStore, type KernelSettingsStore } from './settings-store';
import type {
  AppInfo, JobHandle, JobInfo, ModelRegistration, ProcessInfo, ProcessState, QuarantinedModel, ResidentModel, SpawnOptions, SubmitRequest,
} from './types';
import { WorkerPool, type EngineFactory } from './worker-pool';

/** Kernel construction options; every field is optional. */
export interface KernelOptions extends Partial<SchedulerConfig> {
  /** Time source (default: `performance.now()` and global timers). */
  clock?: Clock;
  /** Creates a slot's engine (default: a real engine worker, `EngineClient.start()`). */
  createEngine?: EngineFactory;
  /** Device probe (default: `probeDevice()` on `navigator`). */
  probe?: () => Promise<DeviceProbe>;
  /** Session overrides applied over the persisted ones (not persisted). */
  budget?: BudgetOverrides;
  /** Where `setBudget` persists overrides (default: `localStorage`, else memory). */
  settings?: KernelSettingsStore;
  /** Events kept in `events.history()` (default 1000). */
  historyLimit?: number;
}

/** Defaults of the scheduler's tunables. */
export const KERNEL_DEFAULTS: SchedulerConfig = {
  queueLimit: 256,
  jobsPerSlot: null,
  maxRetries: 2,
  agingStepMs: 10_000,
  defaultKeepAliveMs: 5 * 60_000,
  sliceTokens: Infinity,
  loadTimeoutMs: 120_000,
  unloadTimeoutMs: 10_000,
  placement: 'optimal',
  exactLimit: 20,
  discipline: 'priority',
  killGraceMs: 500,
  // Generous for a slow CPU: a long prompt on a 2-core laptop, or the prefill of a resumed run.
  firstTokenTimeoutMs: 120_000,
  interTokenTimeoutMs: 60_000,
  jobTimeoutMs: 30 * 60_000,
  queueShare: 0.25,
  quarantineAfter: 2,
};

/** The LLM OS kernel of one page (`TabKernel`, in `cross-tab/`, shares one among the origin's tabs). */
export class Kernel implements KernelApi {
  /** Every scheduling decision, as events (see `KernelEventMap`). */
  readonly events: KernelEvents;
  /** Resolves with the budget once the device is probed (never rejects); until then jobs queue but nothing runs. */
  readonly ready: Promise<Budget>;
  private readonly procs = new ProcessTable();
  private readonly registry = new ModelRegistry();
  private readonly kv = new KvLedger();
  private readonly scheduler: Scheduler;
  private readonly settings: KernelSettingsStore;
  private readonly session: BudgetOverrides;
  private probeResult: DeviceProbe | null = null;

  constructor(options: KernelOptions = {}) {
    const config: SchedulerConfig = { ...KERNEL_DEFAULTS };
    for (const k of Object.keys(KERNEL_DEFAULTS) as (keyof SchedulerConfig)[]) {
      if (options[k] !== undefined) (config as unknown as Record<string, unknown>)[k] = options[k];
    }
    validateConfig(config);
    const clock = options.clock ?? systemClock;
    this.events = new KernelEvents(options.historyLimit);
    this.settings = options.settings ?? localSettingsStore();
    this.session = validateOverrides(options.budget ?? {});
    const create = options.createEngine ?? (() => EngineClient.start(undefined, { clock }));
    const pool = new WorkerPool(create, (slot, err, model) => this.scheduler.onWorkerExit(slot, err, model), clock);
    this.scheduler = new Scheduler(clock, this.events, pool, this.registry, config);
    this.events.on('job-finished', (d) => {
      if (d.ok && d.computedOn.kind === 'device' && this.registry.has(d.model)) {
        this.kv.record(d.model, d.pid, d.contextTokens, this.registry.get(d.model).sequences);
      }
    });
    this.events.on('model-evicted', (d) => this.kv.dropModel(d.model));
    this.events.on('process-exited', (d) => this.kv.dropProcess(d.pid));
    const probe = options.probe ?? (() => probeDevice());
    // A failing probe must not leave the kernel without a budget (jobs would wait forever): fall back
    // to the defaults of an unknown device; overrides still apply.
    const fallback: DeviceProbe = { gpu: null, deviceMemoryGB: null, hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1, storage: null };
    this.ready = Promise.resolve()
      .then(() => probe())
      .catch(() => fallback)
      .then((p) => {
        this.probeResult = p;
        return this.applyBudget();
      });
  }

  /** A page's own kernel runs in the page. */
  get host(): KernelHostInfo {
    return PRIVATE_HOST;
  }

  /** The budget in force, or null before the probe finished. */
  get budget(): Budget | null {
    return this.scheduler.budget;
  }

  /** What the device probe saw (null before `ready`). */
  get probe(): DeviceProbe | null {
    return this.probeResult;
  }

  /** Memory charged by resident (loading, loaded, unloading) models now. */
  usage(): { vramBytes: number; ramBytes: number } {
    return this.scheduler.usage();
  }

  /**
   * Change the user's budget overrides (MB and slots; `null` removes one) and persist them. Bad values
   * are a `BudgetError` and change nothing. Resident models beyond a smaller budget are evicted (their
   * jobs preempted first).
   */
  setBudget(overrides: { [K in keyof BudgetOverrides]?: BudgetOverrides[K] | null }): Budget | null {
    const merged = validateOverrides({ ...this.settings.read(), ...overrides });
    this.settings.write(merged);
    for (const k of Object.keys(overrides) as (keyof BudgetOverrides)[]) {
      if (k in this.session) delete this.session[k];
    }
    return this.probeResult ? this.applyBudget() : null;
  }

  private applyBudget(): Budget {
    const budget = deriveBudget(this.probeResult!, { ...this.settings.read(), ...this.session });
    this.scheduler.setBudget(budget);
    this.events.emit('budget-changed', { budget, at: this.scheduler.clock.now() });
    return budget;
  }

  /**
   * Start a process for an app; returns its pid. `internal` is the cross-tab kernel's (`cross-tab/`):
   * the pid its tab chose, and the tab that owns the process.
   */
  spawn(app: AppInfo, options: SpawnOptions, internal?: { pid?: number; tab?: string }): number {
    const p = this.procs.spawn(app, options, internal?.pid, internal?.tab ?? null);
    this.events.emit('process-spawned', { pid: p.pid, name: p.name, priority: p.priority, at: this.scheduler.clock.now() });
    return p.pid;
  }

  /** End a process: its queued and running jobs are cancelled (results resolve with stop reason `abort`). */
  kill(pid: number): void {
    const p = this.procs.live(pid);
    for (const j of this.jobsOf(p)) this.scheduler.cancel(j);
    this.procs.exit(p);
    this.events.emit('process-exited', { pid: p.pid, name: p.name, at: this.scheduler.clock.now() });
  }

  /** Change a process's class (within its quota). Its running jobs keep running unless now outranked. */
  renice(pid: number, priority: Priority): void {
    const p = this.procs.live(pid);
    const prio = parsePriority(priority);
    p.checkPriority(prio);
    p.priority = prio;
    this.scheduler.reniced(this.jobsOf(p));
    this.events.emit('process-reniced', { pid: p.pid, name: p.name, priority: prio, at: this.scheduler.clock.now() });
  }

  /** Make a model known: its engine, source and memory cost. Re-registering an idle model updates it. */
  registerModel(reg: ModelRegistration): RegisteredModel {
    const model = resolveRegistration(reg);
    const busy = this.scheduler.pool.slots.some((s) => s.model === model.id) || [...this.scheduler.jobs.values()].some((j) => j.model === model.id);
    if (busy) throw new InvalidRequestError(`Model ${model.id} is in use and cannot be re-registered now`, { model: model.id });
    if (this.registry.set(model)) {
      this.events.emit('model-quarantine-cleared', { model: model.id, by: 'new-file', at: this.scheduler.clock.now() });
    }
    return model;
  }

  /** Models set aside after failing to load `quarantineAfter` times in a row (their requests are refused). */
  quarantined(): QuarantinedModel[] {
    return this.registry.inQuarantine();
  }

  /** Lift a model's quarantine (the user's call): its next request tries to load it again. */
  clearQuarantine(model: string): boolean {
    const cleared = this.registry.release(model);
    if (cleared) this.events.emit('model-quarantine-cleared', { model, by: 'user', at: this.scheduler.clock.now() });
    return cleared;
  }

  /** Forget a model that is neither in a slot nor named by a job (false otherwise, or when not registered). */
  unregisterModel(id: string): boolean {
    const busy = this.scheduler.pool.slots.some((s) => s.model === id) || [...this.scheduler.jobs.values()].some((j) => j.model === id);
    return !busy && this.registry.delete(id);
  }

  /** Registered models. */
  registeredModels(): RegisteredModel[] {
    return this.registry.list();
  }

  /**
   * Submit a generation. Returns at once; refusals are thrown synchronously as typed errors. `internal`
   * is the cross-tab kernel's (`cross-tab/`): output delivered by a kernel that is gone, to resume from,
   * and token events that carry their ids.
   */
  submit(req: SubmitRequest, internal?: { continueFrom?: JobContinuation; withIds?: boolean }): JobHandle {
    if (this.scheduler.closed) throw new InvalidRequestError('The kernel has been shut down', { shutdown: true });
    if (typeof req !== 'object' || req === null) throw new InvalidRequestError('submit() needs a request object', {});
    const proc = this.procs.live(req.pid);
    const model = this.registry.get(req.model);
    const explicit = req.priority === undefined ? null : parsePriority(req.priority);
    if (explicit) proc.checkPriority(explicit);
    proc.checkModel(model.id);
    const q = this.registry.quarantineOf(model.id);
    if (q) throw quarantineError(q);
    const request = buildRequest(req);
    if (model.inputs && !model.inputs.includes('image') && request.messages?.some((m) => m.images?.length)) {
      throw new UnsupportedInputError(`Model ${model.id} does not accept images`, { input: 'image', modelId: model.id });
    }
    const keepAliveMs = req.keepAliveMs ?? null;
    if (keepAliveMs !== null && (typeof keepAliveMs !== 'number' || !Number.isFinite(keepAliveMs) || keepAliveMs < -1)) {
      throw new InvalidRequestError('keepAliveMs must be -1 (pin), 0 (unload after use) or a duration in ms', { field: 'keepAliveMs', value: String(keepAliveMs) });
    }
    const budget = this.scheduler.budget;
    const refused = budget ? refusal(model, { vramBytes: budget.vramBytes, ramBytes: budget.ramBytes, slots: budget.slots }) : null;
    if (refused) {
      throw new ModelTooLargeError(
        `Model ${model.id} needs ${refused.neededMB} MB of ${refused.resource.toUpperCase()} but the budget has ${refused.availableMB} MB`,
        { model: model.id, resource: refused.resource, neededMB: refused.neededMB, availableMB: refused.availableMB },
      );
    }
    const mine = this.jobsOf(proc);
    proc.checkConcurrency(mine.length);
    // Fair admission: one process fills at most its share of the shared queue, so others are still admitted.
    const share = proc.quota.maxQueuedJobs ?? Math.max(1, Math.ceil(this.scheduler.config.queueLimit * this.scheduler.config.queueShare));
    const mineQueued = mine.filter((j) => j.phase === 'queued').length;
    if (mineQueued >= share) {
      throw new QueueFullError(`Process ${proc.pid} already has ${mineQueued} jobs waiting (its share of the queue is ${share})`, {
        scope: 'process', pid: proc.pid, queueLength: mineQueued, limit: share,
      });
    }
    const queued = this.scheduler.queued().length;
    if (queued >= this.scheduler.config.queueLimit) {
      throw new QueueFullError(`The queue is full (${queued} jobs waiting)`, { scope: 'kernel', queueLength: queued, limit: this.scheduler.config.queueLimit });
    }
    const job = new Job(proc, model.id, model.engine, request, explicit, keepAliveMs, this.scheduler.clock.now(), (j) => this.scheduler.cancel(j), req.signal);
    if (internal?.continueFrom && internal.continueFrom.events > 0) job.continueFrom(internal.continueFrom);
    job.withIds = internal?.withIds === true;
    proc.submitted++;
    this.scheduler.enqueue(job);
    if (req.signal?.aborted) this.scheduler.cancel(job);
    return job.handle();
  }

  /** Process table. */
  ps(): ProcessInfo[] {
    return this.procs.all().map((p) => {
      const jobs = this.jobsOf(p);
      const running = jobs.filter((j) => j.phase === 'running');
      const queued = jobs.filter((j) => j.phase === 'queued');
      let state: ProcessState = 'sleeping';
      if (p.exited) state = 'exited';
      else if (running.length) state = 'running';
      else if (queued.some((j) => j.preemptions > 0 || j.retries > 0)) state = 'preempted';
      else if (queued.some((j) => !this.modelReady(j.model))) state = 'waiting-for-model';
      else if (queued.length) state = 'ready';
      const newest = jobs[jobs.length - 1];
      return {
        pid: p.pid, name: p.name, appId: p.appId, tab: p.tab, priority: p.priority, weight: p.weight, quota: p.quota, state,
        model: running[0]?.model ?? newest?.model ?? p.lastModel, queuedJobs: queued.length, runningJobs: running.length,
        metrics: p.metrics(), kv: this.kvOf(p.pid),
      };
    });
  }

  /** The KV cache held for a process's conversations: tokens, and bytes at each model's KV bytes a token. */
  private kvOf(pid: number): ProcessInfo['kv'] {
    let tokens = 0, bytes = 0;
    for (const h of this.kv.holdings(pid)) {
      tokens += h.tokens;
      const reg = this.registry.has(h.model) ? this.registry.get(h.model) : null;
      if (reg?.nCtx && reg.kvBytes) bytes += Math.round((h.tokens * reg.kvBytes) / reg.nCtx);
    }
    return { tokens, bytes };
  }

  /** Unfinished jobs, in queue order of submission. */
  jobs(): JobInfo[] {
    const now = this.scheduler.clock.now();
    return [...this.scheduler.jobs.values()].map((j) => ({
      id: j.id, pid: j.proc.pid, model: j.model, priority: j.priority, effectiveRank: j.rank(now, this.scheduler.config.agingStepMs),
      state: j.state(this.modelReady(j.model)), tokens: j.events, slot: j.slot, preemptions: j.preemptions, retries: j.retries,
    }));
  }

  /** Models held by worker slots. */
  models(): ResidentModel[] {
    const now = this.scheduler.clock.now();
    return this.scheduler.pool.slots.filter((s) => s.model !== null).map((s) => ({
      id: s.model!, slot: s.index, state: s.modelState!, vramBytes: s.vramBytes, ramBytes: s.ramBytes, runningJobs: s.running.size,
      idleSinceMs: s.idleSince === null ? null : now - s.idleSince, keepAliveMs: s.keepAliveMs,
    }));
  }

  /** Cancel every job and terminate every worker. The kernel cannot be used afterwards. */
  shutdown(): void {
    this.scheduler.shutdown();
  }

  private jobsOf(p: ProcessRecord): Job[] {
    return [...this.scheduler.jobs.values()].filter((j) => j.proc === p);
  }

  private modelReady(model: string): boolean {
    return this.scheduler.pool.slots.some((s) => s.model === model && s.modelState === 'loaded');
  }
}

/** Create a kernel and wait for its device probe. */
export async function createKernel(options: KernelOptions = {}): Promise<Kernel> {
  const k = new Kernel(options);
  await k.ready;
  return k;
}

/** @internal The engine request of a submission, checked (`InvalidRequestError`). */
export function buildRequest(req: SubmitRequest): GenerateRequest {
  const params = req.params ?? {};
  if (typeof params !== 'object' || params === null) throw new InvalidRequestError('params must be an object', { field: 'params' });
  const { replayPrefix: _p, replayTokens: _t, resume: _r, messages: _m, prompt: _pr, ...clean } = params as GenerateRequest;
  // No `maxTokens`: the engine generates to the end of the text or of the context (as OpenAI does).
  const request: GenerateRequest = { ...clean };
  if (req.messages !== undefined) request.messages = req.messages;
  if (req.prompt !== undefined) request.prompt = req.prompt;
  validateRequest(request);
  // Only the definitions travel to the engine (a tool object may carry its `execute` function).
  if (request.tools) request.tools = request.tools.map(({ name, description, parameters }) => ({ name, ...(description !== undefined ? { description } : {}), ...(parameters ? { parameters } : {}) }));
  // Sampled generations get a seed: reproducible where the engine's numerics are (a replayed run).
  if ((request.temperature ?? 0) > 0 && request.seed === undefined) request.seed = Math.floor(Math.random() * 2 ** 31);
  return request;
}

function validateConfig(c: SchedulerConfig): void {
  const bad = (field: string, value: unknown) => new InvalidRequestError(`Invalid kernel option ${field}`, { field, value: String(value) });
  const posInt = (f: keyof SchedulerConfig) => {
    const v = c[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(f, v);
  };
  posInt('queueLimit'); posInt('exactLimit'); posInt('quarantineAfter');
  if (c.jobsPerSlot !== null) posInt('jobsPerSlot');
  if (typeof c.queueShare !== 'number' || !(c.queueShare > 0 && c.queueShare <= 1)) throw bad('queueShare', c.queueShare);
  if (!Number.isInteger(c.maxRetries) || c.maxRetries < 0) throw bad('maxRetries', c.maxRetries);
  for (const f of ['agingStepMs', 'sliceTokens', 'loadTimeoutMs', 'unloadTimeoutMs', 'killGraceMs', 'firstTokenTimeoutMs', 'interTokenTimeoutMs', 'jobTimeoutMs'] as const) {
    if (typeof c[f] !== 'number' || Number.isNaN(c[f]) || c[f] <= 0) throw bad(f, c[f]);
  }
  if (!Number.isFinite(c.defaultKeepAliveMs) || c.defaultKeepAliveMs < -1) throw bad('defaultKeepAliveMs', c.defaultKeepAliveMs);
  if (c.placement !== 'optimal' && c.placement !== 'lru') throw bad('placement', c.placement);
  if (c.discipline !== 'priority' && c.discipline !== 'fifo') throw bad('discipline', c.discipline);
}
