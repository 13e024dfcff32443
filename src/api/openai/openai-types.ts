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
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string | ChatCompletionContentPart[];
  name?: string;
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
  stop?: string | string[] | null;
  seed?: number | null;
  response_format?: ResponseFormat | null;
  /** Token id (as a string key) → bias in [-100, 100]. */
  logit_bias?: Record<string, number> | null;
  /** Only 1 is supported. */
  n?: number | null;
  stream_options?: { include_usage?: boolean } | null;
  /** Cancels the request (an LLM OS extension; the `openai` package passes it as a request option). */
  signal?: AbortSignal;
  /** Run this request in a lower (or, within the app's quota, higher) class than the client's. LLM OS extension. */
  priority?: Priority;
}

/** Per-call options, as the `openai` package's second argument. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Token counts of a completion. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Why a completion ended: `stop` (end of text or a stop sequence) or `length` (token limit). */
export type FinishReason = 'stop' | 'length';

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
    message: { role: 'assistant'; content: string; refusal: null };
    finish_reason: FinishReason;
    logprobs: null;
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
    delta: { role?: 'assistant'; content?: string };
    finish_reason: FinishReason | null;
    logprobs: null;
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
