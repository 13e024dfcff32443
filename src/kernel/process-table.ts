/**
 * The process table: one record per app instance (cheap: an embedded element is one). It validates
 * spawn/renice input, enforces quotas (`PermissionError`), keeps per-process metrics and the process's
 * fair-share pass (tokens served ÷ weight, see `run-queue.ts`).
 */
import { InvalidRequestError, PermissionError, UnknownProcessError } from '../errors';
import { parsePriority, rankOf, type Priority } from './priority';
import type { AppInfo, JobLimits, ProcessMetrics, ProcessQuota, SpawnOptions } from './types';

/** Exited processes kept for `ps()`. */
const EXITED_KEPT = 100;

/** @internal One process. */
export class ProcessRecord {
  exited = false;
  /** Fair-share virtual time: tokens served ÷ weight. */
  pass = 0;
  lastModel: string | null = null;
  submitted = 0;
  finished = 0;
  failed = 0;
  tokensIn = 0;
  tokensEvaluated = 0;
  tokensReused = 0;
  tokensOut = 0;
  lastTtftMs: number | null = null;
  ttftSum = 0;
  ttftCount = 0;
  queueWaitSum = 0;
  queueWaitCount = 0;
  decodeMs = 0;
  decodeTokens = 0;
  preemptions = 0;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly appId: string | null,
    public priority: Priority,
    readonly weight: number,
    readonly quota: ProcessQuota,
    /** Watchdog limits given at spawn (absent fields: the kernel's defaults). */
    readonly limits: JobLimits = {},
    /** The browser tab that owns the process, when the kernel serves several (`kernel/cross-tab/`). */
    readonly tab: string | null = null,
  ) {}

  /** Throws `PermissionError` if the class is above the quota. */
  checkPriority(p: Priority): void {
    const max = this.quota.maxPriority;
    if (max !== undefined && rankOf(p) > rankOf(max)) {
      throw new PermissionError(`Process ${this.pid} may not use priority ${p} (its quota allows up to ${max})`, {
        pid: this.pid, priority: p, maxPriority: max,
      });
    }
  }

  /** Throws `PermissionError` if the model is not in the quota's list. */
  checkModel(model: string): void {
    const allowed = this.quota.allowedModels;
    if (allowed && !allowed.includes(model)) {
      throw new PermissionError(`Process ${this.pid} may not use model ${model}`, { pid: this.pid, model, allowedModels: [...allowed] });
    }
  }

  /** Throws `PermissionError` when another job would exceed the concurrent-jobs quota. */
  checkConcurrency(unfinished: number): void {
    const max = this.quota.maxConcurrentJobs;
    if (max !== undefined && unfinished >= max) {
      throw new PermissionError(`Process ${this.pid} already has ${unfinished} unfinished jobs (quota ${max})`, {
        pid: this.pid, unfinished, maxConcurrentJobs: max,
      });
    }
  }

  metrics(): ProcessMetrics {
    return {
      jobsSubmitted: this.submitted,
      jobsFinished: this.finished,
      jobsFailed: this.failed,
      tokensIn: this.tokensIn,
      tokensEvaluated: this.tokensEvaluated,
      tokensReused: this.tokensReused,
      tokensOut: this.tokensOut,
      lastTtftMs: this.lastTtftMs,
      meanTtftMs: this.ttftCount ? this.ttftSum / this.ttftCount : null,
      tokensPerSec: this.decodeMs > 0 ? (this.decodeTokens * 1000) / this.decodeMs : 0,
      meanQueueWaitMs: this.queueWaitCount ? this.queueWaitSum / this.queueWaitCount : null,
      preemptions: this.preemptions,
    };
  }
}

/** Validate watchdog limits: positive numbers of ms, `Infinity` to switch one off. */
function validateLimits(l: unknown): JobLimits {
  if (l === undefined) return {};
  if (typeof l !== 'object' || l === null) throw new InvalidRequestError('limits must be an object', { field: 'limits' });
  const r = l as Record<string, unknown>;
  const out: JobLimits = {};
  for (const f of ['firstTokenMs', 'interTokenMs', 'wallMs'] as const) {
    const v = r[f];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || v <= 0) {
      throw new InvalidRequestError(`limits.${f} must be a positive number of ms (Infinity: no limit)`, { field: `limits.${f}`, value: String(v) });
    }
    out[f] = v;
  }
  return Object.freeze(out);
}

