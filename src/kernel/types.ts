/**
 * Public types of the kernel API: processes, jobs, model registrations, snapshots for `ps()`.
 */
import type { LlmOsError } from '../errors';
import type {
  ChatMessage, EngineKind, GenerateRequest, GenerateResult, InputModality, LoadOptions, LoadProgress, ModelInfo, ModelSource, TokenEvent,
  TokenLogprobs,
} from '../protocol/engine';
import type { Priority } from './priority';
import type { ComputedOn } from '../protocol/remote';

/** What spawns a process: an app, a chat window, an embedded element. */
export interface AppInfo {
  name: string;
  appId?: string;
}

/** Limits a process runs under; absent fields are unlimited. Violations are `PermissionError`s. */
export interface ProcessQuota {
  /** Highest priority class the process may use (spawn, renice, per-job priority). */
  maxPriority?: Priority;
  /** Most unfinished (queued + running) jobs at once. */
  maxConcurrentJobs?: number;
  /** Model ids the process may use. */
  allowedModels?: readonly string[];
  /**
   * Most of the process's jobs waiting in the shared queue at once (default: the kernel's `queueShare`
   * of `queueLimit`, a quarter). Beyond it `submit()` throws `QueueFullError` with `details.scope:
   * 'process'`, so one app filling its share never refuses another.
   */
  maxQueuedJobs?: number;
  /**
   * Most of the process's jobs running at once while other processes wait (default: half the run
   * capacity, slots × jobs per slot, at least 1). Work-conserving: a free slot nobody else wants is used.
   */
  maxRunningJobs?: number;
}

/**
 * Watchdog limits of a process's jobs, ms (`Infinity` switches one off). A job that trips one ends with
 * `TimeoutError` (`details.limit`: `first-token` | `inter-token` | `wall`); defaults are the kernel's
 * `firstTokenTimeoutMs`, `interTokenTimeoutMs` and `jobTimeoutMs`.
 */
export interface JobLimits {
  /** From the start of a run (dispatch, or resume) to its first token: prompt evaluation and replay. */
  firstTokenMs?: number;
  /** Longest gap between two tokens of a run. */
  interTokenMs?: number;
  /** From the job's first dispatch to its end, across all its runs. */
  wallMs?: number;
}

/** Options of `spawn()`. */
export interface SpawnOptions {
  priority: Priority;
  quota?: ProcessQuota;
  /** Fair-share weight among processes of one class (default 1). */
  weight?: number;
  /** Watchdog limits for this process's jobs (defaults: the kernel's). */
  limits?: JobLimits;
}

/** Process state as `ps()` shows it. */
export type ProcessState = 'ready' | 'running' | 'preempted' | 'waiting-for-model' | 'sleeping' | 'exited';

/** Per-process metrics. */
export interface ProcessMetrics {
  jobsSubmitted: number;
  jobsFinished: number;
  jobsFailed: number;
  /** Prompt tokens of its jobs (each job's prompt once). */
  tokensIn: number;
  /** Prompt tokens the engine evaluated for its jobs, over all runs (resumed output included). */
  tokensEvaluated: number;
  /** Prompt tokens the engine reused from its cache for its jobs instead of evaluating them. */
  tokensReused: number;
  tokensOut: number;
  /** TTFT (submit → first token, queueing included) of the last job that produced a token, ms. */
  lastTtftMs: number | null;
  meanTtftMs: number | null;
  /** Output tokens per second of decoding, over all of the process's runs. */
  tokensPerSec: number;
  /** Mean time a job waited in the queue before its first dispatch, ms. */
  meanQueueWaitMs: number | null;
  preemptions: number;
}

/** One row of `ps()`. */
export interface ProcessInfo {
  pid: number;
  name: string;
  appId: string | null;
  /**
   * The browser tab that owns the process, where one kernel serves every tab of the origin (its
   * `KernelHostInfo.tabId`); null on a kernel of one page.
   */
  tab: string | null;
  priority: Priority;
  weight: number;
  quota: ProcessQuota;
  state: ProcessState;
  /** Model of the running job, else of the newest unfinished job, else of the last job. */
  model: string | null;
  queuedJobs: number;
  runningJobs: number;
  metrics: ProcessMetrics;
  /**
   * The KV cache its conversations hold now (estimated: its last job's prompt + reply on each model still
   * in memory, while it is among that model's `sequences` most recent users; see `kv-ledger.ts`). The
   * budget charges each model its whole cache; this says whose conversations are in it.
   */
  kv: { tokens: number; bytes: number };
}

/** Sampling and limits of a job (everything of `GenerateRequest` but the prompt and replay fields). */
export type JobParams = Omit<GenerateRequest, 'messages' | 'prompt' | 'replayPrefix' | 'replayTokens' | 'resume'>;

/** What `submit()` takes. */
export interface SubmitRequest {
  pid: number;
  model: string;
  messages?: ChatMessage[];
  prompt?: string;
  params?: JobParams;
  /** Override the process's class for this job (within its quota). */
  priority?: Priority;
  /** How long the model stays resident after this job, ms (default 5 min; 0 = unload after use; -1 = pin). */
  keepAliveMs?: number;
  signal?: AbortSignal;
}

