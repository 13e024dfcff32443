/**
 * The shapes of `@mlc-ai/web-llm`'s public API that the drop-in (`llm-os/webllm`) mirrors, named as
 * WebLLM names them so that code written against WebLLM type-checks with only its import changed.
 *
 * Request and response types are built on `connect()`'s (`../openai/openai-types.ts`), so every field
 * `connect()` learns (tools, logprobs, …) is part of these types without a change here; WebLLM's own
 * extra fields (`repetition_penalty`, `ignore_eos`, `extra_body`, …) are added on top. What the drop-in
 * does with each field is in docs/webllm.md.
 */
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type {
  ChatCompletion as OpenAIChatCompletion, ChatCompletionChunk as OpenAIChatCompletionChunk, ChatCompletionCreateParams,
  CompletionUsage as OpenAICompletionUsage, FinishReason, ResponseFormat as OpenAIResponseFormat,
} from '../openai/openai-types';

export type { ChatCompletionMessageParam, ChatCompletionContentPart, ChatCompletionContentPartText, ChatCompletionContentPartImage } from '../openai/openai-types';

/** A report during `reload()`: `progress` in [0, 1], `timeElapsed` in seconds since `reload()` began. */
export interface InitProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

/** Receives every `InitProgressReport` of a load. */
export type InitProgressCallback = (report: InitProgressReport) => void;

/** WebLLM's log levels. The drop-in logs nothing of its own; the level is kept for `setLogLevel` parity. */
export const LOG_LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, SILENT: 5 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** WebLLM's `ModelType`: 0 LLM, 1 embedding, 2 VLM (takes images). */
export enum ModelType {
  LLM = 0,
  embedding = 1,
  VLM = 2,
}

/**
 * Chat options (WebLLM: `Partial<ChatConfig>`, overriding a model's `mlc-chat-config.json`). The drop-in
 * honours `temperature`, `top_p`, `frequency_penalty`, `presence_penalty` and `repetition_penalty` as
 * request defaults, and `context_window_size` for models it registers; other fields are accepted and
 * passed to WebLLM-engine models in their record's `overrides`.
 */
export interface ChatOptions {
  temperature?: number;
  top_p?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  repetition_penalty?: number;
  context_window_size?: number;
  sliding_window_size?: number;
  attention_sink_size?: number;
  [field: string]: unknown;
}

/**
 * One entry of `AppConfig.model_list`. `model` is either the URL of a GGUF file (run by the wllama
 * engine; `model_lib` is then ignored) or, as in WebLLM, the base URL of an MLC model directory with its
 * compiled `model_lib` (run by the kernel's WebLLM engine).
 */
export interface ModelRecord {
  model: string;
  model_id: string;
  model_lib?: string;
  overrides?: ChatOptions;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  model_type?: ModelType;
  /** WebLLM's SRI checks of the model's files: refused (`InvalidRequestError`), as the kernel would not make them. */
  integrity?: unknown;
  model_manifest?: string;
}

/** The models an engine may load by id (WebLLM's `AppConfig`). Cache fields are accepted and ignored. */
export interface AppConfig {
  model_list: ModelRecord[];
  cacheBackend?: 'cache' | 'indexeddb' | 'cross-origin' | 'opfs';
  opfsAccessMode?: 'async' | 'sync' | 'auto';
  /** @deprecated WebLLM's older spelling of `cacheBackend: 'indexeddb'`. */
  useIndexedDBCache?: boolean;
}

/**
 * `engineConfig` of `CreateMLCEngine()` / `new MLCEngine()`. `appConfig`, `initProgressCallback` and
 * `logLevel` are WebLLM's; `kernel`, `appId` and `priority` are LLM OS extensions.
 */
export interface MLCEngineConfig {
  appConfig?: AppConfig;
  initProgressCallback?: InitProgressCallback;
  logLevel?: LogLevel;
  /** WebLLM's logit processors run inside its pipeline: not supported (a non-empty registry is refused). */
  logitProcessorRegistry?: Map<string, unknown>;
  /** LLM OS: the kernel to run on (default: the page's shared kernel, `getSharedKernel()`). */
  kernel?: KernelApi;
  /** LLM OS: the app id of the engine's kernel process (default `webllm`): quotas are looked up by it. */
  appId?: string;
  /** LLM OS: priority class of the engine's process (default `normal`), within the app's quota. */
  priority?: Priority;
}

/** `response_format`: OpenAI's forms, plus WebLLM's `{type: 'json_object', schema: '<JSON Schema as a string>'}`. */
export type ResponseFormat =
  | OpenAIResponseFormat
  | { type: 'json_object'; schema?: string | Record<string, unknown> }
  | { type: 'grammar'; grammar: string };

/** Fields WebLLM requests have beyond `connect()`'s; passed on as they are. */
export interface WebLLMRequestExtras {
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  repetition_penalty?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  tools?: unknown[];
  tool_choice?: unknown;
  ignore_eos?: boolean;
  /** Passed on (`connect()` ignores what it does not know); `resumable` is refused. */
  extra_body?: { enable_thinking?: boolean | null; enable_latency_breakdown?: boolean | null; resumable?: unknown; [field: string]: unknown };
}

/** A `chat.completions.create()` request: `connect()`'s, with `model` optional (default: the loaded model). */
export type ChatCompletionRequestBase = Omit<ChatCompletionCreateParams, 'model' | 'stream' | 'response_format'> & WebLLMRequestExtras & {
  model?: string | null;
  stream?: boolean | null;
  response_format?: ResponseFormat | null;
};
export type ChatCompletionRequestNonStreaming = ChatCompletionRequestBase & { stream?: false | null };
export type ChatCompletionRequestStreaming = ChatCompletionRequestBase & { stream: true };
export type ChatCompletionRequest = ChatCompletionRequestNonStreaming | ChatCompletionRequestStreaming;

