/**
 * The one interface every inference engine implements (wllama, WebLLM, our WebGPU engine, test
 * doubles). Engines live inside workers; the page only sees them through `Remote<EngineHostApi>`.
 */

import type { ComputedOn, RemoteEndpoint } from './remote';

/** Which adapter. */
export type EngineKind = 'wllama' | 'webllm' | 'webgpu' | 'scripted' | 'remote';

/** Where a model's weights come from. */
export type ModelSource =
  /** A GGUF file fetched by URL (wllama); `projectorUrl`: its vision projector (mmproj GGUF), if any. */
  | { kind: 'gguf-url'; id: string; url: string; projectorUrl?: string }
  /**
   * GGUF bytes already in hand: a local file, or chunks read from the model store (no copy). `projector`:
   * the chunks of its vision projector (mmproj GGUF), which makes the model accept images.
   */
  | { kind: 'gguf-blobs'; id: string; blobs: Blob[]; projector?: Blob[] }
  /** A WebLLM (MLC) model: an id from WebLLM's prebuilt list, or a custom record. */
  | { kind: 'mlc'; id: string; record?: MlcModelRecord }
  /**
   * A model served by OpenAI-compatible servers the user added (`protocol/remote.ts`): the engine sends each
   * request to one of `endpoints` (the healthy one with the fewest requests in flight).
   */
  | { kind: 'remote'; id: string; endpoints: RemoteEndpoint[] };

/** The subset of WebLLM's `ModelRecord` we pass through. */
export interface MlcModelRecord {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  required_features?: string[];
  /** web-llm's `ModelType`: 0 LLM, 1 embedding, 2 VLM (takes images). */
  model_type?: number;
  overrides?: Record<string, unknown>;
}

export interface LoadOptions {
  /** Context window to allocate, in tokens (per sequence). */
  nCtx?: number;
  /**
   * Sequences to keep (engines that decode several at once: wllama): generations that run together, and
   * conversations whose KV cache stays for reuse. Each gets `nCtx` tokens. Default 1.
   */
  sequences?: number;
  /** CPU threads for wasm engines; defaults to `hardwareConcurrency`. */
  nThreads?: number;
  /** `auto` uses WebGPU where the engine can, else wasm. */
  backend?: 'auto' | 'webgpu' | 'wasm';
  seed?: number;
}

export interface LoadProgress {
  phase: 'download' | 'load' | 'init';
  loaded: number;
  total: number;
  /** 0…1, monotonic within one load. */
  fraction: number;
  text?: string;
}

/** What a model takes as input besides text. */
export type InputModality = 'text' | 'image';

/** Facts about a loaded model. */
export interface ModelInfo {
  id: string;
  engine: EngineKind;
  contextLength: number;
  /** What the loaded model accepts: always `text`; `image` with a vision projector or a WebLLM vision model. */
  inputs: InputModality[];
  /** Bytes of weights resident in this engine (for budgets). */
  weightBytes: number;
  /** Bytes of KV cache allocated for the loaded context. */
  kvBytes: number;
  metadata?: Record<string, string>;
}

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';
export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Tool calls an assistant message made (OpenAI's `tool_calls`, the Prompt API's `tool-call` parts). */
  toolCalls?: ToolCall[];
  /** Of a `tool` message: the id of the call it answers. */
  toolCallId?: string;
  /** Of a `tool` message: the tool's name. */
  name?: string;
  /**
   * Images of a user message, as `data:image/…;base64,…` URLs (JSON-safe: they travel to workers, the
   * service worker and IndexedDB as they are). The model sees them before `content`, in order. Only for
   * models whose `ModelInfo.inputs` include `image`; any other model refuses them with
   * `UnsupportedInputError`. Engines decode them with the browser's decoders (see `image-input.ts`).
   */
  images?: string[];
}

/**
 * A tool the model may call: a function name (`^[a-zA-Z0-9_-]{1,64}$`), what it does, and a JSON Schema
 * of its arguments (an object schema; within `CONSTRAINT_LIMITS`). See `constraints/tool-calls.ts`.
 */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** One call of a tool: `arguments` is the JSON text the model wrote. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Whether the model must call a tool: `auto` (it may answer in text or call tools), `required` (at least
 * one call), or `{name}` (exactly that function). OpenAI's `none` never reaches an engine: no tools are sent.
 */
export type ToolChoice = 'auto' | 'required' | { name: string };

