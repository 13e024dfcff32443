/**
 * The messages of the cross-tab kernel (see `tab-kernel.ts` for the design). Two kinds of
 * `BroadcastChannel`, both named under the namespace (`llmos-kernel` by default):
 * - `<ns>/bus`, every tab: who hosts the kernel, its events and its state (what `ps()`, `jobs()`,
 *   `models()` and `budget` answer from in the other tabs), and `hello` from a tab that needs a host.
 * - `<ns>/tab/<tabId>`, one tab and the host: calls, jobs and their tokens, model sources.
 * Everything is structured-cloned; errors travel as `SerializedError` and are rebuilt as their class.
 */
import type { SerializedError } from '../../errors';
import type { ModelSource, TokenEvent } from '../../protocol/engine';
import type { Budget, DeviceProbe } from '../device-budget';
import type { KernelEventRecord } from '../events';
import type { JobContinuation } from '../job';
import type { KernelTab } from '../kernel-api';
import type { RegisteredModel } from '../model-registry';
import type { AppInfo, JobInfo, JobResult, ModelRegistration, ProcessInfo, QuarantinedModel, ResidentModel, SpawnOptions, SubmitRequest } from '../types';

/** Lock a tab holds while it hosts the kernel (the election: the lock's queue is the line of succession). */
export const leaderLock = (ns: string) => `${ns}/leader`;
/** Lock every tab holds for its life (the host learns that a tab is gone when it gets it). */
export const tabLock = (ns: string, tabId: string) => `${ns}/tab/${tabId}`;
export const busName = (ns: string) => `${ns}/bus`;
export const tabChannelName = (ns: string, tabId: string) => `${ns}/tab/${tabId}`;

/** The host's state, as other tabs see it. */
export interface KernelSnapshot {
  ps: ProcessInfo[];
  jobs: JobInfo[];
  models: ResidentModel[];
  /** Registrations (a source that is a function is sent as `'function'`). */
  registered: (Omit<RegisteredModel, 'source'> & { source: ModelSource | 'function' })[];
  quarantined: QuarantinedModel[];
  budget: Budget | null;
  probe: DeviceProbe | null;
  usage: { vramBytes: number; ramBytes: number };
  tabs: KernelTab[];
}

/** A process of a tab, as the host re-creates it (same pid) after the tab attaches. */
export interface ProcessSpec {
  pid: number;
  app: AppInfo;
  options: SpawnOptions;
}

/** A model registration of a tab; `sourceFromTab`: its source is a function the host calls back for. */
export type ModelSpec = Omit<ModelRegistration, 'source'> & ({ source: ModelSource; sourceFromTab?: false } | { sourceFromTab: true });

/** A job of a tab: the request (without its signal) and what it already delivered. */
export interface JobSpec {
  key: string;
  req: Omit<SubmitRequest, 'signal'>;
  from: JobContinuation;
}

/** Calls a tab makes of the host; the reply carries the return value. */
export type KernelCall =
  | { method: 'spawn'; args: [ProcessSpec] }
  | { method: 'kill'; args: [number] }
  | { method: 'renice'; args: [number, string] }
  | { method: 'registerModel'; args: [ModelSpec] }
  | { method: 'unregisterModel'; args: [string] }
  | { method: 'clearQuarantine'; args: [string] }
  | { method: 'setBudget'; args: [Record<string, number | null>] };

export type BusMessage =
  /** A tab looks for the host. */
  | { type: 'hello'; tabId: string }
  /** A tab became the host. */
  | { type: 'leader'; tab: KernelTab }
  | { type: 'event'; from: string; event: KernelEventRecord }
  | { type: 'state'; from: string; state: KernelSnapshot };

/** Tab → host, on the tab's channel. */
export type TabToHost =
  /** Everything the tab has on the kernel: its processes, models and unfinished jobs. */
  | { type: 'attach'; title: string; procs: ProcessSpec[]; models: ModelSpec[]; jobs: JobSpec[] }
  | ({ type: 'call'; id: number } & KernelCall)
  | { type: 'submit'; job: JobSpec }
  | { type: 'cancel'; key: string }
  | { type: 'source'; id: number; source?: ModelSource; error?: SerializedError };

/** Host → tab, on the tab's channel. */
export type HostToTab =
  /** The host opened this tab's channel: attach now. */
  | { type: 'welcome'; host: KernelTab }
  | { type: 'reply'; id: number; value?: unknown; error?: SerializedError }
  /** A job was admitted (its id on the host's kernel), or refused. */
  | { type: 'admitted'; key: string; jobId: string }
  /** Tokens of a job, in order: one message carries those that came within `TOKEN_BATCH_MS` of each other. */
  | { type: 'tokens'; key: string; events: TokenEvent[] }
  | { type: 'result'; key: string; result: JobResult }
  | { type: 'failed'; key: string; error: SerializedError }
  /** The host needs the source of a model this tab registered (to load it). */
  | { type: 'need-source'; id: number; model: string }
  | { type: 'state'; state: KernelSnapshot };
