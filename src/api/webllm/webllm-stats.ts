/**
 * The drop-in's statistics, as WebLLM keeps them (and the end of an interrupted stream, with its usage): running totals per loaded model for
 * `runtimeStatsText()` (reset by `resetChat()`), and the `usage.extra` figures of each request, taken
 * from the kernel (time to first token of the engine's process) and the request's wall time.
 */
import type { AbortError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import { newId } from './webllm-engine-base';
import type { LlmOsClient } from '../openai/openai';
import type { ChatCompletionChunk as OpenAIChunk, CompletionUsage as OpenAIUsage } from '../openai/openai-types';
import type { ChatCompletionChunk, CompletionUsage, UsageExtra } from './webllm-types';

/** Running totals for `runtimeStatsText()`, as WebLLM's pipeline keeps them. */
export interface Stats {
  prefillTokens: number;
  prefillSeconds: number;
  decodeTokens: number;
  decodeSeconds: number;
}

export const zeroStats = (): Stats => ({ prefillTokens: 0, prefillSeconds: 0, decodeTokens: 0, decodeSeconds: 0 });

/** Add a request's figures to the running totals. */
export function account(stats: Stats, promptTokens: number, completionTokens: number, ttftSeconds: number, e2eSeconds: number): void {
  stats.prefillTokens += promptTokens;
  stats.prefillSeconds += ttftSeconds;
  stats.decodeTokens += Math.max(0, completionTokens - 1);
  stats.decodeSeconds += Math.max(0, e2eSeconds - ttftSeconds);
}

/** `prefill: X tokens/sec, decoding: Y tokens/sec` (WebLLM's format). */
export function statsText(s: Stats): string {
  const rate = (tokens: number, seconds: number) => (seconds > 0 ? tokens / seconds : 0).toFixed(4);
  return `prefill: ${rate(s.prefillTokens, s.prefillSeconds)} tokens/sec, decoding: ${rate(s.decodeTokens, s.decodeSeconds)} tokens/sec`;
}

/**
 * `connect()`'s usage with WebLLM's `extra`: time to first token as the kernel measured it for the
 * engine's process (submit → first token), the rest from the request's wall time; added to `stats`.
 */
export function usageWithExtra(client: LlmOsClient, u: OpenAIUsage, t0: number, stats: Stats): CompletionUsage {
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
  account(stats, u.prompt_tokens, u.completion_tokens, ttft, e2e);
  return { ...u, extra };
}

/**
 * Usage of a request `interruptGenerate()` stopped: the tokens it generated, as the kernel counted them
 * (`job-finished`). The kernel ends a cancelled job before the engine reports its prompt count, so
 * `prompt_tokens` is 0.
 */
export function interruptedUsage(kernel: KernelApi, e: AbortError, delivered = 0): CompletionUsage {
  const jobId = e.details['jobId'];
  const rec = jobId ? kernel.events.history().findLast((r) => r.type === 'job-finished' && (r.detail as { jobId: string }).jobId === jobId) : undefined;
  const tokens = rec ? (rec.detail as { tokens: number }).tokens : delivered;
  const extra: UsageExtra = { e2e_latency_s: 0, prefill_tokens_per_s: 0, decode_tokens_per_s: 0, time_to_first_token_s: 0, time_per_output_token_s: 0 };
  return { prompt_tokens: 0, completion_tokens: tokens, total_tokens: tokens, extra };
}

/** The end of a stream `interruptGenerate()` stopped: a chunk with `finish_reason: 'abort'`, then (if asked) usage. */
export async function* interruptedStream(
  kernel: KernelApi, model: string, userUsage: boolean, head: OpenAIChunk | null, e: AbortError, delivered = 0,
): AsyncGenerator<ChatCompletionChunk, void, void> {
  const h = head
    ? { id: head.id, object: head.object, created: head.created, model: head.model, system_fingerprint: head.system_fingerprint }
    : { id: newId(), object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model, system_fingerprint: 'llmos' };
  yield { ...h, choices: [{ index: 0, delta: {}, finish_reason: 'abort', logprobs: null }], ...(userUsage ? { usage: null } : {}) } as ChatCompletionChunk;
  if (userUsage) yield { ...h, choices: [], usage: interruptedUsage(kernel, e, delivered) } as ChatCompletionChunk;
}