export interface GenerateRequest {
  /** Chat messages (the model's chat template is applied) … */
  messages?: ChatMessage[];
  /** … or a raw prompt, used as is. */
  prompt?: string;
  /**
   * The most tokens to generate. Absent: until the end of the text or a full context (the loaded
   * context length minus the prompt's tokens), as OpenAI does; the kernel's watchdogs (`jobTimeoutMs`)
   * bound the time such a job may take.
   */
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /** GBNF grammar (wllama) constraining the output, as is (within `CONSTRAINT_LIMITS`). */
  grammar?: string;
  /**
   * JSON schema constraining the output (engine-enforced where supported: WebLLM takes the schema, wllama
   * gets a grammar compiled from it in the engine worker). Within `CONSTRAINT_LIMITS`.
   */
  jsonSchema?: Record<string, unknown>;
  /** `json_object` mode without a schema. */
  jsonMode?: boolean;
  /**
   * A RegExp the whole output must match, as `{source, flags}` (what crosses a worker boundary): wllama
   * compiles it to a grammar in the engine worker where it can (see `api/regexp-grammar.ts`); other
   * engines sample freely. The output is matched against it after generation either way.
   */
  regexp?: { source: string; flags: string };
  ignoreEos?: boolean;
  /** Token id → additive bias. */
  logitBias?: Record<number, number>;
  /** OpenAI's `presence_penalty` (−2…2): subtracted once from each token already generated. */
  presencePenalty?: number;
  /** OpenAI's `frequency_penalty` (−2…2): subtracted per earlier occurrence of the token in the reply. */
  frequencyPenalty?: number;
  /**
   * Tools the model may call. Their prompt comes from the model's chat template when it supports tools
   * (Hermes / Qwen `<tool_call>`, Llama 3.x), else from a generic system prompt; the call's format is
   * enforced by a grammar where the engine takes one (`constraints/tool-calls.ts`).
   */
  tools?: ToolDefinition[];
  /** Default `auto`. */
  toolChoice?: ToolChoice;
  /** Several calls in one reply (default true; Llama 3.x templates take one). */
  parallelToolCalls?: boolean;
  /**
   * Continue an earlier run of this request (a preempted or crashed one) from what it delivered: the
   * engine prefills the prompt followed by that output in one pass (reusing whatever of it its cache
   * still holds) and decodes on from there; `maxTokens` counts only the new tokens. With `ids` the
   * output is prefilled as those tokens (exact: a greedy run continues token for token as if never
   * stopped); without, as text, which is exact only where the text tokenises back to the same tokens
   * (`Usage.promptTokens` tells: see docs/architecture.md, Preemption). A sampled run continues with a
   * fresh sample given that prefix.
   */
  resume?: ResumeFrom;
  /**
   * Resume a preempted generation by replaying it: the text already delivered (`replayPrefix`, which
   * took `replayTokens` tokens) is generated again but not reported, and a divergence is an error.
   * Only for what `resume` cannot continue: a constrained request (a grammar, schema, RegExp or tools:
   * the engine's grammar state cannot start mid-output) and chat on WebLLM (whose chat API cannot
   * prefill a partial assistant turn). Exact under greedy sampling.
   */
  replayPrefix?: string;
  replayTokens?: number;
  /**
   * Report log probabilities (`TokenEvent.logprobs`): the number of most likely alternatives to list for
   * each token, 0…`MAX_TOP_LOGPROBS` (0: only the chosen token's). Absent: none are computed. An engine
   * that cannot compute them refuses the request with a typed error rather than ignore it.
   */
  logprobs?: number;
  /**
   * Remote models only: the ids of the servers this job may be sent to (the servers its app was allowed to
   * use, see `models/remote/remote-servers.ts`). Absent or empty: none, and the job fails with
   * `PermissionError` — nothing leaves the device by default.
   */
  servers?: string[];
}

/** What a resumed run continues from (`GenerateRequest.resume`). */
export interface ResumeFrom {
  /** The text delivered so far. */
  text: string;
  /** The engine tokens that text took (what `maxTokens` already counted). */
  tokens: number;
  /** Those tokens' ids, where the engine reported them (`TokenEvent.ids`): then `tokens === ids.length`. */
  ids?: number[];
}

/** The most alternatives `GenerateRequest.logprobs` may ask for (OpenAI's limit of `top_logprobs`). */
export const MAX_TOP_LOGPROBS = 20;

/**
 * One token and its log probability: the natural log of its probability under the model's next-token
 * distribution, at temperature 1, before logit bias, grammars and sampling filters (what llama.cpp
 * reports). Always ≤ 0; -9999 stands for a probability that underflows to 0 (as OpenAI does).
 */
export interface TokenLogprob {
  /** The token's text (a piece that is not valid UTF-8 on its own is decoded with U+FFFD). */
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes (null when the engine does not say). */
  bytes: number[] | null;
}

/** A generated token's log probability and the `GenerateRequest.logprobs` most likely tokens at its step. */
export interface TokenLogprobs extends TokenLogprob {
  /** Most likely first, `GenerateRequest.logprobs` of them (fewer only when the vocabulary is smaller). */
  top: TokenLogprob[];
}

export interface TokenEvent {
  /** Text of this token (may be empty for a partial UTF-8 sequence the engine holds back). */
  text: string;
  /** 0-based index of the token within this generation (after any replayed tokens). */
  index: number;
  /**
   * With `GenerateRequest.logprobs`: the tokens whose text this event carries, in order (usually one;
   * several when an engine held text back, none for text an engine flushes at the end).
   */
  logprobs?: TokenLogprobs[];
  /**
   * The ids of the tokens whose text this event completes, from engines that know them (our WebGPU
   * engine): what a resumed run prefills (`ResumeFrom.ids`). Never forwarded to the kernel's callers.
   */
  ids?: number[];
}

