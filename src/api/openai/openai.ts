/**
 * `connect()`: an OpenAI-shaped client over the kernel. Each client is one kernel process carrying its
 * app id (quota from the host's policy, see `app-identity.ts`), and each `chat.completions.create()`
 * is one job of that process, scheduled with the process's priority like every other app's work.
 *
 * Shapes follow the `openai` package: non-streaming calls resolve with a `ChatCompletion`; with
 * `stream: true` they resolve with an async iterable of `chat.completion.chunk`s (first a `role`
 * delta, then content deltas, last a chunk with `finish_reason` and `usage`). An aborted request
 * rejects (or makes the iteration throw) with LLM OS's `AbortError` — `name === 'AbortError'`, like
 * the DOMException `fetch()` throws, and `code === 'ABORTED'`, `cause` = the signal's reason.
 * Structured output (`response_format`) is validated before anything is returned; when streaming, the
 * JSON arrives as one content delta after validation (never a partial, unvalidated object).
 *
 * Images (`image_url` parts with data URLs, see `openai-request.ts`) are decoded on the page before the
 * job is submitted; a model known not to take images (`model-inputs.ts`) is refused with
 * `UnsupportedInputError` (`INPUT_UNSUPPORTED`) without being loaded.
 */
import { AbortError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { JobHandle, JobResult, ProcessQuota } from '../../kernel/types';
import { AppSession } from '../app-session';
import { registrationInputs } from '../model-inputs';
import { checkImagesDecode, parseChatRequest, type ParsedChatRequest } from './openai-request';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChoiceLogprobs, CompletionUsage, FinishReason, Model, ModelList, RequestOptions,
} from './openai-types';
import { getPrivateKernel, getSharedKernel } from '../shared-kernel';
import { validateOutput } from '../structured/structured-output';
import { parseToolCalls, ToolCallParser, type ParsedPiece } from '../../constraints/tool-calls';
import type { TokenLogprobs, ToolCall } from '../../protocol/engine';
import { openAiToolCall, openAiToolCallDelta, validateToolCalls } from './openai-tools';

/** Options of `connect()`. */
export interface ConnectOptions {
  /** Who is calling: quotas are looked up by this id. */
  appId: string;
  /** Priority class of the client's process (default `normal`); must be within the app's quota. */
  priority?: Priority;
  /**
   * Kernel to use (default: the page's shared kernel, which every tab of the origin shares). `'private'`:
   * this page's own kernel, never shared with other tabs (`getPrivateKernel()`).
   */
  kernel?: KernelApi | 'private';
  /** Process name in `ps()` (default: the app id). */
  name?: string;
  /** Ask for a tighter quota than the host's policy for this app id. */
  quota?: ProcessQuota;
}

/** A streaming completion: iterate it once; `controller.abort()` cancels the job. */
export interface ChatCompletionStream extends AsyncIterable<ChatCompletionChunk> {
  readonly controller: AbortController;
}

/** The client `connect()` returns. */
export interface LlmOsClient {
  readonly appId: string;
  /** The client's kernel process. */
  readonly pid: number;
  readonly kernel: KernelApi;
  readonly chat: {
    readonly completions: {
      create(params: ChatCompletionCreateParams & { stream: true }, options?: RequestOptions): Promise<ChatCompletionStream>;
      create(params: ChatCompletionCreateParams & { stream?: false | null }, options?: RequestOptions): Promise<ChatCompletion>;
      create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatCompletionStream>;
    };
  };
  readonly models: { list(): Promise<ModelList & AsyncIterable<Model>> };
  /** End the client's process (its running requests are cancelled). */
  close(): void;
}