function validateQuota(q: unknown): ProcessQuota {
  if (q === undefined) return {};
  if (typeof q !== 'object' || q === null) throw new InvalidRequestError('quota must be an object', { field: 'quota' });
  const r = q as Record<string, unknown>;
  const out: ProcessQuota = {};
  if (r['maxPriority'] !== undefined) out.maxPriority = parsePriority(r['maxPriority'], 'quota.maxPriority');
  const mc = r['maxConcurrentJobs'];
  if (mc !== undefined) {
    if (typeof mc !== 'number' || !Number.isInteger(mc) || mc < 1) {
      throw new InvalidRequestError('quota.maxConcurrentJobs must be an integer ≥ 1', { field: 'quota.maxConcurrentJobs', value: String(mc) });
    }
    out.maxConcurrentJobs = mc;
  }
  for (const f of ['maxQueuedJobs', 'maxRunningJobs'] as const) {
    const v = r[f];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new InvalidRequestError(`quota.${f} must be an integer ≥ 1`, { field: `quota.${f}`, value: String(v) });
    }
    out[f] = v;
  }
  const am = r['allowedModels'];
  if (am !== undefined) {
    if (!Array.isArray(am) || am.some((m) => typeof m !== 'string')) {
      throw new InvalidRequestError('quota.allowedModels must be an array of model ids', { field: 'quota.allowedModels' });
    }
    out.allowedModels = Object.freeze([...am]);
  }
  return Object.freeze(out);
}

/** @internal The table. */
export class ProcessTable {
  private readonly procs = new Map<number, ProcessRecord>();
  private nextPid = 1;

  /**
   * Start a process. `pid` (the cross-tab kernel's, `kernel/cross-tab/`): a number the caller chose,
   * refused when in use; by default the next free one. `tab`: the browser tab that owns it.
   */
  spawn(app: AppInfo, options: SpawnOptions, pid?: number, tab: string | null = null): ProcessRecord {
    if (typeof app !== 'object' || app === null || typeof app.name !== 'string' || !app.name.trim() || app.name.length > 200) {
      throw new InvalidRequestError('app.name must be a non-empty string of at most 200 characters', { field: 'app.name' });
    }
    if (app.appId !== undefined && typeof app.appId !== 'string') throw new InvalidRequestError('app.appId must be a string', { field: 'app.appId' });
    if (typeof options !== 'object' || options === null) throw new InvalidRequestError('spawn options are required', { field: 'options' });
    const priority = parsePriority(options.priority);
    const weight = options.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1000) {
      throw new InvalidRequestError('weight must be a number in (0, 1000]', { field: 'weight', value: String(weight) });
    }
    const quota = validateQuota(options.quota);
    if (pid !== undefined && (!Number.isSafeInteger(pid) || pid < 1 || this.procs.has(pid))) {
      throw new InvalidRequestError(`Process id ${pid} is not free`, { field: 'pid', value: String(pid) });
    }
    while (pid === undefined && this.procs.has(this.nextPid)) this.nextPid++;
    const proc = new ProcessRecord(pid ?? this.nextPid, app.name, app.appId ?? null, priority, weight, quota, validateLimits(options.limits), tab);
    proc.checkPriority(priority);
    if (pid === undefined) this.nextPid++;
    this.procs.set(proc.pid, proc);
    return proc;
  }

  /** A process, exited or not; `UnknownProcessError` if there is none. */
  get(pid: number): ProcessRecord {
    const p = typeof pid === 'number' ? this.procs.get(pid) : undefined;
    if (!p) throw new UnknownProcessError(`No process ${String(pid)}`, { pid: String(pid) });
    return p;
  }

  /** A live process; exited ones are `UnknownProcessError` too (with `details.exited`). */
  live(pid: number): ProcessRecord {
    const p = this.get(pid);
    if (p.exited) throw new UnknownProcessError(`Process ${pid} has exited`, { pid, exited: true });
    return p;
  }

  /** Mark exited, and forget the oldest exited records beyond the limit. */
  exit(p: ProcessRecord): void {
    p.exited = true;
    const exited = [...this.procs.values()].filter((x) => x.exited);
    for (const old of exited.slice(0, Math.max(0, exited.length - EXITED_KEPT))) this.procs.delete(old.pid);
  }

  all(): ProcessRecord[] {
    return [...this.procs.values()];
  }
}
