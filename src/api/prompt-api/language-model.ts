/**
 * A `LanguageModel` session of the Prompt API polyfill (WICG prompt-api explainer): `prompt()`,
 * `promptStreaming()`, `append()`, `measureContextUsage()`, `contextUsage` / `contextWindow` (and their
 * older names `inputUsage` / `inputQuota` / `measureInputUsage()`), the `contextoverflow` event (and
 * `quotaoverflow`), `clone()`, `destroy()` and `responseConstraint` (JSON Schema or RegExp).
 *
 * Every prompt is a kernel job of the polyfill's process, sent with the whole kept conversation (the
 * engine's prompt cache makes the shared prefix cheap). Operations of one session run in call order.
 * Context accounting: see `context-ledger.ts` (overflow rule) and `token-counter.ts` (what a
 * measurement is): a prompt adds the measurement of its input and that of its reply, so `contextUsage`
 * agrees with `measureContextUsage()` of the two, and the template's once-per-request tokens are taken
 * off `contextWindow` instead of being counted with every part.
 *
 * `destroy()` makes pending and later calls reject with an `InvalidStateError` (as Chromium does); the
 * `create()` signal, aborted later, destroys the session with its reason instead.
 *
 * Images (`{type: 'image', value}` parts, for sessions created with `expectedInputs: [{type: 'image'}]`)
 * are encoded as data URLs (`image-value.ts`) and kept in the conversation; they count as many tokens as
 * the engine reports for them. A session holds at most `MAX_IMAGES` (16) images in all.
 */
import type { ChatMessage, ToolDefinition } from '../../protocol/engine';
import type { JobParams } from '../../kernel/types';
import { runToolLoop, type RunnableTool } from '../tool-loop';
import { LlmOsError } from '../../errors';
import type { LanguageModelEnv } from './language-model-env';
import { ContextLedger } from './context-ledger';
import { abortReason, domError, sessionDestroyed, toDomException } from './prompt-errors';
import { MAX_IMAGES } from '../../protocol/image-input';
import { canonicalizePrompt, resolveImages, type LanguageModelExpected, type LanguageModelPrompt } from './prompt-input';
import { checkConstraint, validateOutput, type OutputConstraint } from '../structured/structured-output';
import { measureMessages } from './token-counter';
import type { LanguageModelSamplingMode, Sampling } from './sampling';

/** Options of `prompt()`, `promptStreaming()` and `measureContextUsage()`. */
export interface LanguageModelPromptOptions {
  responseConstraint?: Record<string, unknown> | RegExp;
  omitResponseConstraintInput?: boolean;
  signal?: AbortSignal;
}

/** State a session is built from (by `create()` or `clone()`). @internal */
export interface SessionInit {
  env: LanguageModelEnv;
  model: string;
  ledger: ContextLedger;
  sampling: Sampling;
  expectedInputs: LanguageModelExpected[];
  expectedOutputs: LanguageModelExpected[];
  /** `create({tools})`: the session runs the calls itself (`tool-loop.ts`). */
  tools: RunnableTool[];
  signal?: AbortSignal | undefined;
}

/** Only `create()` and `clone()` may construct sessions (as with the native class). */
export const SESSION_TOKEN: unique symbol = Symbol('LanguageModel session');

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function constraintOf(c: LanguageModelPromptOptions['responseConstraint'], omit: unknown): OutputConstraint | null {
  if (omit && c === undefined) throw new TypeError('omitResponseConstraintInput needs a responseConstraint');
  if (c === undefined || c === null) return null;
  if (!(c instanceof RegExp) && (typeof c !== 'object' || Array.isArray(c))) throw new TypeError('responseConstraint must be a JSON Schema object or a RegExp');
  // Over a limit or malformed: a NotSupportedError (with the InvalidRequestError as its cause), before anything runs.
  try {
    return checkConstraint(c instanceof RegExp ? { kind: 'regexp', regexp: c } : { kind: 'json', schema: c }, 'responseConstraint');
  } catch (e) {
    // A schema that is no JSON (circular: a TypeError or a stack overflow while walking it) is not supported.
    throw e instanceof LlmOsError ? toDomException(e) : domError('NotSupportedError', 'responseConstraint is not a JSON value (is it circular?)');
  }
}

