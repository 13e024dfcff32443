/** The scheduler's tunables, apart so that the parts of the scheduler can name them without importing it. */
/** Tunables of the scheduler (see `KernelOptions` for their meaning and defaults). */
export interface SchedulerConfig {
  queueLimit: number;
  /**
   * Jobs a slot runs at once: a number for every model, or `null` (the default) for each model's own
   * `sequences` (its batch: 4 on wllama and the WebGPU engine, 1 elsewhere).
   */
  jobsPerSlot: number | null;
  maxRetries: number;
  agingStepMs: number;
  defaultKeepAliveMs: number;
  sliceTokens: number;
  loadTimeoutMs: number;
  unloadTimeoutMs: number;
  placement: 'optimal' | 'lru';
  exactLimit: number;
  /** `fifo` (a benchmark baseline): one class for all, submission order, no preemption. */
  discipline: 'priority' | 'fifo';
  /** Time a run told to stop (cancel, kill, watchdog, preemption) has before its worker is terminated. */
  killGraceMs: number;
  /** Watchdog defaults (see `JobLimits`): first token of a run, gap between tokens, wall time of a job. */
  firstTokenTimeoutMs: number;
  interTokenTimeoutMs: number;
  jobTimeoutMs: number;
  /** Fraction of `queueLimit` one process may fill by default (`ProcessQuota.maxQueuedJobs`). */
  queueShare: number;
  /** Consecutive failed or timed-out loads after which a model is quarantined. */
  quarantineAfter: number;
}
