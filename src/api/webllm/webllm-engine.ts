/**
 * `MLCEngine` over the LLM OS kernel: WebLLM's engine API (`@mlc-ai/web-llm`) as a drop-in, so that code
 * written for WebLLM runs with only its import changed (`llm-os/webllm`). Each engine is one
 * `connect()` client — one kernel process with the engine's app id (default `webllm`) — and every
 * request is a job of it, scheduled with everything else on the page's kernel:
 *
 * - `reload(modelId)` resolves the id (`webllm-models.ts`: a registered id, an `appConfig.model_list`
 *   entry, a GGUF URL) and makes the kernel load it with a one-token request, reporting the kernel's
 *   real load progress (`model-progress` events) to `initProgressCallback`;
 * - `chat.completions.create()` passes the request to `connect()` as it is (the loaded model filled in
 *   as `model`, chat-option defaults under unset fields), so whatever `connect()` accepts, the drop-in
 *   accepts; `usage` gains WebLLM's `extra` statistics;
 * - `completions.create()` runs a raw-prompt job (`webllm-completions.ts`);
 * - `interruptGenerate()` stops the running requests: they end as WebLLM's do, with `finish_reason:
 *   'abort'` (a stream ends normally), not with an error;
 * - `unload()` ends the process (cancelling its requests) and forgets the loaded models.
 *
 * Where it differs from WebLLM, and why, is in docs/webllm.md.
 */
import { AbortError, InvalidRequestError, ModelNotLoadedError, WebGpuUnavailableError } from '../../errors';
import type { Kernel } from '../../kernel/kernel';
import { AppSession } from '../app-session';
import { connect, type ChatCompletionStream, type LlmOsClient } from '../openai/openai';
import type { ChatCompletionChunk as OpenAIChunk, ChatCompletionCreateParams, CompletionUsage as OpenAIUsage } from '../openai/openai-types';
import { getSharedKernel } from '../shared-kernel';
import { complete, parseCompletionRequest, stream as streamCompletion, type CompletionContext } from './webllm-completions';
import { prebuiltAppConfig, resolveWebLLMModel, type RequestDefaults } from './webllm-models';
import {
  LOG_LEVELS, type AppConfig, type ChatCompletion, type ChatCompletionChunk, type ChatCompletionRequestBase, type ChatCompletionRequestNonStreaming,
  type ChatCompletionRequestStreaming, type ChatCompletionsApi, type ChatOptions, type Completion, type CompletionCreateParamsBase,
  type CompletionCreateParamsNonStreaming, type CompletionCreateParamsStreaming, type CompletionsApi, type CompletionUsage, type EmbeddingsApi,
  type InitProgressCallback, type LogLevel, type MLCEngineConfig, type MLCEngineInterface, type UsageExtra,
} from './webllm-types';

/** Running totals for `runtimeStatsText()` (reset by `resetChat()`), as WebLLM's pipeline keeps them. */
interface Stats {
  prefillTokens: number;
  prefillSeconds: number;
  decodeTokens: number;
  decodeSeconds: number;
}

/** A model `reload()` loaded into this engine. */
interface LoadedModel {
  id: string;
  defaults: RequestDefaults;
  /** The last reply (the reply so far while one streams): `getMessage()`. */
  message: string;
  stats: Stats;
}

/** A request in flight: `interruptGenerate()` aborts it and marks it interrupted. */
interface InFlight {
  controller: AbortController;
  interrupted: boolean;
}