export type StopReason = 'stop' | 'length' | 'abort' | 'interrupt';

export interface Usage {
  /** Prompt tokens of the run: those evaluated plus `cachedTokens`. */
  promptTokens: number;
  /**
   * Of `promptTokens`, those the engine reused from its cache instead of evaluating (a shared prefix,
   * the history of a conversation, the output of a preempted run). Absent: the engine does not say.
   */
  cachedTokens?: number;
  completionTokens: number;
  /** Time to first token, ms (from the request to the first token). */
  ttftMs: number;
  /** Decode speed after the first token. */
  decodeTokensPerSec: number;
  prefillTokensPerSec: number;
  totalMs: number;
}

export interface GenerateResult {
  text: string;
  stopReason: StopReason;
  usage: Usage;
  /** Where the output was computed: a remote engine names its server; absent means this device. */
  computedOn?: ComputedOn;
}

export interface EngineCapabilities {
  engine: EngineKind;
  /** The backend actually in use (never claims WebGPU after a silent fallback). */
  backend: 'webgpu' | 'wasm' | 'none';
  /** Whether the device has `shader-f16`. */
  f16: boolean;
  threads: number;
  multithread: boolean;
  crossOriginIsolated: boolean;
  adapter?: { vendor: string; architecture: string } | undefined;
}

/** Kept by `EngineHost` for the engine it hosts (`busy`: a generation or a load is in progress). */
export interface EngineStats {
  modelId: string | null;
  loaded: boolean;
  generations: number;
  tokensGenerated: number;
  busy: boolean;
  lastUsage: Usage | null;
}

/**
 * What an inference engine implements: loading a model and generating with it. An engine runs under
 * `EngineHost` (src/engines/engine-host.ts), which does for every engine what is the same for all: job
 * ids, abort and `interrupt()`, the replay of a preempted generation (`replayPrefix`), statistics
 * (`EngineStats`) and the empty result of a job aborted before it started. Callers (the page, through
 * `EngineHostApi`) never hold an `Engine` directly.
 */
export interface Engine {
  readonly kind: EngineKind;
  load(source: ModelSource, options?: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo>;
  /**
   * Run one generation. The engine's part of the contract (`EngineHost` does the rest):
   * - Report each token through `onToken`, in order, indexed from 0; `text` is their concatenation.
   * - Resume (`resume`): prefill the prompt followed by `resume.ids` (where given and the engine takes
   *   ids) or `resume.text`, in one pass, then decode up to `maxTokens` new tokens, reporting only those.
   *   `usage.promptTokens` counts the whole prefill (the tokens the output re-tokenised to included),
   *   `usage.cachedTokens` those reused from the engine's cache.
   * - Replay (`replayTokens`): generate up to `maxTokens + replayTokens` tokens and report every one of
   *   them, the regenerated ones included, counting them all in `usage.completionTokens`. `EngineHost`
   *   swallows the `replayPrefix` text, fails with `ReplayDivergedError` where it differs, re-indexes
   *   what remains and corrects `text` and `usage`.
   * - Abort: once `signal` aborts, report nothing more and resolve at the next token boundary with stop
   *   reason `abort` (`EngineHost` reports `interrupt` when its `interrupt()` was the cause). An engine
   *   that finds `signal` aborted before it starts may instead reject with `signal.reason`
   *   (`signal.throwIfAborted()`): `EngineHost` answers that with an empty result.
   * - If `onToken` throws, stop generating and reject with that error, as is.
   */
  generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult>;
  /**
   * Free the model (and whatever it holds). `EngineHost` calls `unload` and `load` only after it aborted
   * the running generations and waited (a few seconds at most) for them to end.
   */
  unload(): Promise<void>;
  capabilities(): EngineCapabilities;
  /** The id of the loaded model, or null: none loaded, unloaded, or lost (with its GPU device, say). */
  loadedModel(): string | null;
}

/** Shared helper: turn timestamps into a `Usage`. */
export function makeUsage(t0: number, tFirst: number | null, tEnd: number, promptTokens: number, completionTokens: number, cachedTokens?: number): Usage {
  const ttft = tFirst === null ? tEnd - t0 : tFirst - t0;
  const decodeMs = tFirst === null ? 0 : tEnd - tFirst;
  // Prefill speed counts the tokens evaluated, not those reused from a cache.
  const evaluated = promptTokens - (cachedTokens ?? 0);
  return {
    promptTokens,
    ...(cachedTokens !== undefined ? { cachedTokens } : {}),
    completionTokens,
    ttftMs: ttft,
    decodeTokensPerSec: completionTokens > 1 && decodeMs > 0 ? ((completionTokens - 1) * 1000) / decodeMs : 0,
    prefillTokensPerSec: evaluated > 0 && ttft > 0 ? (evaluated * 1000) / ttft : 0,
    totalMs: tEnd - t0,
  };
}
