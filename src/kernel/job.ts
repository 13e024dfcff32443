/**
 * A job: one generation request of a process, across all its runs. It owns the caller's token stream
 * (one uninterrupted stream even when the job is preempted and resumed), what a resumed run continues
 * from (the text, engine tokens and, where the engine reports them, token ids delivered so far), its
 * timing and its result.
 */
import type { ComputedOn } from '../protocol/remote';
import { AbortError, toLlmOsError, type LlmOsError } from '../errors';
import type { EngineKind, GenerateRequest, GenerateResult, StopReason, TokenEvent, TokenLogprobs, Usage } from '../protocol/engine';
import { TokenChannel } from './token-channel';
import { rankOf, type Priority } from './priority';
import { effectiveRank } from './run-queue';
import type { ProcessRecord } from './process-table';
import type { JobHandle, JobResult, JobState } from './types';
import type { StopCause } from './events';

let jobSeq = 0;

/** What a job delivered on another kernel, to go on from (`Job.continueFrom`). */
export interface JobContinuation {
  /** The text delivered. */
  text: string;
  /** Engine tokens it was generated as (ignored when `ids` are given: their count). */
  tokens: number;
  /** Their ids, where the engine reported them. */
  ids: number[] | null;
  /** Token events delivered. */
  events: number;
}

/**
 * How a job's later runs resume what an earlier run delivered:
 * - `prefill`: one prefill of the prompt followed by the delivered output (its token ids where the
 *   engine reported them, else its text), then decoding goes on (`GenerateRequest.resume`). Greedy runs
 *   continue exactly; sampled runs continue with a fresh sample given the delivered prefix.
 * - `replay`: regenerate from the prompt and swallow the delivered text (`replayPrefix`), for what an
 *   engine cannot continue mid-output: constrained requests (a grammar, JSON schema or mode, RegExp or
 *   tools: the engine's grammar state starts at the first generated token) and chat on WebLLM (its chat
 *   API cannot prefill a partial assistant turn). Exact only when greedy.
 */
export function resumeMode(r: GenerateRequest, engine: EngineKind): 'prefill' | 'replay' {
  const constrained = r.grammar !== undefined || r.jsonSchema !== undefined || r.jsonMode === true || r.regexp !== undefined || (r.tools?.length ?? 0) > 0;
  if (constrained || (engine === 'webllm' && r.messages !== undefined)) return 'replay';
  return 'prefill';
}

/** @internal */
export class Job {
  readonly id: string;
  /** Submission order (FIFO tie-break). */
  readonly seq = jobSeq++;
  phase: 'queued' | 'running' | 'done' = 'queued';
  outcome: 'finished' | 'failed' | 'cancelled' | null = null;
  /** Time in the queue before the current queued interval (aging counts all waiting). */
  waitedMs = 0;
  enqueuedAt: number;
  firstDispatchAt: number | null = null;
  /** Effective rank frozen at dispatch: what preemption compares while the job runs. */
  runRank = 0;
  /** Text delivered to the caller so far (what a resumed run continues from). */
  text = '';
  /**
   * Ids of the engine tokens whose text was delivered, while the engine reports them (`TokenEvent.ids`);
   * null once a run delivered text without them (a resumed run then prefills the text).
   */
  ids: number[] | null = [];
  /** How later runs resume (see `resumeMode`). */
  readonly resumeMode: 'prefill' | 'replay';
  /** Resumed runs whose prefilled text did not tokenise back to the tokens it was generated as. */
  inexactResumes = 0;
  /** Log probabilities delivered so far (with `request.logprobs`; null otherwise). */
  readonly logprobs: TokenLogprobs[] | null;
  /** Engine tokens generated so far (what `maxTokens` counted; the tokens a resumed run continues from). */
  engineTokens = 0;
  /** Token events delivered (next event index). */
  events = 0;
  /** Tokens delivered in the current run. */
  runEvents = 0;
  runStartedAt = 0;
  runFirstTokenAt: number | null = null;
  promptTokens = 0;
  /** Of `promptTokens`, those the engine reused from its cache in the first run. */
  cachedTokens = 0;
  /** Where its last run computed (a remote engine's server, else this device). */
  computedOn: ComputedOn = { kind: 'device' };
  /** Prompt tokens the engine evaluated (not reused) across all runs, resumes included. */
  evaluatedTokens = 0;
  /** Prompt tokens the engine reused from its cache across all runs, resumes included. */
  reusedTokens = 0;
  firstTokenAt: number | null = null;
  decodeMs = 0;
  decodeTokens = 0;
  prefillTokensPerSec = 0;
  preemptions = 0;
  retries = 0;
  slot: number | null = null;
  runCtrl: AbortController | null = null;
  /** Set when the scheduler stops the run to preempt it. */
  preempting: 'priority' | 'time-slice' | 'budget' | null = null;
  cancelRequested = false;
  /** When the kernel asked the current run to stop (cancel, kill, watchdog, preemption), and why. */
  stopRequestedAt: number | null = null;
  stopCause: StopCause | null = null;
  /** Set when the job's worker is being terminated because of another job: its run's end is not its fault. */
  reclaimed = false;
  /** Time of the last token of the current run (the inter-token watchdog). */
  lastTokenAt: number | null = null;
  readonly stream: TokenChannel<TokenEvent>;
  readonly result: Promise<JobResult>;
  /** Token events carry the engine's token ids (`TokenEvent.ids`) too: what a cross-tab proxy resumes from. */
  withIds = false;
  private settle!: { resolve: (r: JobResult) => void; reject: (e: unknown) => void };
  private detachSignal: (() => void) | null = null;

