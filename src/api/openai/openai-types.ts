/**
 * The OpenAI Chat Completions shapes this API accepts and returns (the subset a local model can honour),
 * named as in the `openai` package so code written against it reads the same. Field names stay
 * snake_case: these objects are the wire format of the service worker's `/v1` endpoint too.
 */
import type { InputModality } from '../../protocol/engine';
import type { Priority } from '../../kernel/priority';

/** A text part of a message (`content` may be a string or a list of these). */
export interface ChatCompletionContentPartText {
  type: 'text';
  text: string;
}

/**
 * An image part of a user message. `url` must be a `data:image/…;base64,…` URL: remote `http(s)` URLs
 * are refused (`InvalidRequestError` / HTTP 400), the page never fetches them for a caller. `detail` is
 * accepted and ignored (the model's projector decides the resolution).
 */
export interface ChatCompletionContentPartImage {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** A part of a message's `content`. */
export type ChatCompletionContentPart = ChatCompletionContentPartText | ChatCompletionContentPartImage;

/**
 * One input message. `developer` is treated as `system`. Image parts are for `user` messages only; the
 * model sees a message's images first, in order, then its text parts joined (where the images stood
 * among the text is not kept).
 */
export interface ChatCompletionMessageParam {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  /** `null` on an assistant message that only calls tools. */
  content: string | ChatCompletionContentPart[] | null;
  name?: string;
  /** The calls an assistant message made (fed back with the results). */
  tool_calls?: ChatCompletionMessageToolCall[];
  /** Of a `tool` message: the call it answers. */
  tool_call_id?: string;
}

/** A function the model may call; `parameters` is a JSON Schema of its arguments. */
export interface ChatCompletionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/** `tool_choice`: `none`, `auto` (default with tools), `required`, or one named function. */
export type ChatCompletionToolChoiceOption = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** A call in an assistant message: `arguments` is JSON text, validated against the tool's schema. */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A piece of a call in a streamed delta: the first carries `id`, `type` and the name, later ones argument text. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

/** `response_format`: free text, any JSON object, or JSON that satisfies a schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

/** Request body of `chat.completions.create`. */
export interface ChatCompletionCreateParams {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream?: boolean | null;
  max_tokens?: number | null;
  /** OpenAI's newer name for `max_tokens`. */
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  /** −2…2: penalises tokens already in the reply, once (presence) or per occurrence (frequency). */
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  response_format?: ResponseFormat | null;
  /** Token id (as a string key) → bias in [-100, 100]. */
  logit_bias?: Record<string, number> | null;
  /** Only 1 is supported. */
  n?: number | null;
  /** Return each output token's log probability (`choices[].logprobs`). */
  logprobs?: boolean | null;
  /** With `logprobs: true`: how many most likely alternatives to list per token, 0…20. */
  top_logprobs?: number | null;
  stream_options?: { include_usage?: boolean } | null;
  /** Functions the model may call (grammar-enforced where the engine takes a grammar). */
  tools?: ChatCompletionTool[] | null;
  tool_choice?: ChatCompletionToolChoiceOption | null;
  /** Several calls in one reply (default true). */
  parallel_tool_calls?: boolean | null;
  /** Cancels the request (an LLM OS extension; the `openai` package passes it as a request option). */
  signal?: AbortSignal;
  /** Run this request in a lower (or, within the app's quota, higher) class than the client's. LLM OS extension. */
  priority?: Priority;
}

/** Per-call options, as the `openai` package's second argument. */
export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Called once the job's first token is out (LLM OS extension): the `/v1` endpoint commits its HTTP
   * head then, so that a caller who goes away cancels the job (see `v1-handler.ts`).
   */
  onFirstToken?: () => void;
}

/** A token and its log probability (natural log; -9999 for a probability that underflows to 0). */
export interface TopLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes (null when unknown). */
  bytes: number[] | null;
}

/** An output token's log probability and the `top_logprobs` most likely tokens at its position. */
export interface ChatCompletionTokenLogprob extends TopLogprob {
  top_logprobs: TopLogprob[];
}

/** `choices[].logprobs` with `logprobs: true` (else null). */
export interface ChoiceLogprobs {
  content: ChatCompletionTokenLogprob[] | null;
  refusal: ChatCompletionTokenLogprob[] | null;
}

/** Token counts of a completion. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** As OpenAI reports it: of `prompt_tokens`, those reused from the engine's cache (present where the engine says). */
  prompt_tokens_details?: { cached_tokens: number };
}

/** Why a completion ended: `stop` (end of text or a stop sequence), `length` (token limit) or `tool_calls`. */
export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** A non-streaming completion. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  /** Unix time, seconds. */
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    /** `content` is null when the reply is only tool calls. */
    message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: ChatCompletionMessageToolCall[] };
    finish_reason: FinishReason;
    logprobs: ChoiceLogprobs | null;
  }[];
  usage: CompletionUsage;
}

/** One chunk of a streaming completion. The last has `finish_reason` and `usage`. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string; tool_calls?: ChatCompletionChunkToolCall[] };
    finish_reason: FinishReason | null;
    /** With `logprobs: true`: the tokens of this chunk's `delta.content`. */
    logprobs: ChoiceLogprobs | null;
  }[];
  /** Present only with `stream_options.include_usage`: `null`, except on the last chunk (whose `choices` is empty). */
  usage?: CompletionUsage | null;
}

/** One entry of `models.list()`. */
export interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /**
   * What the model takes as input (LLM OS extension): `['text', 'image']` for a vision model,
   * `['text']` for a text-only one; absent when it is known only once the model is loaded.
   */
  input_modalities?: InputModality[];
}

/** `models.list()` result (OpenAI's page shape, also iterable). */
export interface ModelList {
  object: 'list';
  data: Model[];
}
