/**
 * Mapping between our `GenerateRequest` / `Usage` and web-llm's OpenAI-shaped request and usage.
 * Types only from web-llm: no runtime dependency.
 */
import type { ChatCompletionChunk, ChatCompletionMessageParam, ResponseFormat } from '@mlc-ai/web-llm';
import { makeUsage, type ChatMessage, type GenerateRequest, type Usage } from '../protocol/engine';

/**
 * Our messages as web-llm's OpenAI-shaped ones: a user message with images becomes content parts, each
 * image an `image_url` part (web-llm fetches data URLs itself) before the text — what its vision models
 * (`ModelType.VLM`) take.
 */
export function webllmMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    if (m.role === 'user' && m.images?.length) {
      return {
        role: 'user',
        content: [...m.images.map((url) => ({ type: 'image_url' as const, image_url: { url } })), { type: 'text' as const, text: m.content }],
      };
    }
    return { role: m.role, content: m.content } as ChatCompletionMessageParam;
  });
}

/** The request fields shared by `chat.completions.create` and `completions.create` (always streaming, with usage). */
export function webllmRequestParams(r: GenerateRequest) {
  return {
    stream: true as const,
    stream_options: { include_usage: true },
    max_tokens: (r.maxTokens ?? 256) + (r.replayTokens ?? 0),
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    ...(r.topP !== undefined ? { top_p: r.topP } : {}),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.stop?.length ? { stop: r.stop } : {}),
    ...(r.ignoreEos ? { ignore_eos: true } : {}),
    // web-llm keys logit_bias by token id as a string, like OpenAI.
    ...(r.logitBias ? { logit_bias: Object.fromEntries(Object.entries(r.logitBias).map(([k, v]) => [String(k), v])) } : {}),
    ...responseFormat(r),
  };
}

/**
 * JSON schema / JSON mode / grammar → web-llm's `response_format`. web-llm has no OpenAI
 * `json_schema` type: a schema travels as a JSON string on `json_object`; grammars are EBNF (GBNF-style).
 */
export function responseFormat(r: GenerateRequest): { response_format?: ResponseFormat } {
  if (r.jsonSchema) return { response_format: { type: 'json_object', schema: JSON.stringify(r.jsonSchema) } };
  if (r.jsonMode) return { response_format: { type: 'json_object' } };
  if (r.grammar) return { response_format: { type: 'grammar', grammar: r.grammar } };
  return {};
}

/** web-llm's usage (`usage.extra` carries TTFT and speeds) or, without it, our own timings. */
export function webllmUsage(u: ChatCompletionChunk['usage'] | undefined, t0: number, tFirst: number | null, tokens: number): Usage {
  if (!u) return makeUsage(t0, tFirst, performance.now(), 0, tokens);
  return {
    promptTokens: u.prompt_tokens,
    completionTokens: u.completion_tokens,
    ttftMs: u.extra.time_to_first_token_s * 1000,
    decodeTokensPerSec: u.extra.decode_tokens_per_s,
    prefillTokensPerSec: u.extra.prefill_tokens_per_s,
    totalMs: u.extra.e2e_latency_s * 1000,
  };
}