  constructor(
    readonly proc: ProcessRecord,
    readonly model: string,
    /** The engine the model runs on (how the job resumes depends on it). */
    readonly engine: EngineKind,
    /**
     * The request as submitted (messages or prompt, params). Without `maxTokens` the job runs to the end
     * of the text or of the context (each engine knows its context and the prompt's length).
     */
    readonly request: GenerateRequest,
    readonly explicitPriority: Priority | null,
    readonly keepAliveMs: number | null,
    readonly submittedAt: number,
    private readonly onCancel: (job: Job) => void,
    signal?: AbortSignal,
  ) {
    this.id = `job-${proc.pid}-${this.seq}`;
    this.logprobs = request.logprobs === undefined ? null : [];
    this.resumeMode = resumeMode(request, engine);
    this.enqueuedAt = submittedAt;
    this.stream = new TokenChannel<TokenEvent>(() => this.onCancel(this));
    this.result = new Promise<JobResult>((resolve, reject) => { this.settle = { resolve, reject }; });
    // Callers that only read the stream must not see an unhandled rejection.
    this.result.catch(() => undefined);
    if (signal) {
      const onAbort = () => this.onCancel(this);
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
  }

  get priority(): Priority {
    return this.explicitPriority ?? this.proc.priority;
  }

  /** Total time queued until `now`. */
  waited(now: number): number {
    return this.waitedMs + (this.phase === 'queued' ? Math.max(0, now - this.enqueuedAt) : 0);
  }

  /** Rank for ordering: the class, raised by aging while queued; frozen while running. */
  rank(now: number, agingStepMs: number): number {
    if (this.phase === 'running') return this.runRank;
    return effectiveRank(rankOf(this.priority), this.waited(now), agingStepMs);
  }

  /** Tokens the job may still generate (Infinity without `maxTokens`: the engine stops at a full context). */
  get remainingTokens(): number {
    return this.request.maxTokens === undefined ? Infinity : this.request.maxTokens - this.engineTokens;
  }

  /**
   * Whether the scheduler may stop this job for a higher class or a time slice: every job that resumes
   * by prefill (greedy or sampled), and greedy jobs that resume by replay. A sampled job that must
   * replay (constrained) cannot be reproduced, so it runs to its end; a budget cut still stops it.
   */
  get preemptible(): boolean {
    return this.resumeMode === 'prefill' || !((this.request.temperature ?? 0) > 0);
  }

  /** The request of the next run: the original one, resuming what was already delivered. */
  runRequest(): GenerateRequest {
    if (this.engineTokens === 0) return this.request;
    // Without a limit the resumed run, too, ends at a full context: the resumed text is in it.
    const limit = this.request.maxTokens === undefined ? {} : { maxTokens: this.remainingTokens };
    if (this.resumeMode === 'replay') return { ...this.request, ...limit, replayPrefix: this.text, replayTokens: this.engineTokens };
    return { ...this.request, ...limit, resume: { text: this.text, tokens: this.engineTokens, ...(this.ids ? { ids: this.ids } : {}) } };
  }

  /** Forward one token of the current run to the caller. */
  deliver(t: TokenEvent, now: number): void {
    if (this.phase !== 'running' || this.cancelRequested) return;
    if (this.runFirstTokenAt === null) this.runFirstTokenAt = now;
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
    this.text += t.text;
    if (this.ids) {
      if (t.ids) this.ids.push(...t.ids);
      else if (t.text) this.ids = null;
    }
    this.runEvents++;
    const ev: TokenEvent = { text: t.text, index: this.events++ };
    if (this.logprobs && t.logprobs) {
      this.logprobs.push(...t.logprobs);
      ev.logprobs = t.logprobs;
    }
    if (this.withIds && t.ids) ev.ids = t.ids;
    this.stream.push(ev);
  }

  /**
   * Start from output another kernel already delivered (a cross-tab job resubmitted after its kernel's
   * tab closed): the first run resumes it as a preempted job's would, and the stream's indexes go on
   * from `events`.
   */
  continueFrom(from: JobContinuation): void {
    this.text = from.text;
    this.ids = from.ids ? [...from.ids] : null;
    this.engineTokens = from.ids ? from.ids.length : from.tokens;
    this.events = from.events;
  }

  /** Account for a run that ended (normally or by preemption). */
  endRun(res: GenerateResult | null, now: number): void {
    const resumed = this.engineTokens;
    const tokens = res ? res.usage.completionTokens : this.runEvents;
    this.engineTokens += Math.max(tokens, 0);
    // With ids, a resumed run continues from the tokens whose text was delivered: any the engine still
    // held back (a partial UTF-8 sequence, a possible stop string) are generated again.
    if (this.ids && this.resumeMode === 'prefill') this.engineTokens = this.ids.length;
    if (res) {
      if (res.computedOn) this.computedOn = res.computedOn;
      const { promptTokens, cachedTokens = 0 } = res.usage;
      this.evaluatedTokens += Math.max(0, promptTokens - cachedTokens);
      this.reusedTokens += cachedTokens;
      if (this.promptTokens === 0) {
        this.promptTokens = promptTokens;
        this.cachedTokens = cachedTokens;
        this.prefillTokensPerSec = res.usage.prefillTokensPerSec;
      } else if (resumed > 0 && this.resumeMode === 'prefill' && promptTokens > 0 && promptTokens !== this.promptTokens + resumed) {
        // Prefilled as text, the output took another number of tokens than it was generated as.
        this.inexactResumes++;
      }
    }
    if (this.runFirstTokenAt !== null && this.runEvents > 1) {
      this.decodeMs += now - this.runFirstTokenAt;
      this.decodeTokens += this.runEvents - 1;
    }
    this.runEvents = 0;
    this.runFirstTokenAt = null;
    this.runCtrl = null;
    this.slot = null;
  }

  /** Back to the queue (after preemption or a crash). */
  requeue(now: number): void {
    this.phase = 'queued';
    this.enqueuedAt = now;
    this.preempting = null;
  }

  /** Leave the queue for a run. */
  dispatch(now: number, rank: number, slot: number): void {
    this.waitedMs = this.waited(now);
    this.firstDispatchAt ??= now;
    this.runRank = rank;
    this.phase = 'running';
    this.slot = slot;
    this.runStartedAt = now;
    this.runEvents = 0;
    this.runFirstTokenAt = null;
    this.lastTokenAt = null;
    this.stopRequestedAt = null;
    this.stopCause = null;
    this.reclaimed = false;
    this.runCtrl = new AbortController();
  }

  /** Ask the current run to stop (the abort or interrupt itself is the caller's); the grace period starts now. */
  requestStop(cause: StopCause, now: number): void {
    if (this.stopRequestedAt !== null) return;
    this.stopRequestedAt = now;
    this.stopCause = cause;
  }

  usage(now: number): Usage {
    return {
      promptTokens: this.promptTokens,
      cachedTokens: this.cachedTokens,
      // A job ended while its run is still winding down (cancel, kill, watchdog) counts what it delivered.
      completionTokens: this.engineTokens + (this.phase === 'running' ? this.runEvents : 0),
      ttftMs: this.firstTokenAt === null ? now - this.submittedAt : this.firstTokenAt - this.submittedAt,
      decodeTokensPerSec: this.decodeMs > 0 ? (this.decodeTokens * 1000) / this.decodeMs : 0,
      prefillTokensPerSec: this.prefillTokensPerSec,
      totalMs: now - this.submittedAt,
    };
  }

  /** End the job successfully (or as cancelled: stop reason `abort`). */
  finish(stopReason: StopReason, now: number, outcome: 'finished' | 'cancelled' = 'finished'): JobResult {
    const r: JobResult = {
      text: this.text, stopReason, usage: this.usage(now), jobId: this.id,
      queueWaitMs: (this.firstDispatchAt ?? now) - this.submittedAt, preemptions: this.preemptions, retries: this.retries,
      inexactResumes: this.inexactResumes, evaluatedTokens: this.evaluatedTokens, computedOn: this.computedOn,
      ...(this.logprobs ? { logprobs: this.logprobs } : {}),
    };
    this.close(outcome);
    this.stream.close();
    this.settle.resolve(r);
    return r;
  }

  /** End the job with a typed error (the stream throws it too). */
  fail(err: unknown): LlmOsError {
    const e = toLlmOsError(err, undefined, { jobId: this.id, model: this.model });
    this.close(e instanceof AbortError ? 'cancelled' : 'failed');
    this.stream.close(e);
    this.settle.reject(e);
    return e;
  }

  private close(outcome: 'finished' | 'failed' | 'cancelled'): void {
    this.phase = 'done';
    this.outcome = outcome;
    this.detachSignal?.();
    this.detachSignal = null;
  }

  /** The state `jobs()` shows. `modelReady` tells a queued job from one waiting for its model. */
  state(modelReady: boolean): JobState {
    if (this.phase === 'done') return this.outcome ?? 'finished';
    if (this.phase === 'running') return 'running';
    if (!modelReady) return 'waiting-for-model';
    return this.preemptions > 0 || this.retries > 0 ? 'preempted' : 'queued';
  }

  handle(): JobHandle {
    return { id: this.id, pid: this.proc.pid, tokens: this.stream, result: this.result, cancel: () => this.onCancel(this) };
  }
}