const newId = () => `chatcmpl-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
const FINGERPRINT = 'llmos';

/** Log probabilities in OpenAI's shape (`choices[].logprobs`). */
function choiceLogprobs(logprobs: readonly TokenLogprobs[]): ChoiceLogprobs {
  return {
    content: logprobs.map((l) => ({
      token: l.token, logprob: l.logprob, bytes: l.bytes, top_logprobs: l.top.map((t) => ({ token: t.token, logprob: t.logprob, bytes: t.bytes })),
    })),
    refusal: null,
  };
}

/** Call `then` once the job's first token is out (reading its stream to the end, so as not to cancel it). */
async function firstToken(handle: JobHandle, then: () => void): Promise<void> {
  let first = true;
  try {
    for await (const _ of handle.tokens) {
      // Guarded: a throw here would end the loop, and leaving the stream early cancels the job.
      if (first) try { then(); } catch { /* the caller's problem */ }
      first = false;
    }
  } catch {
    // The job failed: its result says how.
  }
}

/** Connect an app to the kernel (default: the page's shared kernel). */
export function connect(options: ConnectOptions): LlmOsClient {
  const kernel = options.kernel === 'private' ? getPrivateKernel() : options.kernel ?? getSharedKernel();
  const session = new AppSession({ ...options, kernel }, 'normal');
  let closed = false;

  const aborted = (signal: AbortSignal | undefined, jobId?: string) =>
    new AbortError('The request was aborted', jobId ? { jobId } : {}, { cause: signal?.reason });

  function submit(req: ParsedChatRequest, signal: AbortSignal | undefined): Promise<JobHandle> {
    return session.submit({
      model: req.model, messages: req.messages, params: req.params, imageField: req.images[0]?.field,
      ...(req.constraint ? { constraint: req.constraint } : {}), ...(req.priority ? { priority: req.priority } : {}), ...(signal ? { signal } : {}),
      ...(req.images.length ? { check: () => checkImagesDecode(req.images) } : {}),
    });
  }

  const usageOf = (r: JobResult): CompletionUsage => ({
    prompt_tokens: r.usage.promptTokens,
    completion_tokens: r.usage.completionTokens,
    total_tokens: r.usage.promptTokens + r.usage.completionTokens,
    ...(r.usage.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: r.usage.cachedTokens } } : {}),
  });
  const finishOf = (r: JobResult): FinishReason => (r.stopReason === 'length' ? 'length' : 'stop');

  /** The job's result, or `AbortError` when it was cancelled. */
  async function ended(handle: JobHandle, signal: AbortSignal | undefined): Promise<JobResult> {
    const r = await handle.result;
    if (r.stopReason === 'abort' || r.stopReason === 'interrupt') throw aborted(signal, handle.id);
    return r;
  }

  /**
   * The reply's calls (none without tools) and content; the calls are validated against their tools'
   * schemas, a reply without calls against `response_format` — unless `max_tokens` cut it off, when it
   * is returned as it is, with finish_reason 'length' (as OpenAI does).
   */
  async function checked(req: ParsedChatRequest, r: JobResult): Promise<{ content: string; calls: ToolCall[] }> {
    const parsed = req.tools.length ? parseToolCalls(r.text, req.tools.map((t) => t.name)) : { content: r.text, calls: [] };
    if (r.stopReason === 'length') return parsed;
    if (parsed.calls.length) await validateToolCalls(parsed.calls, req.tools);
    else if (req.constraint) await validateOutput(r.text, req.constraint);
    return parsed;
  }

  const finishWith = (r: JobResult, calls: readonly ToolCall[]): FinishReason => (calls.length && r.stopReason !== 'length' ? 'tool_calls' : finishOf(r));

  async function complete(req: ParsedChatRequest, signal: AbortSignal | undefined, onFirstToken?: () => void): Promise<ChatCompletion> {
    const handle = await submit(req, signal);
    if (onFirstToken) void firstToken(handle, onFirstToken);
    const r = await ended(handle, signal);
    const { content, calls } = await checked(req, r);
    const message: ChatCompletion['choices'][0]['message'] = calls.length
      ? { role: 'assistant', content: content || null, refusal: null, tool_calls: calls.map(openAiToolCall) }
      : { role: 'assistant', content, refusal: null };
    return {
      id: newId(), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: req.model, system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, message, finish_reason: finishWith(r, calls), logprobs: req.params.logprobs === undefined ? null : choiceLogprobs(r.logprobs ?? []) }],
      usage: usageOf(r),
    };
  }

  async function stream(req: ParsedChatRequest, signal: AbortSignal | undefined): Promise<ChatCompletionStream> {
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const handle = await submit(req, combined);
    const id = newId();
    const created = Math.floor(Date.now() / 1000);
    const head = { id, object: 'chat.completion.chunk' as const, created, model: req.model, system_fingerprint: FINGERPRINT };
    // With `logprobs`: the log probabilities of tokens not yet sent, which go with the next chunk of output.
    let pendingLogprobs: TokenLogprobs[] = [];
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: FinishReason | null = null): ChatCompletionChunk => ({
      ...head,
      choices: [{
        index: 0, delta, finish_reason: finish,
        logprobs: req.params.logprobs !== undefined && (delta.content || delta.tool_calls) ? choiceLogprobs(pendingLogprobs.splice(0)) : null,
      }],
      ...(req.includeUsage ? { usage: null } : {}),
    });
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      let finished = false;
      try {
        yield chunk({ role: 'assistant', content: '' });
        // Tool calls stream as OpenAI streams them: each call's name, then its arguments in pieces.
        const parser = req.tools.length && !req.constraint ? new ToolCallParser(new Set(req.tools.map((t) => t.name))) : null;
        const pieces = function* (p: ParsedPiece) {
          if (p.content) yield chunk({ content: p.content });
          for (const d of p.calls) yield chunk({ tool_calls: [openAiToolCallDelta(d)] });
        };
        if (!req.constraint) {
          for await (const t of handle.tokens) {
            if (t.logprobs) pendingLogprobs.push(...t.logprobs);
            if (!t.text) continue;
            if (parser) yield* pieces(parser.push(t.text));
            else yield chunk({ content: t.text });
          }
        }
        const r = await ended(handle, combined);
        let calls: ToolCall[] = [];
        if (parser) {
          yield* pieces(parser.end());
          calls = parser.calls;
          if (r.stopReason !== 'length') await validateToolCalls(calls, req.tools);
        } else if (req.constraint) {
          // Validated first, then sent whole: never a partial, unvalidated object or call.
          const checkedReply = await checked(req, r);
          pendingLogprobs = [...(r.logprobs ?? [])];
          calls = checkedReply.calls;
          if (calls.length) {
            for (const [index, c] of calls.entries()) yield chunk({ tool_calls: [openAiToolCallDelta({ index, id: c.id, name: c.name, arguments: c.arguments })] });
          } else {
            yield chunk({ content: r.text });
          }
        }
        finished = true;
        yield chunk({}, finishWith(r, calls));
        // As OpenAI streams it: one more chunk, with no choices, carrying the usage.
        if (req.includeUsage) yield { ...head, choices: [], usage: usageOf(r) };
      } finally {
        // A consumer that stops iterating early cancels the job.
        if (!finished) handle.cancel();
      }
    }
    const it = chunks();
    return { controller, [Symbol.asyncIterator]: () => it };
  }

  function create(params: ChatCompletionCreateParams, options: RequestOptions = {}): Promise<ChatCompletion | ChatCompletionStream> {
    if (closed) return Promise.reject(aborted(undefined));
    let req: ParsedChatRequest;
    try {
      req = parseChatRequest(params);
    } catch (e) {
      return Promise.reject(e);
    }
    const signals = [params.signal, options.signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return req.stream ? stream(req, signal) : complete(req, signal, options.onFirstToken);
  }

  async function list(): Promise<ModelList & AsyncIterable<Model>> {
    const allowed = kernel.ps().find((p) => p.pid === session.pid)?.quota.allowedModels;
    const data: Model[] = kernel.registeredModels()
      .filter((m) => !allowed || allowed.includes(m.id))
      .map((m): Model => {
        const inputs = registrationInputs(m);
        return { id: m.id, object: 'model', created: m.registeredAt, owned_by: `llmos-${m.engine}`, ...(inputs ? { input_modalities: inputs } : {}) };
      });
    return { object: 'list', data, [Symbol.asyncIterator]: async function* () { yield* data; } };
  }

  return {
    appId: options.appId,
    pid: session.pid,
    kernel,
    chat: { completions: { create: create as LlmOsClient['chat']['completions']['create'] } },
    models: { list },
    close() {
      if (closed) return;
      closed = true;
      session.close();
    },
  };
}
