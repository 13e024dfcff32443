/**
 * What the apps built on the built-in AI task APIs (Translator, Summarizer, Writer, Rewriter,
 * Proofreader — `createBuiltInAi()`) share: the API classes for a window (its process, its model), one
 * instance kept per set of options (`TaskInstance`), one call as the UI shows it (`TaskView`: the text
 * as it streams, busy, stopped, the error in words), and the APIs' DOMExceptions in words.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { AbortError, InvalidRequestError, LlmOsError, toLlmOsError } from '../../errors';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import { createBuiltInAi, type BuiltInAi } from '../../api/builtin-ai/builtin-ai';
import type { DesktopServices } from '../../desktop/services/desktop-services';

/** The task API classes for a window: its jobs run in process `pid`, on `model`, with the model's parameters. */
export function windowAi(services: DesktopServices, model: string, pid: number): BuiltInAi {
  return createBuiltInAi({ kernel: services.kernel, model, pid, params: services.paramsFor(model) });
}

/**
 * One instance of a task API, kept while its options (`key`) stay the same: `get()` makes a new one
 * (destroying the old) when the key changes; `release()` destroys it (options changed, window closed).
 */
export class TaskInstance<T extends { destroy(): void }> {
  #key: string | null = null;
  #instance: Promise<T> | null = null;

  /** The key of the instance held, if any. */
  get key(): string | null { return this.#key; }

  /** The instance held (pending or made), if any. */
  get current(): Promise<T> | null { return this.#instance; }

  /** The instance for `key`: the one held, or a new one from `create()`. A failed create is not kept. */
  get(key: string, create: () => Promise<T>): Promise<T> {
    if (this.#instance && this.#key === key) return this.#instance;
    this.release();
    const made = create();
    this.#key = key;
    this.#instance = made;
    made.catch(() => { if (this.#instance === made) this.release(); });
    return made;
  }

  /** Destroy the instance unless it is the one for `key` (no key: destroy it anyway). */
  release(key?: string): void {
    if (key !== undefined && key === this.#key) return;
    const held = this.#instance;
    this.#instance = null;
    this.#key = null;
    held?.then((t) => t.destroy(), () => undefined);
  }
}

/** How a call ended. */
export interface TaskOutcome {
  /** Stopped by the user (the text is what had streamed by then). */
  stopped: boolean;
  /** Characters of output. */
  chars: number;
  /** Time from the start, ms. */
  ms: number;
}

/** "Finished · 120 characters · 2.4 s" / "Stopped · 40 characters · 0.8 s". */
export function describeOutcome(o: TaskOutcome): string {
  const chars = o.chars === 1 ? msg('1 character') : msg(str`${o.chars} characters`);
  return [o.stopped ? msg('Stopped') : msg('Finished'), chars, `${(o.ms / 1000).toFixed(1)} s`].join(' · ');
}

/**
 * A task API's rejection in words. The APIs reject with DOMExceptions (or TypeError / RangeError); where
 * an LLM OS error caused one, it is its `cause`, and its words are shown. The rest get words for the
 * exception's name, and the name as the code.
 */
export function taskErrorWords(e: unknown): ErrorWords {
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (cause instanceof LlmOsError) return errorWords(cause);
  if (e instanceof LlmOsError) return errorWords(e);
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  const words: Record<string, () => string> = {
    QuotaExceededError: () => msg('The text is too long for this model: shorten it, or choose a model with a larger context.'),
    NotSupportedError: () => msg('This model cannot handle these languages or options.'),
    NotAllowedError: () => msg('This app is not allowed to do that.'),
    InvalidStateError: () => msg('The model was closed meanwhile; try again.'),
    SyntaxError: () => msg('The model output did not match the requested format.'),
  };
  if (name === 'AbortError') return errorWords(e);
  const said = words[name];
  if (!said) return errorWords(e);
  const error = toLlmOsError(e, InvalidRequestError);
  return { error, code: name, words: said(), message: error.message };
}

/**
 * One call of a task API for a Lit host: `stream()` reads a streaming call (`translateStreaming`, …) into
 * `text`, `call()` awaits a one-shot call (`proofread`). Either keeps the error in words and how it ended;
 * `stop()` aborts the call's signal. The host re-renders on every chunk.
 */
export class TaskView implements ReactiveController {
  text = '';
  busy = false;
  error: ErrorWords | null = null;
  outcome: TaskOutcome | null = null;
  #ctrl: AbortController | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }

  /**
   * Run a streaming call: `start(signal)` returns its stream (or a promise of one: the instance may still
   * be loading). Resolves with the text (the part streamed so far when stopped), or null after an error.
   */
  async stream(start: (signal: AbortSignal) => ReadableStream<string> | Promise<ReadableStream<string>>): Promise<string | null> {
    return this.#run(async (signal) => {
      const reader = (await start(signal)).getReader();
      const cancel = () => void reader.cancel(signal.reason).catch(() => undefined);
      signal.addEventListener('abort', cancel, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          this.text += value;
          this.host.requestUpdate();
        }
      } finally {
        signal.removeEventListener('abort', cancel);
      }
      return this.text;
    }, true);
  }

  /** Run a one-shot call. Resolves with its result, or null when it failed or was stopped. */
  call<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    return this.#run(run, false);
  }

  async #run<T>(run: (signal: AbortSignal) => Promise<T>, partial: boolean): Promise<T | null> {
    this.stop();
    const ctrl = new AbortController();
    this.#ctrl = ctrl;
    this.text = '';
    this.error = null;
    this.outcome = null;
    this.busy = true;
    this.host.requestUpdate();
    const t0 = performance.now();
    const mine = () => this.#ctrl === ctrl;
    try {
      const r = await run(ctrl.signal);
      if (ctrl.signal.aborted) throw ctrl.signal.reason;
      if (mine()) this.outcome = { stopped: false, chars: this.text.length, ms: performance.now() - t0 };
      return r;
    } catch (e) {
      if (!mine()) return null;
      if (ctrl.signal.aborted) {
        this.outcome = { stopped: true, chars: this.text.length, ms: performance.now() - t0 };
        return partial ? this.text as T : null;
      }
      this.error = taskErrorWords(e);
      return null;
    } finally {
      if (mine()) {
        this.#ctrl = null;
        this.busy = false;
      }
      this.host.requestUpdate();
    }
  }

  /** Stop the call in progress. */
  stop(): void {
    this.#ctrl?.abort(new AbortError('Stopped by the user'));
  }
}
