/**
 * WebLLM's legacy text completion (`engine.completions.create({prompt})`) over the kernel: a raw
 * `prompt` job (the kernel takes one, used as is, no chat template) of the engine's own `connect()`
 * process, admitted through the same `AppSession` path `connect()` uses (model defaults merged, output
 * constraint checked). The request is validated by `connect()`'s own parser, so a field means the same
 * in both APIs; `echo`, `ignore_eos` and WebLLM's refusals (`suffix`, `user`, `best_of`) are handled here.
 * Log probabilities are refused: the engines do not compute them.
 */
import { AbortError, InvalidRequestError } from '../../errors';
import type { JobHandle, JobResult } from '../../kernel/types';
import type { AppSession } from '../app-session';
import { parseChatRequest, type ParsedChatRequest } from '../openai/openai-request';
import { validateOutput } from '../structured/structured-output';
import type { ChatCompletionFinishReason, Completion, CompletionCreateParamsBase, CompletionUsage, UsageExtra } from './webllm-types';

/** A validated text completion request. */
export interface ParsedCompletion {
  prompt: string;
  echo: boolean;
  req: ParsedChatRequest;
}

/** What the engine gives a completion: where it runs and what to tell the engine as it goes. */
export interface CompletionContext {
  session: AppSession;
  model: string;
  signal: AbortSignal;
  /** Whether `interruptGenerate()` stopped this request (then it ends with `finish_reason: 'abort'`). */
  interrupted(): boolean;
  /** The reply so far (for `getMessage()`). */
  onText(text: string): void;
  /** The request ended: record its statistics. */
  onDone(usage: CompletionUsage): void;
}

const bad = (field: string, message: string) => new InvalidRequestError(message, { field });

/** Validate a `completions.create()` body (model already chosen by the engine). */
export function parseCompletionRequest(body: CompletionCreateParamsBase, model: string): ParsedCompletion {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'The request must be an object');
  const { prompt, echo, ignore_eos: ignoreEos, suffix, user, best_of: bestOf, ...rest } = body;
  if (typeof prompt !== 'string') throw bad('prompt', 'prompt must be a string (lists of prompts and token arrays are not supported)');
  const refused = { suffix, user, best_of: bestOf };
  for (const [field, v] of Object.entries(refused)) if (v !== undefined && v !== null) throw bad(field, `${field} is not supported in text completions`);
  if (rest.logprobs) throw bad('logprobs', 'logprobs is not supported by local models yet');
  if (rest.top_logprobs !== undefined && rest.top_logprobs !== null) throw bad('top_logprobs', 'top_logprobs is not supported by local models yet');
  if (echo !== undefined && echo !== null && typeof echo !== 'boolean') throw bad('echo', 'echo must be a boolean');
  if (ignoreEos !== undefined && typeof ignoreEos !== 'boolean') throw bad('ignore_eos', 'ignore_eos must be a boolean');
  // connect()'s parser checks every shared field (sampling, stop, stream, stream_options, response_format…).
  const req = parseChatRequest({ ...rest, model, messages: [{ role: 'user', content: prompt }] });
  if (ignoreEos) req.params.ignoreEos = true;
  return { prompt, echo: echo === true, req };
}

const newId = () => `cmpl-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
const finishOf = (r: JobResult, interrupted: boolean): ChatCompletionFinishReason =>
  interrupted ? 'abort' : r.stopReason === 'length' ? 'length' : 'stop';

/** WebLLM's usage, from the kernel's job result (its timings are the engine's own). */
export function usageOfResult(r: JobResult): CompletionUsage {
  const u = r.usage;
  const decodeTokens = Math.max(0, u.completionTokens - 1);
  const extra: UsageExtra = {
    e2e_latency_s: u.totalMs / 1000,
    prefill_tokens_per_s: u.prefillTokensPerSec,
    decode_tokens_per_s: u.decodeTokensPerSec,
    time_to_first_token_s: u.ttftMs / 1000,
    time_per_output_token_s: u.decodeTokensPerSec > 0 && decodeTokens > 0 ? 1 / u.decodeTokensPerSec : 0,
  };
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens, extra };
}

function submit(p: ParsedCompletion, ctx: CompletionContext): Promise<JobHandle> {
  const { req } = p;
  return ctx.session.submit({
    model: ctx.model, prompt: p.prompt, params: req.params, signal: ctx.signal,
    ...(req.constraint ? { constraint: req.constraint } : {}), ...(req.priority ? { priority: req.priority } : {}),
  });
}

/** The job's result; a cancellation is `AbortError` unless `interruptGenerate()` caused it. */
async function ended(handle: JobHandle, ctx: CompletionContext): Promise<{ r: JobResult; interrupted: boolean }> {
  const r = await handle.result;
  const cancelled = r.stopReason === 'abort' || r.stopReason === 'interrupt';
  if (cancelled && !ctx.interrupted()) throw new AbortError('The request was aborted', { jobId: handle.id }, { cause: ctx.signal.reason });
  return { r, interrupted: cancelled };
}

/** A non-streaming text completion. */
export async function complete(p: ParsedCompletion, ctx: CompletionContext): Promise<Completion> {
  const handle = await submit(p, ctx);
  const { r, interrupted } = await ended(handle, ctx);
  if (p.req.constraint && !interrupted && r.stopReason !== 'length') await validateOutput(r.text, p.req.constraint);
  ctx.onText(r.text);
  const usage = usageOfResult(r);
  ctx.onDone(usage);
  return {
    id: newId(), object: 'text_completion', created: Math.floor(Date.now() / 1000), model: ctx.model, system_fingerprint: 'llmos',
    choices: [{ index: 0, text: (p.echo ? p.prompt : '') + r.text, finish_reason: finishOf(r, interrupted), logprobs: null }],
    usage,
  };
}

/** A streamed text completion: text chunks, a chunk with `finish_reason`, then (if asked) one with `usage`. */
export async function stream(p: ParsedCompletion, ctx: CompletionContext): Promise<AsyncGenerator<Completion, void, void>> {
  const handle = await submit(p, ctx);
  const head = { id: newId(), object: 'text_completion' as const, created: Math.floor(Date.now() / 1000), model: ctx.model, system_fingerprint: 'llmos' };
  const usageField = p.req.includeUsage ? { usage: null } : {};
  const chunk = (text: string, finish: ChatCompletionFinishReason | null = null): Completion =>
    ({ ...head, choices: [{ index: 0, text, finish_reason: finish, logprobs: null }], ...usageField });
  async function* chunks(): AsyncGenerator<Completion, void, void> {
    let finished = false;
    try {
      if (p.echo) yield chunk(p.prompt);
      let text = '';
      if (!p.req.constraint) {
        for await (const t of handle.tokens) {
          if (!t.text) continue;
          text += t.text;
          ctx.onText(text);
          yield chunk(t.text);
        }
      }
      const { r, interrupted } = await ended(handle, ctx);
      if (p.req.constraint) {
        // As connect() streams structured output: validated first, then as one chunk.
        if (!interrupted && r.stopReason !== 'length') await validateOutput(r.text, p.req.constraint);
        ctx.onText(r.text);
        if (r.text) yield chunk(r.text);
      }
      finished = true;
      const usage = usageOfResult(r);
      ctx.onDone(usage);
      yield chunk('', finishOf(r, interrupted));
      if (p.req.includeUsage) yield { ...head, choices: [], usage };
    } finally {
      if (!finished) handle.cancel();
    }
  }
  return chunks();
}
