/**
 * The kernel's observability stream: every scheduling decision is an event (job queued / started /
 * preempted / resumed / finished, model loading / loaded / evicted, budget changed, …). `KernelEvents`
 * is an `EventTarget`, so the task manager can `addEventListener`, and it has a typed `on()` that
 * returns an unsubscribe function. A bounded history lets late subscribers see recent decisions.
 */
import type { ComputedOn } from '../protocol/remote';
import type { SerializedError } from '../errors';
import type { StopReason } from '../protocol/engine';
import type { Budget } from './device-budget';
import type { KernelHostInfo } from './kernel-api';
import type { Priority } from './priority';

/** Fields every job event carries. */
export interface JobEventDetail {
  jobId: string;
  pid: number;
  model: string;
  priority: Priority;
  /** Kernel clock time of the event, ms. */
  at: number;
}

/** Event name → detail. */
export interface KernelEventMap {
  'job-queued': JobEventDetail & { queueLength: number };
  'job-started': JobEventDetail & { slot: number; queueWaitMs: number };
  'job-preempted': JobEventDetail & { slot: number; tokens: number; reason: 'priority' | 'time-slice' | 'budget'; byJobId: string | null };
  'job-resumed': JobEventDetail & { slot: number; tokens: number; mode: 'prefill' | 'replay' };
  'job-requeued': JobEventDetail & { reason: 'worker-crashed' | 'worker-reclaimed'; retries: number };
  'job-finished': JobEventDetail & {
    ok: boolean; stopReason: StopReason | null; tokens: number; error: SerializedError | null;
    /** Where it was computed, and its decode speed (tokens/s, 0 when unknown): what the task manager shows per server. */
    computedOn: ComputedOn; decodeTokensPerSec: number;
    /** Prompt + reply tokens of its last run: the context its sequence of the KV cache holds now. */
    contextTokens: number;
  };
  'model-loading': { model: string; slot: number; bytes: number; at: number };
  'model-progress': { model: string; slot: number; fraction: number; at: number };
  'model-loaded': { model: string; slot: number; ms: number; at: number };
  'model-load-failed': { model: string; slot: number; error: SerializedError; at: number };
  'model-evicted': { model: string; slot: number; reason: 'placement' | 'keep-alive' | 'crash' | 'budget' | 'shutdown' | 'device-lost' | 'reclaimed'; at: number };
  'budget-changed': { budget: Budget; at: number };
  'process-spawned': { pid: number; name: string; priority: Priority; at: number };
  'process-reniced': { pid: number; name: string; priority: Priority; at: number };
  'process-exited': { pid: number; name: string; at: number };
  'worker-crashed': { slot: number; error: SerializedError; at: number };
  /** A running job tripped a watchdog; it ended for its caller with `TimeoutError`. */
  'job-timed-out': JobEventDetail & { limit: WatchdogLimit; limitMs: number; tokens: number };
  /**
   * A run did not stop within `killGraceMs` of being told to (cancel, kill, watchdog, preemption): the
   * kernel terminated its worker; `requeued` lists the other jobs that were on it (they resume).
   */
  'worker-reclaimed': { slot: number; model: string | null; jobId: string; pid: number; cause: StopCause; waitedMs: number; requeued: string[]; at: number };
  'model-quarantined': { model: string; failures: number; error: SerializedError; at: number };
  'model-quarantine-cleared': { model: string; by: 'user' | 'new-file'; at: number };
  /** Where the kernel runs changed (cross-tab: a tab became the host; `at` is `Date.now()`). */
  'host-changed': { host: KernelHostInfo; at: number };
}

/** Which watchdog a job tripped. */
export type WatchdogLimit = 'first-token' | 'inter-token' | 'wall';

/** Why the kernel asked a run to stop. */
export type StopCause = 'cancel' | 'timeout' | 'preempt';

/** Any kernel event name. */
export type KernelEventType = keyof KernelEventMap;

/** One kernel event: a DOM `Event` with a typed `detail`. */
export class KernelEvent<K extends KernelEventType = KernelEventType> extends Event {
  constructor(type: K, readonly detail: KernelEventMap[K]) {
    super(type);
  }
}

/** A recorded event (history entry). */
export interface KernelEventRecord<K extends KernelEventType = KernelEventType> {
  type: K;
  detail: KernelEventMap[K];
}

/** The kernel's event bus. */
export class KernelEvents extends EventTarget {
  private readonly log: KernelEventRecord[] = [];

  constructor(private readonly historyLimit = 1000) {
    super();
  }

  /** @internal Emit an event (the kernel only). Listener exceptions never reach the scheduler. */
  emit<K extends KernelEventType>(type: K, detail: KernelEventMap[K]): void {
    this.log.push({ type, detail } as KernelEventRecord);
    if (this.log.length > this.historyLimit) this.log.splice(0, this.log.length - this.historyLimit);
    try {
      this.dispatchEvent(new KernelEvent(type, detail));
    } catch (e) {
      // dispatchEvent reports listener errors itself; this guards non-DOM EventTarget polyfills.
      queueMicrotask(() => { throw e; });
    }
  }

  /** Subscribe to one event type (or `'*'` for all); returns the unsubscribe function. */
  on<K extends KernelEventType>(type: K | '*', listener: (detail: KernelEventMap[K], type: K) => void): () => void {
    const types = type === '*' ? (Object.keys(EVENT_TYPES) as K[]) : [type];
    const handler = (ev: Event) => listener((ev as KernelEvent<K>).detail, ev.type as K);
    for (const t of types) this.addEventListener(t, handler);
    return () => { for (const t of types) this.removeEventListener(t, handler); };
  }

  /** The most recent events, oldest first (at most the history limit). */
  history(): readonly KernelEventRecord[] {
    return this.log.slice();
  }
}

/** Every event type (used by `on('*')`). */
const EVENT_TYPES: Record<KernelEventType, true> = {
  'job-queued': true, 'job-started': true, 'job-preempted': true, 'job-resumed': true, 'job-requeued': true,
  'job-finished': true, 'model-loading': true, 'model-progress': true, 'model-loaded': true, 'model-load-failed': true,
  'model-evicted': true, 'budget-changed': true, 'process-spawned': true, 'process-reniced': true,
  'process-exited': true, 'worker-crashed': true, 'job-timed-out': true, 'worker-reclaimed': true,
  'model-quarantined': true, 'model-quarantine-cleared': true, 'host-changed': true,
};
