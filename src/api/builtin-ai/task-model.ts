/**
 * What the task APIs' instances share (the explainers' `DestroyableModel` and the common shape of
 * `summarize` / `write` / `rewrite` / `translate` / `proofread`): the one-shot call and its streaming
 * form over a `TaskBackend`, `measureInputUsage()` against `inputQuota`, AbortSignals, and `destroy()`.
 *
 * A call sends one request built by the API (`TaskCall`): instructions, the shared context, the
 * per-call context and the input. `measureInputUsage(input, {context})` is the measurement of exactly
 * that request (what the call would send), and `inputQuota` the tokens such a request may take: the
 * model's context less the template's once-per-request tokens and the room kept for the output. So
 * `measureInputUsage() ≤ inputQuota` exactly when the call fits; a call that does not fit rejects with
 * a `QuotaExceededError` (`requested`, `quota`) before anything is generated.
 *
 * Calls of one instance run concurrently (the kernel queues their jobs). `destroy()` ends the
 * instance's process and makes pending and later calls reject with an `AbortError` (the Writing
 * Assistance APIs' `DestroyableModel`, and the WPT `testDestroy`); the `create()` signal, aborted
 * later, destroys the instance with its reason.
 */
import type { ChatMessage } from '../../protocol/engine';
import type { OutputConstraint } from '../../constraints/output-check';
import { abortReason, domError, quotaExceeded, toDomException } from '../prompt-api/prompt-errors';
import type { TaskBackend } from './ai-env';

/** Options every call takes (`context` where the API has it). */
export interface TaskCallOptions {
  signal?: AbortSignal;
  context?: string;
}

/** The request one call sends. */
export interface TaskCall {
  messages: ChatMessage[];
  /** The most tokens the output may take (the room kept out of `inputQuota`). */
  maxTokens: number;
  constraint?: OutputConstraint;
}

/** Only `create()` may construct instances (as with the native classes). @internal */
export const TASK_TOKEN: unique symbol = Symbol('task API instance');

/** What an instance is built from. @internal */
export interface TaskInit {
  backend: TaskBackend;
  /** Tokens one request may take in all (the model's context less the template's overhead). */
  window: number;
  /** The most tokens any call of this instance keeps for its output. */
  outputRoom: number;
  signal?: AbortSignal | undefined;
}

/** Reject with the signal's reason when it aborts first. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A `DOMString` argument as WebIDL converts it (`String(x)`; a symbol is a TypeError). */
export function domString(value: unknown, what: string): string {
  if (typeof value === 'symbol') throw new TypeError(`${what} must be a string`);
  return String(value);
}

/** The options dictionary of a call (`undefined` / `null` → `{}`; anything else not an object → TypeError). */
export function callOptions(raw: unknown): TaskCallOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' && typeof raw !== 'function') throw new TypeError('options must be an object');
  const o = raw as { signal?: unknown; context?: unknown };
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  return { ...(o.signal ? { signal: o.signal } : {}), ...(o.context !== undefined ? { context: domString(o.context, 'context') } : {}) };
}

/** Base class of the task APIs' instances. */
export abstract class TaskModel {
  readonly #backend: TaskBackend;
  readonly #destroyed = new AbortController();
  readonly #window: number;
  readonly #outputRoom: number;

  protected constructor(token: typeof TASK_TOKEN, init: TaskInit) {
    if (token !== TASK_TOKEN) throw new TypeError('Illegal constructor: use create()');
    this.#backend = init.backend;
    this.#window = init.window;
    this.#outputRoom = init.outputRoom;
    // The create() signal destroys the instance when aborted later, with its reason.
    init.signal?.addEventListener('abort', () => this.#destroy(abortReason(init.signal!)), { once: true });
  }

  /** Tokens a request's input may take (instructions, contexts and input; see the file comment). */
  get inputQuota(): number {
    return Math.max(0, this.#window - this.#outputRoom);
  }

  /** The request a call of this API sends for `input` (`context`: the call's own context). */
  protected abstract request(input: string, options: TaskCallOptions): TaskCall;

  /** The signal a call runs under: the caller's and the instance's. */
  #signal(options: TaskCallOptions): AbortSignal {
    return options.signal ? AbortSignal.any([this.#destroyed.signal, options.signal]) : this.#destroyed.signal;
  }

  /** Measure `call` and refuse it if it does not fit. */
  async #fit(call: TaskCall, signal: AbortSignal): Promise<void> {
    const requested = await this.#measure(call.messages, signal);
    if (requested > this.inputQuota) {
      throw quotaExceeded(`The input needs ${requested} tokens; the quota is ${this.inputQuota}`, requested, this.inputQuota);
    }
  }

  async #measure(messages: ChatMessage[], signal: AbortSignal): Promise<number> {
    try {
      return await raceAbort(this.#backend.measure(messages, signal), signal);
    } catch (e) {
      throw signal.aborted ? abortReason(signal) : toDomException(e);
    }
  }

  /** `measureInputUsage()`: the tokens the call for `input` would send. */
  protected measureUsage(input: string, options: TaskCallOptions): Promise<number> {
    const signal = this.#signal(options);
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return this.#measure(this.request(input, options).messages, signal);
  }

  /**
   * Run the call for `input` and resolve with the output. `finish` turns the raw output into the result
   * (and may reject it); `emit` receives the output as it streams. With `skip` nothing runs (an empty
   * input): `finish('')` after the signals are checked.
   */
  protected async execute<T = string>(
    input: string, options: TaskCallOptions, finish: (text: string) => T | Promise<T>, emit?: (chunk: string) => void, skip = false,
  ): Promise<T> {
    const signal = this.#signal(options);
    if (signal.aborted) throw abortReason(signal);
    if (skip) return finish('');
    const call = this.request(input, options);
    await this.#fit(call, signal);
    let text: string;
    try {
      text = await raceAbort(this.#backend.generate({ ...call, maxTokens: Math.min(call.maxTokens, this.#outputRoom) }, signal, emit), signal);
    } catch (e) {
      throw signal.aborted ? abortReason(signal) : toDomException(e);
    }
    if (signal.aborted) throw abortReason(signal);
    return finish(text);
  }

  /**
   * The streaming form of a call: a `ReadableStream` of string chunks. An already aborted signal throws
   * here (as natively); cancelling the stream cancels the generation.
   */
  protected stream(input: string, options: TaskCallOptions, run: (input: string, options: TaskCallOptions, emit: (chunk: string) => void) => Promise<unknown>): ReadableStream<string> {
    const outer = this.#signal(options);
    if (outer.aborted) throw abortReason(outer);
    const cancel = new AbortController();
    const signal = AbortSignal.any([outer, cancel.signal]);
    return new ReadableStream<string>({
      start: (controller) => {
        const emit = (chunk: string) => { try { controller.enqueue(chunk); } catch { /* cancelled meanwhile */ } };
        run(input, { ...options, signal }, emit).then(
          () => { try { controller.close(); } catch { /* cancelled */ } },
          (e) => { try { controller.error(e); } catch { /* cancelled */ } },
        );
      },
      cancel: (reason) => cancel.abort(reason ?? domError('AbortError', 'The stream was cancelled')),
    });
  }

  #destroy(reason: unknown): void {
    if (this.#destroyed.signal.aborted) return;
    this.#destroyed.abort(reason);
    this.#backend.close();
  }

  /** End the instance: its process ends; pending and later calls reject with an `AbortError`. */
  destroy(): void {
    this.#destroy(domError('AbortError', 'The model execution session has been destroyed.'));
  }
}