/** `stop`, `length` (and `tool_calls` where `connect()` reports them), or `abort` after `interruptGenerate()`. */
export type ChatCompletionFinishReason = FinishReason | 'abort';

/** WebLLM's per-request statistics (`usage.extra`), in seconds and tokens per second. */
export interface UsageExtra {
  e2e_latency_s: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
  time_to_first_token_s: number;
  time_per_output_token_s: number;
}

/** Token counts, with WebLLM's `extra` statistics. */
export interface CompletionUsage extends OpenAICompletionUsage {
  extra: UsageExtra;
}

type ChatChoice = OpenAIChatCompletion['choices'][number];
type ChunkChoice = OpenAIChatCompletionChunk['choices'][number];

/** One choice of a chat completion. */
export type ChatCompletionChoice = Omit<ChatChoice, 'finish_reason'> & { finish_reason: ChatCompletionFinishReason };

/**
 * A non-streaming chat completion (`connect()`'s, plus `usage.extra` and the `abort` finish reason).
 * It always has a first choice (`n` is 1), so `reply.choices[0].message` type-checks as WebLLM code writes it.
 */
export type ChatCompletion = Omit<OpenAIChatCompletion, 'choices' | 'usage'> & {
  choices: [ChatCompletionChoice, ...ChatCompletionChoice[]];
  usage: CompletionUsage;
};

/** One streamed chunk; only the last (with `stream_options.include_usage`) carries `usage`. */
export type ChatCompletionChunk = Omit<OpenAIChatCompletionChunk, 'choices' | 'usage'> & {
  choices: (Omit<ChunkChoice, 'finish_reason'> & { finish_reason: ChatCompletionFinishReason | null })[];
  usage?: CompletionUsage | null;
};

/** A legacy text completion request (`completions.create()`): the prompt is used as is, no chat template. */
export interface CompletionCreateParamsBase extends WebLLMRequestExtras {
  prompt: string;
  echo?: boolean | null;
  logit_bias?: Record<string, number> | null;
  max_tokens?: number | null;
  n?: number | null;
  seed?: number | null;
  stop?: string | null | string[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  model?: string | null;
  /** Refused, as WebLLM refuses them. */
  suffix?: string | null;
  user?: string;
  best_of?: number | null;
  /** LLM OS extension, as in `connect()`. */
  signal?: AbortSignal;
}
export type CompletionCreateParamsNonStreaming = CompletionCreateParamsBase & { stream?: false | null };
export type CompletionCreateParamsStreaming = CompletionCreateParamsBase & { stream: true };
export type CompletionCreateParams = CompletionCreateParamsNonStreaming | CompletionCreateParamsStreaming;

/** One choice of a text completion. */
export interface CompletionChoice {
  text: string;
  index: number;
  finish_reason: ChatCompletionFinishReason | null;
  logprobs: null;
}

/** A text completion, or one chunk of a streamed one (then `usage` only on the last, with `choices: []`). */
export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: CompletionChoice[];
  usage?: CompletionUsage | null;
}

/** `chat.completions.create`, overloaded as WebLLM's. */
export interface ChatCompletionsApi {
  create(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  create(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion>;
  create(request: ChatCompletionRequestBase): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
}

/** `completions.create`, overloaded as WebLLM's. */
export interface CompletionsApi {
  create(request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>>;
  create(request: CompletionCreateParamsNonStreaming): Promise<Completion>;
  create(request: CompletionCreateParamsBase): Promise<AsyncIterable<Completion> | Completion>;
}

/** `embeddings.create`: present for shape, always rejects (see `MLCEngine.embedding`). */
export interface EmbeddingsApi {
  create(request: unknown): Promise<never>;
}

/**
 * What an engine offers (WebLLM's `MLCEngineInterface`); the resumable-session, raw token and
 * logit-processor methods are there and refuse with typed errors (see docs/webllm.md).
 */
export interface MLCEngineInterface {
  chat: { completions: ChatCompletionsApi };
  completions: CompletionsApi;
  embeddings: EmbeddingsApi;
  setInitProgressCallback(initProgressCallback?: InitProgressCallback): void;
  getInitProgressCallback(): InitProgressCallback | undefined;
  setAppConfig(appConfig: AppConfig): void;
  setLogLevel(logLevel: LogLevel): void;
  setLogitProcessorRegistry(logitProcessorRegistry?: Map<string, unknown>): void;
  reload(modelId: string | string[], chatOpts?: ChatOptions | ChatOptions[]): Promise<void>;
  chatCompletion(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  chatCompletion(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion>;
  chatCompletion(request: ChatCompletionRequestBase): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  completion(request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>>;
  completion(request: CompletionCreateParamsNonStreaming): Promise<Completion>;
  completion(request: CompletionCreateParamsBase): Promise<AsyncIterable<Completion> | Completion>;
  embedding(request: unknown): Promise<never>;
  runtimeStatsText(modelId?: string): Promise<string>;
  interruptGenerate(): void;
  unload(): Promise<void>;
  resetChat(keepStats?: boolean, modelId?: string): Promise<void>;
  getMessage(modelId?: string): Promise<string>;
  getMaxStorageBufferBindingSize(): Promise<number>;
  getGPUVendor(): Promise<string>;
  forwardTokensAndSample(inputIds: number[], isPrefill: boolean, modelId?: string): Promise<number>;
  listResumableSessions(): Promise<never[]>;
  resumeChatCompletion(sessionId: string, options?: unknown): Promise<never>;
  deleteResumableSession(sessionId: string): Promise<void>;
}
