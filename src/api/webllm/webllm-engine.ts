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
 * Refused features: `webllm-engine-base.ts`; statistics: `webllm-stats.ts`; differences: docs/webllm.md.
 */
import { AbortError, InvalidRequestError, ModelNotLoadedError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import { AppSession } from '../app-session';
import { connect, type ChatCompletionStream, type LlmOsClient } from '../openai/openai';
import type { ChatCompletionChunk as OpenAIChunk, ChatCompletionCreateParams } from '../openai/openai-types';
import { getSharedKernel } from '../shared-kernel';
import { complete, parseCompletionRequest, stream as streamCompletion, type CompletionContext } from './webllm-completions';
import { loadWithProgress, prebuiltAppConfig, resolveWebLLMModel, type RequestDefaults } from './webllm-models';
import { isObject, MLCEngineBase, newId, refuseResumable } from './webllm-engine-base';
import { account, interruptedStream, interruptedUsage, statsText, usageWithExtra, zeroStats, type Stats } from './webllm-stats';
import {
  LOG_LEVELS, type AppConfig, type ChatCompletion, type ChatCompletionChunk, type ChatCompletionRequestBase, type ChatCompletionRequestNonStreaming,
  type ChatCompletionRequestStreaming, type ChatCompletionsApi, type ChatOptions, type Completion, type CompletionCreateParamsBase,
  type CompletionCreateParamsNonStreaming, type CompletionCreateParamsStreaming, type CompletionsApi, type EmbeddingsApi,
  type InitProgressCallback, type LogLevel, type MLCEngineConfig, type MLCEngineInterface,
} from './webllm-types';

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

/** WebLLM's engine, run by the LLM OS kernel. */
export class MLCEngine extends MLCEngineBase implements MLCEngineInterface {
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
    super();
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
  get kernel(): KernelApi {
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
        await loadWithProgress(client, resolved.id, t0, ctrl.signal, this.#progress);
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
        if (flight.interrupted && e instanceof AbortError) return interruptedStream(this.#client?.kernel ?? this.kernel, model.id, userUsage, null, e);
        throw e;
      }
      return this.#wrapStream(s, model, flight, userUsage, t0);
    }
    try {
      const r = await client.chat.completions.create(body as unknown as ChatCompletionCreateParams & { stream?: false }, options);
      const content = r.choices[0]?.message.content;
      model.message = typeof content === 'string' ? content : '';
      return { ...r, usage: usageWithExtra(client, r.usage, t0, model.stats) } as ChatCompletion;
    } catch (e) {
      if (!(flight.interrupted && e instanceof AbortError)) throw e;
      model.message = '';
      const usage = interruptedUsage(client.kernel, e);
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
      onDone: (usage) => account(model.stats, usage.prompt_tokens, usage.completion_tokens, usage.extra.time_to_first_token_s, usage.extra.e2e_latency_s),
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
    return statsText(this.#select(modelId, 'runtimeStatsText').stats);
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
            const usage = usageWithExtra(client, chunk.usage, t0, model.stats);
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
        yield* interruptedStream(this.#client?.kernel ?? this.kernel, model.id, userUsage, head, e, deltas);
      }
    } finally {
      this.#end(flight);
    }
  }
}

/** Create an engine and load `modelId` into it (WebLLM's `CreateMLCEngine`). */
export async function CreateMLCEngine(modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[]): Promise<MLCEngine> {
  const engine = new MLCEngine(engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}