/** The model is told what shape to answer in, unless the caller opted out (the explainer allows both). */
function withGuidance(messages: ChatMessage[], c: OutputConstraint | null, omit: boolean): ChatMessage[] {
  if (!c || omit) return messages;
  const text = c.kind === 'json'
    ? `Respond with JSON that satisfies this JSON Schema: ${JSON.stringify(c.schema)}`
    : `Respond with text that matches this regular expression: ${String(c.regexp)}`;
  const last = messages.at(-1);
  if (last?.role === 'user') return [...messages.slice(0, -1), { ...last, content: `${last.content}\n\n${text}` }];
  return [...messages, { role: 'user', content: text }];
}

/** A Prompt API session. */
export class LanguageModelSession extends EventTarget {
  readonly #env: LanguageModelEnv;
  readonly #model: string;
  readonly #ledger: ContextLedger;
  readonly #destroyed = new AbortController();
  readonly #init: SessionInit;
  #queue: Promise<unknown> = Promise.resolve();
  #handlers = new Map<string, EventListener>();

  constructor(token: typeof SESSION_TOKEN, init: SessionInit) {
    if (token !== SESSION_TOKEN) throw new TypeError('Illegal constructor: use LanguageModel.create()');
    super();
    this.#init = init;
    this.#env = init.env;
    this.#model = init.model;
    this.#ledger = init.ledger;
    // The create() signal destroys the session when aborted later (explainer: "Session destruction"), with its reason.
    init.signal?.addEventListener('abort', () => this.#destroy(abortReason(init.signal!)), { once: true });
  }

  /** Tokens the session uses now (initial prompts and kept turns, replies included). */
  get contextUsage(): number { return this.#ledger.usage; }
  /** Tokens the session may use in all. */
  get contextWindow(): number { return this.#ledger.window; }
  /** @deprecated Older name of `contextUsage`. */
  get inputUsage(): number { return this.contextUsage; }
  /** @deprecated Older name of `contextWindow`. */
  get inputQuota(): number { return this.contextWindow; }
  /** @deprecated Extension contexts only (`legacySamplingParams`): the temperature sampled with; else undefined. */
  get temperature(): number | undefined { return this.#env.legacySamplingParams ? this.#init.sampling.temperature : undefined; }
  /** @deprecated Extension contexts only (`legacySamplingParams`): the top-K sampled with; else undefined. */
  get topK(): number | undefined { return this.#env.legacySamplingParams ? this.#init.sampling.topK : undefined; }
  /** The sampling mode (`balanced` unless chosen); null when raw `temperature`/`topK` were given (extension contexts). */
  get samplingMode(): LanguageModelSamplingMode | null { return this.#init.sampling.samplingMode; }

  get oncontextoverflow(): EventListener | null { return this.#handlers.get('contextoverflow') ?? null; }
  set oncontextoverflow(fn: EventListener | null) { this.#setHandler('contextoverflow', fn); }
  /** @deprecated Older name of `oncontextoverflow`. */
  get onquotaoverflow(): EventListener | null { return this.#handlers.get('quotaoverflow') ?? null; }
  set onquotaoverflow(fn: EventListener | null) { this.#setHandler('quotaoverflow', fn); }

  #setHandler(type: string, fn: EventListener | null): void {
    const old = this.#handlers.get(type);
    if (old) this.removeEventListener(type, old);
    this.#handlers.delete(type);
    if (typeof fn === 'function') {
      this.#handlers.set(type, fn);
      this.addEventListener(type, fn);
    }
  }

  /** Run an operation after the session's earlier ones; destroy() and `signal` reject it. */
  #run<T>(signal: AbortSignal | undefined, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const combined = signal ? AbortSignal.any([this.#destroyed.signal, signal]) : this.#destroyed.signal;
    if (combined.aborted) return Promise.reject(abortReason(combined));
    const prev = this.#queue;
    const p = raceAbort(prev.then(() => undefined, () => undefined), combined).then(() => raceAbort(op(combined), combined));
    this.#queue = p.then(() => undefined, () => undefined);
    return p;
  }

  /** The measurement of `messages` (token-counter.ts `measureMessages()`). */
  async #measure(messages: ChatMessage[], signal: AbortSignal): Promise<number> {
    try {
      return await measureMessages(this.#env.kernel, this.#env.pid, this.#model, messages, this.#env.params(this.#model), signal);
    } catch (e) {
      throw signal.aborted ? abortReason(signal) : toDomException(e);
    }
  }

  /** Make room for `requested` tokens (and `reserve`), firing `contextoverflow` when turns were dropped. */
  #fit(requested: number, reserve = 0): void {
    if (this.#ledger.fit(requested, reserve) > 0) {
      this.dispatchEvent(new Event('contextoverflow'));
      this.dispatchEvent(new Event('quotaoverflow'));
    }
  }

  /** Validate and canonicalize `input` against the session's expected inputs, then encode its images. */
  async #messages(input: unknown, hasAppendedInput: boolean, signal: AbortSignal): Promise<ChatMessage[]> {
    const canonical = canonicalizePrompt(input, hasAppendedInput, this.#init.expectedInputs);
    const messages = await raceAbort(resolveImages(canonical), signal);
    // Every prompt sends the whole kept conversation, and an engine takes at most MAX_IMAGES per request.
    const held = this.#ledger.messages().reduce((n, m) => n + (m.images?.length ?? 0), 0);
    const added = messages.reduce((n, m) => n + (m.images?.length ?? 0), 0);
    if (added && held + added > MAX_IMAGES) {
      throw domError('NotSupportedError', `A session can hold at most ${MAX_IMAGES} images (it has ${held}); create a new session`);
    }
    return messages;
  }

  /** Prompt and generate; `emit` receives the reply as it streams. */
  async #generate(input: unknown, options: LanguageModelPromptOptions, signal: AbortSignal, emit?: (chunk: string) => void): Promise<string> {
    const constraint = constraintOf(options.responseConstraint, options.omitResponseConstraintInput);
    const input0 = await this.#messages(input, this.#ledger.hasMessages, signal);
    const messages = withGuidance(input0, constraint, options.omitResponseConstraintInput === true);
    const requested = await this.#measure(messages, signal);
    // One token of room at least for the reply.
    this.#fit(requested, 1);
    // Exact: the engine holds the template overhead (outside the window) plus usage plus the input.
    const room = this.#ledger.window - this.#ledger.usage - requested;
    const { temperature, topK } = this.#init.sampling;
    const params = {
      ...this.#env.options.params, temperature, topK,
      maxTokens: Math.max(1, Math.min(this.#env.maxOutputTokens, room)),
    };
    const withTools = this.#init.tools.length > 0 && !constraint;
    /** One generation; with `offer`, the tools are offered (and a reply with calls must be allowed to end). */
    const once = async (conversation: ChatMessage[], offer: readonly ToolDefinition[] | undefined, stream: boolean) => {
      const p: JobParams = { ...params };
      if (offer) {
        p.tools = [...offer];
        p.ignoreEos = false;
      } else {
        delete p.tools;
        delete p.toolChoice;
        delete p.parallelToolCalls;
      }
      const handle = await this.#env.session.submit({ model: this.#model, messages: conversation, params: p, signal, ...(constraint ? { constraint } : {}) });
      if (stream) for await (const t of handle.tokens) if (t.text && !signal.aborted) emit!(t.text);
      const r = await handle.result;
      if (r.stopReason === 'abort' || r.stopReason === 'interrupt' || signal.aborted) throw abortReason(signal);
      return r;
    };
    let text: string;
    /** Tool calls and their results, before the reply. */
    let steps: ChatMessage[] = [];
    try {
      const conversation = [...this.#ledger.messages(), ...messages];
      if (withTools) {
        const loop = await runToolLoop(conversation, {
          tools: this.#init.tools, signal, generate: (c, offer) => once(c, offer, false),
          ...(this.#env.options.maxToolRounds !== undefined ? { maxRounds: this.#env.options.maxToolRounds } : {}),
        });
        text = loop.text;
        steps = loop.messages.slice(0, -1);
      } else {
        text = (await once(conversation, undefined, emit !== undefined && !constraint)).text;
        if (constraint) await validateOutput(text, constraint);
      }
    } catch (e) {
      throw signal.aborted ? abortReason(signal) : toDomException(e);
    }
    // The reply counts as what it is in the conversation from now on: an assistant message.
    const reply: ChatMessage = { role: 'assistant', content: text };
    const replyUsage = await this.#measure([...steps, reply], signal);
    // An aborted prompt leaves no trace in the session (explainer: "Aborting a specific prompt").
    this.#ledger.add({ messages: [...messages, ...steps, reply], usage: requested + replyUsage });
    // Validated, or known to be the final answer only once the calls are done: sent whole.
    if (emit && (constraint || withTools)) emit(text);
    return text;
  }

  /** Prompt the model and resolve with the whole reply. */
  prompt(input: LanguageModelPrompt, options: LanguageModelPromptOptions = {}): Promise<string> {
    return this.#run(options.signal, (signal) => this.#generate(input, options, signal));
  }

  /**
   * Prompt the model and stream the reply as string chunks. With a `responseConstraint` the reply is
   * validated first and arrives as one chunk. Cancelling the stream cancels the generation.
   */
  promptStreaming(input: LanguageModelPrompt, options: LanguageModelPromptOptions = {}): ReadableStream<string> {
    // An already aborted signal throws here, as the native method does (WPT testAbortReadableStream).
    if (options.signal?.aborted) throw abortReason(options.signal);
    const cancel = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal;
    return new ReadableStream<string>({
      start: (controller) => {
        const emit = (chunk: string) => { try { controller.enqueue(chunk); } catch { /* cancelled meanwhile */ } };
        this.#run(signal, (s) => this.#generate(input, options, s, emit)).then(
          () => { try { controller.close(); } catch { /* cancelled */ } },
          (e) => { try { controller.error(e); } catch { /* cancelled */ } },
        );
      },
      cancel: (reason) => cancel.abort(reason ?? domError('AbortError', 'The stream was cancelled')),
    });
  }

  /** Add messages to the session without asking for a reply. */
  append(input: LanguageModelPrompt, options: { signal?: AbortSignal } = {}): Promise<undefined> {
    return this.#run(options.signal, async (signal) => {
      const messages = await this.#messages(input, this.#ledger.hasMessages, signal);
      const requested = await this.#measure(messages, signal);
      if (signal.aborted) throw abortReason(signal);
      this.#fit(requested);
      this.#ledger.add({ messages, usage: requested });
      return undefined;
    });
  }

  /** How many tokens `input` would use (not added to the session). */
  measureContextUsage(input: LanguageModelPrompt, options: LanguageModelPromptOptions = {}): Promise<number> {
    const signal = options.signal ? AbortSignal.any([this.#destroyed.signal, options.signal]) : this.#destroyed.signal;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    try {
      const constraint = constraintOf(options.responseConstraint, options.omitResponseConstraintInput);
      const canonical = canonicalizePrompt(input, false, this.#init.expectedInputs);
      return raceAbort(resolveImages(canonical), signal)
        .then((messages) => raceAbort(this.#measure(withGuidance(messages, constraint, options.omitResponseConstraintInput === true), signal), signal));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @deprecated Older name of `measureContextUsage()`. */
  measureInputUsage(input: LanguageModelPrompt, options: LanguageModelPromptOptions = {}): Promise<number> {
    return this.measureContextUsage(input, options);
  }

  /** A new session with the same options and conversation. */
  clone(options: { signal?: AbortSignal } = {}): Promise<LanguageModelSession> {
    const Ctor = this.constructor as new (t: typeof SESSION_TOKEN, i: SessionInit) => LanguageModelSession;
    // In call order after the session's earlier operations; a signal aborted before it settles rejects it.
    return this.#run(options.signal, async () => new Ctor(SESSION_TOKEN, { ...this.#init, ledger: this.#ledger.clone(), signal: options.signal }));
  }

  /**
   * End the session: pending and later calls (and streams) reject with an `InvalidStateError` ("The
   * model execution session has been destroyed."), as in Chromium; its attributes stay readable.
   */
  destroy(): void {
    this.#destroy(sessionDestroyed());
  }

  #destroy(reason: unknown): void {
    if (this.#destroyed.signal.aborted) return;
    this.#destroyed.abort(reason);
  }
}
