/**
 * Mapping between our `GenerateRequest` / `Usage` and web-llm's OpenAI-shaped request and usage.
 * Types only from web-llm: no runtime dependency.
 */
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTokenLogprob, ResponseFormat } from '@mlc-ai/web-llm';
import { InvalidRequestError } from '../errors';
import { makeUsage, type ChatMessage, type GenerateRequest, type TokenLogprob, type TokenLogprobs, type Usage } from '../protocol/engine';
import { toolConversation, usesTools } from '../constraints/tool-calls';
import { constraintGrammar } from './constraint-compile';

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

/**
 * The messages of a chat request, tools included: web-llm's own tool support is limited to a few
 * Hermes models and its templates are not ours to render, so tools take the generic fallback
 * (`constraints/tool-calls.ts`): their prompt in the system message, calls and results as text.
 */
export function webllmChat(r: GenerateRequest & { messages: ChatMessage[] }): ChatCompletionMessageParam[] {
  if (!usesTools(r)) return webllmMessages(r.messages);
  return webllmMessages(toolConversation(r.messages, r.tools, 'generic', r.toolChoice, r.parallelToolCalls).messages);
}

/** The request fields shared by `chat.completions.create` and `completions.create` (always streaming, with usage). */
export function webllmRequestParams(r: GenerateRequest) {
  return {
    stream: true as const,
    stream_options: { include_usage: true },
    // No limit: web-llm stops at the end of the text or a full context window (`context_window_size`).
    ...(r.maxTokens !== undefined ? { max_tokens: r.maxTokens + (r.replayTokens ?? 0) } : {}),
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    ...(r.topP !== undefined ? { top_p: r.topP } : {}),
    ...(r.presencePenalty ? { presence_penalty: r.presencePenalty } : {}),
    ...(r.frequencyPenalty ? { frequency_penalty: r.frequencyPenalty } : {}),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.stop?.length ? { stop: r.stop } : {}),
    ...(r.ignoreEos ? { ignore_eos: true } : {}),
    // web-llm keys logit_bias by token id as a string, like OpenAI.
    ...(r.logitBias ? { logit_bias: Object.fromEntries(Object.entries(r.logitBias).map(([k, v]) => [String(k), v])) } : {}),
    ...responseFormat(r),
    ...webllmLogprobsParams(r),
  };
}

/** The most alternatives web-llm lists per token (its `top_logprobs` limit). */
export const WEBLLM_MAX_TOP_LOGPROBS = 5;

/**
 * `logprobs` → web-llm's `logprobs` / `top_logprobs`. web-llm lists at most 5 alternatives (a request for
 * more is refused, never cut) and reports nothing at all with `top_logprobs: 0`, so 0 asks for one and
 * `webllmLogprobs` drops it.
 */
export function webllmLogprobsParams(r: GenerateRequest): { logprobs?: boolean; top_logprobs?: number } {
  if (r.logprobs === undefined) return {};
  if (r.logprobs > WEBLLM_MAX_TOP_LOGPROBS) {
    throw new InvalidRequestError(`The WebLLM engine lists at most ${WEBLLM_MAX_TOP_LOGPROBS} alternatives per token (top_logprobs); ${r.logprobs} were asked for`, {
      field: 'logprobs', value: String(r.logprobs), engine: 'webllm', limit: WEBLLM_MAX_TOP_LOGPROBS,
    });
  }
  return { logprobs: true, top_logprobs: Math.max(1, r.logprobs) };
}

/** web-llm's log probabilities of a chunk (OpenAI's shape) as ours, with `k` alternatives each. */
export function webllmLogprobs(content: readonly ChatCompletionTokenLogprob[] | null | undefined, k: number): TokenLogprobs[] {
  const one = (p: { token: string; logprob: number; bytes?: number[] | null }): TokenLogprob => ({
    token: p.token,
    logprob: Number.isFinite(p.logprob) ? Math.min(0, p.logprob) : -9999,
    bytes: Array.isArray(p.bytes) ? p.bytes : null,
  });
  return (content ?? []).map((c) => ({ ...one(c), top: (c.top_logprobs ?? []).slice(0, k).map(one) }));
}

/**
 * JSON schema / JSON mode / grammar → web-llm's `response_format`. web-llm has no OpenAI
 * `json_schema` type: a schema travels as a JSON string on `json_object`; grammars are EBNF (GBNF-style).
 */
export function responseFormat(r: GenerateRequest): { response_format?: ResponseFormat } {
  // Tools: the generic prompt (`webllmChat`) and the calls' grammar, compiled here in the worker.
  if (r.tools?.length) return { response_format: { type: 'grammar', grammar: constraintGrammar(r, 'generic')! } };
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