const zeroStats = (): Stats => ({ prefillTokens: 0, prefillSeconds: 0, decodeTokens: 0, decodeSeconds: 0 });
const newId = () => `chatcmpl-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** WebLLM's resumable generation (`extra_body.resumable`) is refused rather than silently not resumable. */
function refuseResumable(request: { extra_body?: unknown }): void {
  const resumable = isObject(request.extra_body) ? request.extra_body['resumable'] : undefined;
  if (resumable !== undefined && resumable !== null && !(isObject(resumable) && resumable['enabled'] === false)) {
    throw new InvalidRequestError('extra_body.resumable is not supported: resumable generation is not offered', { field: 'extra_body.resumable', feature: 'resumable' });
  }
}

/** WebLLM's engine, run by the LLM OS kernel. */
export class MLCEngine implements MLCEngineInterface {
  readonly chat: { completions: ChatCompletionsApi };
  readonly completions: CompletionsApi;
  readonly embeddings: EmbeddingsApi;

  #config: MLCEngineConfig;
  #appConfig: AppConfig;
  #progress: InitProgressCallback | undefined;
  #logLevel: LogLevel;
  #client: LlmOsClient | null = null;
  #session: AppSession | null = null;
  #loaded = new Map<string, LoadedModel>();
  #inflight = new Set<InFlight>();
  #reload: AbortController | null = null;

  constructor(engineConfig: MLCEngineConfig = {}) {
    if (!isObject(engineConfig as unknown)) throw new InvalidRequestError('engineConfig must be an object', { field: 'engineConfig' });
    this.setLogitProcessorRegistry(engineConfig.logitProcessorRegistry);
    this.#config = { ...engineConfig };
    this.#appConfig = engineConfig.appConfig ?? prebuiltAppConfig;
    this.#progress = engineConfig.initProgressCallback;
    this.#logLevel = 'WARN';
    if (engineConfig.logLevel !== undefined) this.setLogLevel(engineConfig.logLevel);
    this.chat = { completions: { create: ((r: ChatCompletionRequestBase) => this.chatCompletion(r)) as ChatCompletionsApi['create'] } };
    this.completions = { create: ((r: CompletionCreateParamsBase) => this.completion(r)) as CompletionsApi['create'] };
    this.embeddings = { create: (r: unknown) => this.embedding(r) };
  }

  /** LLM OS: the kernel the engine runs on (the page's shared kernel unless `engineConfig.kernel`). */
  get kernel(): Kernel {
    return this.#config.kernel ?? this.#client?.kernel ?? getSharedKernel();
  }

  /** LLM OS: the engine's kernel process, or null before `reload()` and after `unload()`. */
  get pid(): number | null {
    return this.#client?.pid ?? null;
  }

  setInitProgressCallback(initProgressCallback?: InitProgressCallback): void {
    this.#progress = initProgressCallback;
  }

  getInitProgressCallback(): InitProgressCallback | undefined {
    return this.#progress;
  }

  /** The models later `reload()` calls may name (loaded models stay loaded). */
  setAppConfig(appConfig: AppConfig): void {
    this.#appConfig = appConfig;
  }

  /** Kept for parity: the drop-in writes no log of its own (errors are thrown, typed). */
  setLogLevel(logLevel: LogLevel): void {
    if (!(logLevel in LOG_LEVELS)) throw new InvalidRequestError(`logLevel must be one of ${Object.keys(LOG_LEVELS).join(', ')}`, { field: 'logLevel', value: String(logLevel) });
    this.#logLevel = logLevel;
  }

  /** LLM OS: the level last set (nothing reads it). */
  get logLevel(): LogLevel {
    return this.#logLevel;
  }

  /**
   * Load `modelId` (or several, in order; `chatOpts[i]` for `modelId[i]`) after unloading what was
   * loaded. Progress goes to `initProgressCallback`: 0 first, the kernel's load fractions, then 1.
   */
  async reload(modelId: string | string[], chatOpts?: ChatOptions | ChatOptions[]): Promise<void> {
    const ids = Array.isArray(modelId) ? [...modelId] : [modelId];
    if (ids.length === 0) throw new InvalidRequestError('reload() needs at least one model id', { field: 'modelId' });
    const opts = chatOpts === undefined ? [] : Array.isArray(chatOpts) ? chatOpts : [chatOpts];
    if (opts.length > 0 && opts.length !== ids.length) {
      throw new InvalidRequestError(`Expect chatOpts to have the same length as modelId: ${ids.length} model ids, ${opts.length} chat options`, { field: 'chatOpts' });
    }
    if (new Set(ids).size !== ids.length) throw new InvalidRequestError(`Need to make models in modelId unique: ${ids.join(', ')}`, { field: 'modelId' });
    // Synchronously, before the first await: an unload() right after this call cancels this reload.
    this.#unloadNow();
    const ctrl = new AbortController();
    this.#reload = ctrl;
    const client = this.#connect();
    const t0 = performance.now();
    try {
      for (const [i, id] of ids.entries()) {
        const resolved = await resolveWebLLMModel(client.kernel, id, this.#appConfig, opts[i], ctrl.signal);
        ctrl.signal.throwIfAborted();
        await this.#load(client, resolved.id, t0, ctrl.signal);
        this.#loaded.set(id, { id: resolved.id, defaults: resolved.defaults, message: '', stats: zeroStats() });
      }
    } catch (e) {
      const cancelled = ctrl.signal.aborted;
      // Nothing loaded: no process left behind (the models loaded before a failure stay loaded, as in WebLLM).
      if (this.#reload === ctrl && this.#loaded.size === 0) this.#unloadNow();
      if (!cancelled || e instanceof AbortError) throw e;
      throw new AbortError('reload() was cancelled by unload() or another reload()', { model: ids.join(', ') }, { cause: ctrl.signal.reason });
    } finally {
      if (this.#reload === ctrl) this.#reload = null;
    }
  }

  /** Stop a `reload()` in progress, cancel the running requests, end the process, forget the models. */
  async unload(): Promise<void> {
    this.#unloadNow();
  }

  #unloadNow(): void {
    this.#reload?.abort(new AbortError('Engine.unload() is called.'));
    this.#reload = null;
    this.#client?.close();
    this.#client = null;
    this.#session = null;
    this.#loaded.clear();
  }

  chatCompletion(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  chatCompletion(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion>;
  chatCompletion(request: ChatCompletionRequestBase): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  async chatCompletion(request: ChatCompletionRequestBase): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion> {
    if (!isObject(request as unknown)) throw new InvalidRequestError('The request must be an object', { field: 'body' });
    const model = this.#select(request.model, 'ChatCompletionRequest');
    const client = this.#client!;
    const { body, userUsage } = this.#chatBody(request, model);
    const flight = this.#begin();
    const t0 = performance.now();
    const options = { signal: flight.controller.signal };
    if (body.stream === true) {
      let s: ChatCompletionStream;
      try {
        s = await client.chat.completions.create(body as unknown as ChatCompletionCreateParams & { stream: true }, options);
      } catch (e) {
        this.#end(flight);
        if (flight.interrupted && e instanceof AbortError) return this.#interruptedStream(model, userUsage, null, e);
        throw e;
      }
      return this.#wrapStream(s, model, flight, userUsage, t0);
    }
    try {
      const r = await client.chat.completions.create(body as unknown as ChatCompletionCreateParams & { stream?: false }, options);
      const content = r.choices[0]?.message.content;
      model.message = typeof content === 'string' ? content : '';
      return { ...r, usage: this.#usage(client, r.usage, t0, model) } as ChatCompletion;
    } catch (e) {
      if (!(flight.interrupted && e instanceof AbortError)) throw e;
      model.message = '';
      const usage = this.#interruptedUsage(client.kernel, e);
      return {
        id: newId(), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: model.id, system_fingerprint: 'llmos',
        choices: [{ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'abort', logprobs: null }], usage,
      } as ChatCompletion;
    } finally {
      this.#end(flight);
    }
  }

  completion(request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>>;
  completion(request: CompletionCreateParamsNonStreaming): Promise<Completion>;
  completion(request: CompletionCreateParamsBase): Promise<AsyncIterable<Completion> | Completion>;
  async completion(request: CompletionCreateParamsBase): Promise<AsyncIterable<Completion> | Completion> {
    if (!isObject(request as unknown)) throw new InvalidRequestError('The request must be an object', { field: 'body' });
    const model = this.#select(request.model ?? undefined, 'CompletionCreateParams');
    refuseResumable(request);
    const withDefaults: Record<string, unknown> = { ...request };
    for (const [k, v] of Object.entries(model.defaults)) if (withDefaults[k] === undefined || withDefaults[k] === null) withDefaults[k] = v;
    const parsed = parseCompletionRequest(withDefaults as unknown as CompletionCreateParamsBase, model.id);
    const flight = this.#begin();
    const signal = request.signal instanceof AbortSignal ? AbortSignal.any([request.signal, flight.controller.signal]) : flight.controller.signal;
    const ctx: CompletionContext = {
      session: this.#session!, model: model.id, signal,
      interrupted: () => flight.interrupted,
      onText: (text) => { model.message = text; },
      onDone: (usage) => this.#account(model, usage.prompt_tokens, usage.completion_tokens, usage.extra.time_to_first_token_s, usage.extra.e2e_latency_s),
    };
    if (!parsed.req.stream) {
      try {
        return await complete(parsed, ctx);
      } finally {
        this.#end(flight);
      }
    }
    let chunks: AsyncGenerator<Completion, void, void>;
    try {
      chunks = await streamCompletion(parsed, ctx);
    } catch (e) {
      this.#end(flight);
      throw e;
    }
    const end = () => this.#end(flight);
    return (async function* () {
      try {
        yield* chunks;
      } finally {
        end();
      }
    })();
  }

  /** Embeddings are not offered: always rejects with `InvalidRequestError` (`details.feature: 'embeddings'`). */
  async embedding(_request: unknown): Promise<never> {
    throw new InvalidRequestError('Embeddings are not supported by the LLM OS WebLLM drop-in (no embedding model runs on the kernel)', {
      field: 'embeddings', feature: 'embeddings',
    });
  }

  /** WebLLM's logit processors run in its pipeline on the page; the kernel's engines sample in workers: only an empty registry is taken. */
  setLogitProcessorRegistry(logitProcessorRegistry?: Map<string, unknown>): void {
    if (logitProcessorRegistry && logitProcessorRegistry.size > 0) {
      throw new InvalidRequestError('Logit processors are not supported: the engines run in workers and sample there (use logit_bias)', {
        field: 'logitProcessorRegistry', feature: 'logit-processor',
      });
    }
  }

  /** Raw token-level decoding is not offered (the kernel schedules whole requests): always rejects. */
  async forwardTokensAndSample(_inputIds: number[], _isPrefill: boolean, _modelId?: string): Promise<number> {
    throw new InvalidRequestError('forwardTokensAndSample() is not supported: the kernel runs whole requests, not single decoding steps', {
      field: 'forwardTokensAndSample', feature: 'forward-tokens',
    });
  }

  /** Resumable generations are not offered: there are never sessions to list. */
  async listResumableSessions(): Promise<never[]> {
    return [];
  }

  /** Resumable generations are not offered: always rejects. */
  async resumeChatCompletion(sessionId: string, _options?: unknown): Promise<never> {
    throw new InvalidRequestError(`No resumable session ${sessionId}: resumable generation is not supported`, { field: 'sessionId', feature: 'resumable' });
  }

  /** Resumable generations are not offered: nothing to delete. */
  async deleteResumableSession(_sessionId: string): Promise<void> {}

  /** Stop the requests running now; each ends with `finish_reason: 'abort'` (later requests run normally). */
  interruptGenerate(): void {
    for (const f of this.#inflight) {
      f.interrupted = true;
      f.controller.abort(new AbortError('interruptGenerate() was called'));
    }
  }

  /** The last reply of the model (`modelId` is needed when several are loaded). */
  async getMessage(modelId?: string): Promise<string> {
    return this.#select(modelId, 'getMessage').message;
  }

  /** `prefill: X tokens/sec, decoding: Y tokens/sec`, over the model's requests since `resetChat()`. */
  async runtimeStatsText(modelId?: string): Promise<string> {
    const s = this.#select(modelId, 'runtimeStatsText').stats;
    const rate = (tokens: number, seconds: number) => (seconds > 0 ? tokens / seconds : 0).toFixed(4);
    return `prefill: ${rate(s.prefillTokens, s.prefillSeconds)} tokens/sec, decoding: ${rate(s.decodeTokens, s.decodeSeconds)} tokens/sec`;
  }

  /**
   * Forget the last reply and (unless `keepStats`) the statistics. Requests carry their whole history,
   * so there is no conversation state to clear. A no-op before any model is loaded, as in WebLLM.
   */
  async resetChat(keepStats = false, modelId?: string): Promise<void> {
    let model: LoadedModel;
    try {
      model = this.#select(modelId, 'resetChat');
    } catch (e) {
      if (e instanceof ModelNotLoadedError) return;
      throw e;
    }
    model.message = '';
    if (!keepStats) model.stats = zeroStats();
  }

  /** The GPU's `maxStorageBufferBindingSize`, from the kernel's device probe; `WebGpuUnavailableError` without WebGPU. */
  async getMaxStorageBufferBindingSize(): Promise<number> {
    const kernel = this.kernel;
    await kernel.ready;
    const gpu = kernel.probe?.gpu;
    if (!gpu) throw new WebGpuUnavailableError('WebGPU is not available in this browser', {});
    return gpu.maxStorageBufferBindingSize;
  }

  /** The GPU vendor the kernel's device probe saw, or `''`. */
  async getGPUVendor(): Promise<string> {
    const kernel = this.kernel;
    await kernel.ready;
    return kernel.probe?.gpu?.vendor ?? '';
  }

  #connect(): LlmOsClient {
    if (!this.#client) {
      const kernel = this.#config.kernel ?? getSharedKernel();
      this.#client = connect({ appId: this.#config.appId ?? 'webllm', kernel, ...(this.#config.priority ? { priority: this.#config.priority } : {}) });
      this.#session = AppSession.attach(kernel, this.#client.pid);
    }
    return this.#client;
  }

  /** The model a request or call is for, or WebLLM's error for why there is none. */
  #select(requested: string | null | undefined, requestName: string): LoadedModel {
    const loaded = [...this.#loaded.keys()];
    if (loaded.length === 0 || !this.#client) {
      throw new ModelNotLoadedError(
        `Model not loaded before trying to complete ${requestName}. Please ensure you have called MLCEngine.reload(model) to load the model before initiating APIs, or initialize your engine using CreateMLCEngine() with a valid model configuration.`,
        { request: requestName, loaded },
      );
    }
    if (requested !== undefined && requested !== null && requested !== '') {
      const m = this.#loaded.get(requested);
      if (!m) {
        throw new ModelNotLoadedError(`Specified model ${requested} for ${requestName} is not found in loaded models. Currently loaded models are: ${loaded.join(', ')}`, {
          request: requestName, model: requested, loaded,
        });
      }
      return m;
    }
    if (loaded.length > 1) {
      throw new InvalidRequestError(`Multiple models are loaded in engine. Please specify the model in ${requestName}. Currently loaded models are: ${loaded.join(', ')}`, {
        field: 'model', loaded,
      });
    }
    return this.#loaded.get(loaded[0]!)!;
  }

  /**
   * The body `connect()` gets: the request as it is, with `model` set, chat-option defaults under unset
   * fields, WebLLM's `{type: 'json_object', schema}` as OpenAI's `json_schema`, and (streaming) usage
   * always asked for, so that `runtimeStatsText()` has figures; it is removed again unless the caller asked.
   */
  #chatBody(request: ChatCompletionRequestBase, model: LoadedModel): { body: Record<string, unknown>; userUsage: boolean } {
    refuseResumable(request);
    const body: Record<string, unknown> = { ...request, model: model.id };
    for (const [k, v] of Object.entries(model.defaults)) if (body[k] === undefined || body[k] === null) body[k] = v;
    const rf = body['response_format'];
    if (isObject(rf) && rf['type'] === 'json_object' && rf['schema'] !== undefined && rf['schema'] !== null) {
      let schema = rf['schema'];
      if (typeof schema === 'string') {
        try {
          schema = JSON.parse(schema);
        } catch {
          throw new InvalidRequestError('response_format.schema must be a JSON Schema (as a JSON string or an object)', { field: 'response_format.schema' });
        }
      }
      body['response_format'] = { type: 'json_schema', json_schema: { name: 'response', schema } };
    }
    const so = body['stream_options'];
    const userUsage = isObject(so) && so['include_usage'] === true;
    const canAsk = so === undefined || so === null || (isObject(so) && (so['include_usage'] === undefined || so['include_usage'] === null || typeof so['include_usage'] === 'boolean'));
    if (body['stream'] === true && canAsk) body['stream_options'] = { ...(isObject(so) ? so : {}), include_usage: true };
    return { body, userUsage };
  }

  #begin(): InFlight {
    const f: InFlight = { controller: new AbortController(), interrupted: false };
    this.#inflight.add(f);
    return f;
  }

  #end(f: InFlight): void {
    this.#inflight.delete(f);
  }

  /** Add a request's figures to the model's running totals. */
  #account(model: LoadedModel, promptTokens: number, completionTokens: number, ttftSeconds: number, e2eSeconds: number): void {
    model.stats.prefillTokens += promptTokens;
    model.stats.prefillSeconds += ttftSeconds;
    model.stats.decodeTokens += Math.max(0, completionTokens - 1);
    model.stats.decodeSeconds += Math.max(0, e2eSeconds - ttftSeconds);
  }

  /**
   * `connect()`'s usage with WebLLM's `extra`: time to first token as the kernel measured it for the
   * engine's process (submit → first token), the rest from the request's wall time.
   */
  #usage(client: LlmOsClient, u: OpenAIUsage, t0: number, model: LoadedModel): CompletionUsage {
    const e2e = (performance.now() - t0) / 1000;
    const ttftMs = client.kernel.ps().find((p) => p.pid === client.pid)?.metrics.lastTtftMs;
    const ttft = Math.min(e2e, typeof ttftMs === 'number' ? ttftMs / 1000 : e2e);
    const decodeTokens = Math.max(0, u.completion_tokens - 1);
    const decode = Math.max(0, e2e - ttft);
    const extra: UsageExtra = {
      e2e_latency_s: e2e,
      prefill_tokens_per_s: ttft > 0 ? u.prompt_tokens / ttft : 0,
      decode_tokens_per_s: decode > 0 ? decodeTokens / decode : 0,
      time_to_first_token_s: ttft,
      time_per_output_token_s: decodeTokens > 0 ? decode / decodeTokens : 0,
    };
    this.#account(model, u.prompt_tokens, u.completion_tokens, ttft, e2e);
    return { ...u, extra };
  }

  /**
   * Usage of a request `interruptGenerate()` stopped: the tokens it generated, as the kernel counted them
   * (`job-finished`). The kernel ends a cancelled job before the engine reports its prompt count, so
   * `prompt_tokens` is 0.
   */
  #interruptedUsage(kernel: Kernel, e: AbortError, delivered = 0): CompletionUsage {
    const jobId = e.details['jobId'];
    const rec = jobId ? kernel.events.history().findLast((r) => r.type === 'job-finished' && (r.detail as { jobId: string }).jobId === jobId) : undefined;
    const tokens = rec ? (rec.detail as { tokens: number }).tokens : delivered;
    const extra: UsageExtra = { e2e_latency_s: 0, prefill_tokens_per_s: 0, decode_tokens_per_s: 0, time_to_first_token_s: 0, time_per_output_token_s: 0 };
    return { prompt_tokens: 0, completion_tokens: tokens, total_tokens: tokens, extra };
  }

  /** The end of a stream `interruptGenerate()` stopped: a chunk with `finish_reason: 'abort'`, then (if asked) usage. */
  async *#interruptedStream(model: LoadedModel, userUsage: boolean, head: OpenAIChunk | null, e: AbortError, delivered = 0): AsyncGenerator<ChatCompletionChunk, void, void> {
    const h = head
      ? { id: head.id, object: head.object, created: head.created, model: head.model, system_fingerprint: head.system_fingerprint }
      : { id: newId(), object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model: model.id, system_fingerprint: 'llmos' };
    yield { ...h, choices: [{ index: 0, delta: {}, finish_reason: 'abort', logprobs: null }], ...(userUsage ? { usage: null } : {}) } as ChatCompletionChunk;
    if (userUsage) yield { ...h, choices: [], usage: this.#interruptedUsage(this.#client?.kernel ?? this.kernel, e, delivered) } as ChatCompletionChunk;
  }

  /** `connect()`'s stream, as WebLLM streams it: `getMessage()` follows it, interrupts end it normally. */
  async *#wrapStream(s: ChatCompletionStream, model: LoadedModel, flight: InFlight, userUsage: boolean, t0: number): AsyncGenerator<ChatCompletionChunk, void, void> {
    const client = this.#client!;
    let head: OpenAIChunk | null = null;
    let text = '';
    let deltas = 0;
    model.message = '';
    try {
      try {
        for await (const chunk of s) {
          head = chunk;
          if (chunk.usage) {
            const usage = this.#usage(client, chunk.usage, t0, model);
            if (userUsage) yield { ...chunk, usage } as ChatCompletionChunk;
            continue;
          }
          const delta = chunk.choices[0]?.delta.content;
          if (delta) {
            deltas++;
            text += delta;
            model.message = text;
          }
          if (userUsage) {
            yield chunk as ChatCompletionChunk;
          } else {
            const { usage: _usage, ...rest } = chunk;
            yield rest as ChatCompletionChunk;
          }
        }
      } catch (e) {
        if (!(flight.interrupted && e instanceof AbortError)) throw e;
        yield* this.#interruptedStream(model, userUsage, head, e, deltas);
      }
    } finally {
      this.#end(flight);
    }
  }

  /** Make the kernel load `id` (a one-token request), reporting its progress. */
  async #load(client: LlmOsClient, id: string, t0: number, signal: AbortSignal): Promise<void> {
    const kernel = client.kernel;
    const elapsed = () => (performance.now() - t0) / 1000;
    const report = (progress: number, text: string) => this.#progress?.({ progress, timeElapsed: elapsed(), text });
    let last = 0;
    report(0, `Start to load model ${id}.`);
    const off = kernel.events.on('model-progress', (d) => {
      if (d.model !== id || d.fraction >= 1 || d.fraction <= last) return;
      last = d.fraction;
      report(d.fraction, `Loading model ${id}: ${Math.floor(d.fraction * 100)}% completed, ${Math.round(elapsed())} secs elapsed.`);
    });
    try {
      await client.chat.completions.create({ model: id, messages: [{ role: 'user', content: '' }], max_tokens: 1 }, { signal });
    } finally {
      off();
    }
    const reg = kernel.registeredModels().find((m) => m.id === id);
    report(1, `Finish loading model ${id} on the ${reg?.engine ?? 'kernel'} engine (${reg?.backend ?? 'unknown'} backend), ${Math.round(elapsed())} secs elapsed.`);
  }
}

/** Create an engine and load `modelId` into it (WebLLM's `CreateMLCEngine`). */
export async function CreateMLCEngine(modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[]): Promise<MLCEngine> {
  const engine = new MLCEngine(engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/**
 * WebLLM's worker-backed engine. The worker is accepted and not used: the kernel already runs every
 * engine in its own workers. Nothing is posted to it, and it is not terminated (it is the caller's).
 */
export class WebWorkerMLCEngine extends MLCEngine {
  readonly worker: unknown;

  constructor(worker: unknown, engineConfig?: MLCEngineConfig) {
    super(engineConfig);
    this.worker = worker;
  }
}

/** WebLLM's `CreateWebWorkerMLCEngine`: the worker argument is ignored (see `WebWorkerMLCEngine`). */
export async function CreateWebWorkerMLCEngine(
  worker: unknown, modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[],
): Promise<WebWorkerMLCEngine> {
  const engine = new WebWorkerMLCEngine(worker, engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/** WebLLM's service-worker-backed engine: runs on the page's kernel like `MLCEngine` (`keepAliveMs` is ignored). */
export class ServiceWorkerMLCEngine extends MLCEngine {
  constructor(engineConfig?: MLCEngineConfig, _keepAliveMs?: number) {
    super(engineConfig);
  }
}

/** WebLLM's `CreateServiceWorkerMLCEngine`: an engine on the page's kernel (no service worker involved). */
export async function CreateServiceWorkerMLCEngine(
  modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[], keepAliveMs?: number,
): Promise<ServiceWorkerMLCEngine> {
  const engine = new ServiceWorkerMLCEngine(engineConfig, keepAliveMs);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/**
 * The worker side of WebLLM's worker engine, as a no-op: a worker script written for WebLLM
 * (`const handler = new WebWorkerMLCEngineHandler(); self.onmessage = (m) => handler.onmessage(m);`)
 * still runs, and does nothing; the engines run in the kernel's workers.
 */
export class WebWorkerMLCEngineHandler {
  onmessage(_event: unknown): void {}
}

/** The service-worker side of WebLLM's service-worker engine, as a no-op (see `WebWorkerMLCEngineHandler`). */
export class ServiceWorkerMLCEngineHandler {
  onmessage(_event: unknown): void {}
}