/** The result of a job: the engine's result over all its runs, plus scheduling facts. */
export interface JobResult extends GenerateResult {
  jobId: string;
  /** Time from submit to first dispatch, ms. */
  queueWaitMs: number;
  preemptions: number;
  /** Runs repeated because the worker crashed. */
  retries: number;
  /**
   * Resumed runs whose delivered text, prefilled again, did not tokenise back to the tokens it was
   * generated as (engines that take text, not ids: a greedy continuation may then differ from an
   * uninterrupted run's). 0 when every resume was exact.
   */
  inexactResumes: number;
  /** Prompt tokens the engine evaluated over all runs (not those reused from its cache), resumes included. */
  evaluatedTokens: number;
  /** With `logprobs` in the job's params: every delivered token's log probability, in order. */
  logprobs?: TokenLogprobs[];
  /** Where the output was computed: this device, or the remote server that ran its last run. */
  computedOn: ComputedOn;
}

/** Handle returned by `submit()`. */
export interface JobHandle {
  id: string;
  pid: number;
  /** The tokens, in order, one uninterrupted stream even across preemptions. Iterate once. */
  tokens: AsyncIterable<TokenEvent>;
  /** Resolves when the job ends (stop reason `abort` after cancel/kill); rejects with a typed error. */
  result: Promise<JobResult>;
  /** Cancel the job (queued or running). */
  cancel(): void;
}

/** Job state as `jobs()` shows it. */
export type JobState = 'queued' | 'waiting-for-model' | 'running' | 'preempted' | 'finished' | 'failed' | 'cancelled';

/** One row of `jobs()`. */
export interface JobInfo {
  id: string;
  pid: number;
  model: string;
  priority: Priority;
  /** Rank after aging (0 = background … 3 = realtime). */
  effectiveRank: number;
  state: JobState;
  tokens: number;
  slot: number | null;
  preemptions: number;
  retries: number;
}

/** How a model is known to the kernel. */
export interface ModelRegistration {
  id: string;
  engine: EngineKind;
  /** Where the weights are; a function is called at each load (e.g. blobs from the model store). */
  source: ModelSource | (() => Promise<ModelSource>);
  /** Bytes of weights (GGUF tensor data, or WebLLM's `vram_required_MB`). */
  weightBytes: number;
  /** KV cache bytes for `nCtx` (see `estimateKvBytes`), for one sequence; 0 if unknown. */
  kvBytes?: number;
  /**
   * Sequences the engine keeps for this model: how many jobs decode on it together in one batch, and
   * how many conversations keep their KV cache for reuse. Each has `nCtx` tokens of KV, all of it
   * charged to the budget. Default: 4 on wllama (llama.cpp's parallel sequences) and on the WebGPU engine, 1 elsewhere.
   */
  sequences?: number;
  /** Runtime overhead; default from `estimateModelCost`. */
  overheadBytes?: number;
  /** Context to allocate at load. */
  nCtx?: number;
  /** Which budget the model uses: `wasm` → RAM, `webgpu` → VRAM. Default: webllm → webgpu, else wasm. */
  backend?: 'wasm' | 'webgpu';
  loadOptions?: LoadOptions;
  /**
   * What the model accepts. When given without `image`, `submit()` refuses messages with images at once
   * (`UnsupportedInputError`); when absent, the engine decides at run time, and the kernel fills it in
   * from the engine's `ModelInfo.inputs` after the first load.
   */
  inputs?: InputModality[];
  /**
   * Identity of the model's file (a digest, or size and date): re-registering with another fingerprint
   * means a new file and lifts a quarantine; the same one keeps it.
   */
  fingerprint?: string;
}

/** A model the kernel set aside after its load failed or timed out twice in a row (`quarantined()`). */
export interface QuarantinedModel {
  model: string;
  /** Consecutive failed loads. */
  failures: number;
  /** The last load's error code and message. */
  code: string;
  message: string;
  /** Kernel clock time of the quarantine, ms. */
  since: number;
}

/** A model's resident state as `models()` shows it. */
export interface ResidentModel {
  id: string;
  slot: number;
  state: 'loading' | 'loaded' | 'unloading';
  vramBytes: number;
  ramBytes: number;
  runningJobs: number;
  idleSinceMs: number | null;
  keepAliveMs: number;
}

/**
 * The engine in one worker slot: the part of `EngineClient` the kernel uses. A real slot is an
 * `EngineClient` (a worker); policy tests inject `SimEngine` (testing/sim-engine.ts).
 */
export interface SlotEngine {
  load(kind: EngineKind, source: ModelSource, options?: LoadOptions, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<ModelInfo>;
  generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult>;
  interrupt(): Promise<void> | void;
  unload(): Promise<void>;
  terminate(reason?: string): void;
  /** Resolves with the error that ended the engine (never rejects). */
  readonly exited: Promise<LlmOsError>;
  readonly alive: boolean;
}
