/**
 * `RemoteEngine`: a model served by OpenAI-compatible servers the user added (vLLM, Ollama, llama.cpp's
 * `llama-server`), run like any other engine: in an engine worker (so a slow or hostile server never
 * blocks the page), scheduled by the kernel in a slot of its own with no memory cost.
 *
 * - **Routing.** A model may be served by several servers (`ModelSource.endpoints`); each request goes to
 *   one the job may use (`GenerateRequest.servers`: the grants of its app) that is healthy, with the fewest
 *   requests in flight relative to its concurrency limit. A server that fails (network error, 5xx, a
 *   stream that breaks) is drained for a back-off (2 s doubling to 60 s) and checked with `GET /models`
 *   before it gets work again.
 * - **Errors.** 401/403 → `PermissionError`; 429 → wait its `Retry-After` (at most `MAX_RETRY_AFTER_MS`;
 *   another healthy server is used at once if there is one), then `RateLimitedError`; 5xx and network
 *   failures before the first token → the next server, or the same after a back-off, at most
 *   `MAX_ATTEMPTS` tries (nothing was generated yet: a retry duplicates nothing); other 4xx and errors the
 *   server reports in its stream → `RemoteRequestError`. After the first token a request is never sent
 *   again from the start: a broken stream continues on another healthy server from the text delivered
 *   (the partial reply prefilled as an assistant turn, as a preempted job resumes), or fails with
 *   `RemoteUnavailableError` (`details.tokensDelivered`) so the caller can resume it elsewhere.
 * - **The key** (`RemoteEndpoint.apiKey`) is sent as `Authorization: Bearer …` to its own server only.
 * - **Tool calls** come back from the server as `tool_calls`; they are reported as the Hermes text
 *   (`<tool_call>{"name": …, "arguments": …}</tool_call>`) every API surface already parses, so tools work
 *   as on the local engines.
 */
import {
  AbortError, InvalidRequestError, LlmOsError, PermissionError, RateLimitedError, RemoteRequestError, RemoteUnavailableError,
  UnsupportedModelError,
} from '../../errors';
import {
  makeUsage,
  type ChatMessage, type Engine, type EngineCapabilities, type GenerateRequest, type GenerateResult, type LoadOptions,
  type LoadProgress, type ModelInfo, type ModelSource, type StopReason, type TokenEvent,
} from '../../protocol/engine';
import type { RemoteEndpoint } from '../../protocol/remote';
import { validateRequest } from '../../protocol/validate-request';
import { readChatStream, type ChatStreamChunk } from './openai-stream';

/** Tries of one request before its first token (servers in turn, or one server after back-offs). */
export const MAX_ATTEMPTS = 3;
/** Longest `Retry-After` honoured by waiting; a longer one fails at once with `RateLimitedError`. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** Time allowed for the response headers of a request (a generation's own pace is the kernel's watchdogs'). */
const HEADERS_TIMEOUT_MS = 30_000;
const HEALTH_TIMEOUT_MS = 5_000;
/** The most a `/models` answer may weigh. */
const MAX_MODELS_BODY = 4 * 1024 * 1024;
const BACKOFF_MS = [2_000, 4_000, 8_000, 16_000, 32_000, 60_000];
/** Added to a wait for a drained server (see `generate`). */
const WAKE_MARGIN_MS = 10;
const DEFAULT_CONTEXT = 32_768;

/** One server as this engine tracks it. */
interface Server {
  ep: RemoteEndpoint;
  inFlight: number;
  /** Drained until then (kernel clock of this worker, ms); 0: healthy. */
  downUntil: number;
  failures: number;
  latencyMs: number | null;
}

const now = () => performance.now();

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After`: seconds, or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  // An HTTP date names its day and month; `Date.parse` would also read '-4' as a year.
  if (!/[a-z]{3}/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

function headersOf(ep: RemoteEndpoint, json: boolean): Record<string, string> {
  return {
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    Accept: json ? 'text/event-stream, application/json' : 'application/json',
    ...(ep.apiKey ? { Authorization: `Bearer ${ep.apiKey}` } : {}),
  };
}

/**
 * A response body as text, reading at most `max` bytes (a server's body is untrusted: a huge one is not
 * held in memory); null when it is longer.
 */
export async function boundedText(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) { await reader.cancel().catch(() => undefined); return null; }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.byteLength; }
  return new TextDecoder().decode(all);
}

/** What a server said in an error body (bounded). */
async function errorText(res: Response): Promise<string> {
  try {
    const text = ((await boundedText(res, 64 * 1024)) ?? '').slice(0, 4000);
    try {
      const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
      const m = typeof j.error === 'string' ? j.error : j.error?.message ?? j.message;
      if (typeof m === 'string') return m.slice(0, 2000);
    } catch { /* not JSON */ }
    return text.slice(0, 2000);
  } catch {
    return '';
  }
}

/** Our messages → OpenAI's. Images go as `image_url` parts before the text, as the local engines see them. */
export function openAiMessages(messages: ChatMessage[]): Record<string, unknown>[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', content: m.content, ...(m.toolCallId ? { tool_call_id: m.toolCallId } : {}), ...(m.name ? { name: m.name } : {}) };
    const content = m.images?.length
      ? [...m.images.map((url) => ({ type: 'image_url', image_url: { url } })), { type: 'text', text: m.content }]
      : m.content;
    return {
      role: m.role, content,
      ...(m.toolCalls?.length ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
    };
  });
}

/** The OpenAI request body of one run (`extraTokens`: a replay's regenerated tokens, on top of `maxTokens`). */
export function requestBody(r: GenerateRequest, model: string): { path: string; body: Record<string, unknown> } {
  const maxTokens = r.maxTokens !== undefined ? r.maxTokens + (r.replayTokens ?? 0) : undefined;
  const sampling: Record<string, unknown> = {
    model, stream: true, stream_options: { include_usage: true },
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    ...(r.topP !== undefined ? { top_p: r.topP } : {}),
    ...(r.topK !== undefined ? { top_k: r.topK } : {}),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.stop?.length ? { stop: r.stop } : {}),
    ...(r.presencePenalty !== undefined ? { presence_penalty: r.presencePenalty } : {}),
    ...(r.frequencyPenalty !== undefined ? { frequency_penalty: r.frequencyPenalty } : {}),
    ...(r.logitBias && Object.keys(r.logitBias).length ? { logit_bias: r.logitBias } : {}),
    ...(r.ignoreEos ? { ignore_eos: true } : {}),
    // llama-server takes a GBNF grammar as is (vLLM and Ollama ignore it; the output is checked after).
    ...(r.grammar !== undefined ? { grammar: r.grammar } : {}),
    ...(r.jsonSchema !== undefined
      ? { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: r.jsonSchema, strict: true } } }
      : r.jsonMode ? { response_format: { type: 'json_object' } } : {}),
  };
  const resumeText = r.resume?.text ?? '';
  if (r.prompt !== undefined) return { path: '/completions', body: { ...sampling, prompt: r.prompt + resumeText } };
  const messages = openAiMessages(r.messages!);
  const tools = r.tools?.length ? {
    tools: r.tools.map((t) => ({ type: 'function', function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters ?? { type: 'object', properties: {} } } })),
    tool_choice: r.toolChoice === undefined || r.toolChoice === 'auto' ? 'auto' : r.toolChoice === 'required' ? 'required' : { type: 'function', function: { name: r.toolChoice.name } },
    ...(r.parallelToolCalls === false ? { parallel_tool_calls: false } : {}),
  } : {};
  if (!resumeText) return { path: '/chat/completions', body: { ...sampling, messages, ...tools } };
  // Continue the partial reply: llama-server and Ollama continue a final assistant message; vLLM needs
  // `continue_final_message` (and no generation prompt).
  return {
    path: '/chat/completions',
    body: { ...sampling, ...tools, messages: [...messages, { role: 'assistant', content: resumeText }], continue_final_message: true, add_generation_prompt: false },
  };
}

/** Renders a streamed tool call as the Hermes text every API surface parses (`constraints/tool-calls.ts`). */
class ToolCallText {
  private readonly calls = new Map<number, { name: string; args: string; open: boolean }>();
  private current: number | null = null;

  /** Text for this chunk's tool-call fragments. */
  push(chunk: ChatStreamChunk): string {
    let out = '';
    for (const d of chunk.toolCalls) {
      let call = this.calls.get(d.index);
      if (!call) {
        out += this.closeCurrent();
        call = { name: d.name ?? '', args: '', open: false };
        this.calls.set(d.index, call);
        this.current = d.index;
      } else if (d.name && !call.open) {
        call.name += d.name;
      }
      if (d.arguments !== undefined && d.arguments !== '') {
        if (!call.open) {
          out += `${this.calls.size > 1 ? '\n' : ''}<tool_call>\n{"name": ${JSON.stringify(call.name)}, "arguments": `;
          call.open = true;
        }
        call.args += d.arguments;
        out += d.arguments;
      }
    }
    return out;
  }

  /** Closing text of the last call (at the end of the stream). */
  end(): string {
    return this.closeCurrent();
  }

  private closeCurrent(): string {
    if (this.current === null) return '';
    const call = this.calls.get(this.current)!;
    this.current = null;
    if (!call.open) {
      // A call with no argument fragments at all: `{}`.
      return `${this.calls.size > 1 ? '\n' : ''}<tool_call>\n{"name": ${JSON.stringify(call.name)}, "arguments": {}}\n</tool_call>`;
    }
    return '}\n</tool_call>';
  }
}

export class RemoteEngine implements Engine {
  readonly kind = 'remote' as const;
  private servers: Server[] = [];
  private modelId: string | null = null;

  async load(source: ModelSource, _options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    if (source.kind !== 'remote') throw new UnsupportedModelError('The remote engine runs models of remote servers only', { id: source.id });
    if (!Array.isArray(source.endpoints) || source.endpoints.length === 0) {
      throw new InvalidRequestError('A remote model needs at least one server', { id: source.id });
    }
    onProgress?.({ phase: 'load', loaded: 0, total: source.endpoints.length, fraction: 0 });
    const servers: Server[] = source.endpoints.map((ep) => ({ ep, inFlight: 0, downUntil: 0, failures: 0, latencyMs: null }));
    // Ask every server for its models: the health check of each, and what a probe reports.
    const checks = await Promise.all(servers.map(async (s) => {
      try {
        return { s, models: await this.listModels(s), error: null };
      } catch (e) {
        s.downUntil = now() + BACKOFF_MS[0]!;
        s.failures = 1;
        return { s, models: [] as string[], error: e as LlmOsError };
      }
    }));
    const probe = source.endpoints.every((e) => e.model === '');
    const ok = checks.filter((c) => c.error === null && (probe || c.models.includes(c.s.ep.model)));
    if (ok.length === 0) {
      const first = checks.find((c) => c.error)?.error;
      if (first) throw first;
      const ep = source.endpoints[0]!;
      throw new RemoteRequestError(`${ep.name} does not serve ${ep.model}`, { serverId: ep.serverId, name: ep.name, model: ep.model, status: 404 });
    }
    this.servers = servers;
    this.modelId = source.id;
    onProgress?.({ phase: 'init', loaded: servers.length, total: servers.length, fraction: 1 });
    const models = [...new Set(checks.flatMap((c) => c.models))];
    const latency = ok.map((c) => c.s.latencyMs ?? 0);
    return {
      id: source.id, engine: 'remote', contextLength: DEFAULT_CONTEXT, inputs: ['text', 'image'], weightBytes: 0, kvBytes: 0,
      metadata: {
        models: JSON.stringify(models), latencyMs: String(Math.round(Math.min(...latency))),
        servers: JSON.stringify(checks.map((c) => ({ serverId: c.s.ep.serverId, name: c.s.ep.name, ok: c.error === null, latencyMs: c.s.latencyMs }))),
      },
    };
  }

  /** `GET /models`: the server's model ids; records its latency. */
  private async listModels(s: Server): Promise<string[]> {
    const t0 = now();
    const res = await this.fetchWithTimeout(s, `${s.ep.baseUrl}/models`, { headers: headersOf(s.ep, false) }, HEALTH_TIMEOUT_MS);
    if (!res.ok) throw await this.httpError(s, res, 0);
    let body: unknown;
    try {
      const text = await boundedText(res, MAX_MODELS_BODY);
      if (text === null) throw new Error('too large');
      body = JSON.parse(text);
    } catch {
      throw new RemoteRequestError(`${s.ep.name} answered /models with something that is not a model list`, { serverId: s.ep.serverId, name: s.ep.name, status: res.status });
    }
    s.latencyMs = Math.round(now() - t0);
    const data = (body as { data?: unknown; models?: unknown })?.data ?? (body as { models?: unknown })?.models;
    if (!Array.isArray(data)) {
      throw new RemoteRequestError(`${s.ep.name} answered /models without a data list`, { serverId: s.ep.serverId, name: s.ep.name, status: res.status });
    }
    return data.map((m) => (typeof m === 'string' ? m : String((m as { id?: unknown; model?: unknown; name?: unknown })?.id ?? (m as { model?: unknown }).model ?? (m as { name?: unknown }).name ?? '')))
      .filter((id) => id !== '' && id.length <= 256).slice(0, 1024);
  }

  private async fetchWithTimeout(s: Server, url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctrl.abort(new RemoteUnavailableError(`${s.ep.name} did not answer within ${timeoutMs} ms`, {
      serverId: s.ep.serverId, name: s.ep.name, status: 0, timeoutMs,
    })), timeoutMs);
    try {
      return await fetch(url, { ...init, signal: ctrl.signal, credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' });
    } catch (e) {
      if (signal?.aborted) throw new AbortError('The request was aborted', {});
      if (ctrl.signal.reason instanceof LlmOsError) throw ctrl.signal.reason;
      throw new RemoteUnavailableError(`${s.ep.name} cannot be reached (${e instanceof Error ? e.message : String(e)})`, {
        serverId: s.ep.serverId, name: s.ep.name, status: 0, url: s.ep.baseUrl,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The typed error of an HTTP error status. */
  private async httpError(s: Server, res: Response, tokensDelivered: number): Promise<LlmOsError> {
    const d = { serverId: s.ep.serverId, name: s.ep.name, status: res.status };
    const said = await errorText(res);
    if (res.status === 401 || res.status === 403) {
      return new PermissionError(`${s.ep.name} refused the request (${res.status}): check its API key`, { ...d, reason: 'server-refused', serverMessage: said });
    }
    if (res.status === 429) {
      return new RateLimitedError(`${s.ep.name} is rate limiting requests`, { ...d, retryAfterMs: retryAfterMs(res.headers.get('Retry-After')), serverMessage: said });
    }
    if (res.status >= 500) return new RemoteUnavailableError(`${s.ep.name} failed (${res.status}): ${said}`, { ...d, serverMessage: said, tokensDelivered });
    return new RemoteRequestError(`${s.ep.name} refused the request (${res.status}): ${said}`, { ...d, serverMessage: said });
  }

  /** The healthy server with the most room, among those allowed; re-checks one whose back-off ran out. */
  private async pick(allowed: Server[], exclude: Set<Server>): Promise<Server | null> {
    const t = now();
    const ready = allowed.filter((s) => !exclude.has(s) && s.downUntil <= t);
    for (const s of ready.filter((x) => x.downUntil > 0)) {
      try {
        await this.listModels(s);
        s.downUntil = 0;
        s.failures = 0;
      } catch {
        this.markDown(s);
      }
    }
    const up = ready.filter((s) => s.downUntil === 0);
    up.sort((a, b) => a.inFlight / a.ep.maxConcurrent - b.inFlight / b.ep.maxConcurrent || a.inFlight - b.inFlight);
    return up[0] ?? null;
  }

  private markDown(s: Server): void {
    s.downUntil = now() + BACKOFF_MS[Math.min(s.failures, BACKOFF_MS.length - 1)]!;
    s.failures++;
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    if (!this.modelId) throw new InvalidRequestError('No remote model is loaded', {});
    validateRequest(request);
    if (request.logprobs !== undefined) {
      throw new InvalidRequestError('Log probabilities are not available from remote servers', { field: 'logprobs', engine: 'remote' });
    }
    if (request.regexp !== undefined) {
      throw new InvalidRequestError('RegExp constraints are not available on remote servers: use a JSON schema', { field: 'regexp', engine: 'remote' });
    }
    const granted = new Set(request.servers ?? []);
    const allowed = this.servers.filter((s) => granted.has(s.ep.serverId));
    if (allowed.length === 0) {
      throw new PermissionError('This job may not be sent to any of the servers that serve this model', { model: this.modelId, reason: 'server-not-granted' });
    }
    signal?.throwIfAborted();
    const t0 = now();
    let tFirst: number | null = null;
    let text = '';
    let index = 0;
    let promptTokens = 0;
    let cachedTokens: number | undefined;
    /** Completion tokens the servers reported, summed over runs; null once a run did not report them. */
    let reported: number | null = 0;
    let stopReason: StopReason = 'stop';
    let servedBy: Server | null = null;
    const tried = new Set<Server>();
    const tools = new ToolCallText();
    const emit = (piece: string) => {
      if (!piece) return;
      if (tFirst === null) tFirst = now();
      text += piece;
      onToken({ text: piece, index: index++ });
    };
    /** Requests sent (at most `MAX_ATTEMPTS`), and waits for a server to come back (as many at most). */
    let attempts = 0;
    let waits = 0;
    let lastError: LlmOsError | null = null;
    for (;;) {
      if (signal?.aborted) { stopReason = 'abort'; break; }
      const delivered = index;
      // After the first token: continue from the delivered text, never from the start (no duplicate).
      const run: GenerateRequest = delivered === 0 ? request : {
        ...request,
        resume: { text: (request.resume?.text ?? '') + text, tokens: (request.resume?.tokens ?? 0) + delivered },
        ...(request.maxTokens !== undefined ? { maxTokens: Math.max(1, request.maxTokens + (request.replayTokens ?? 0) - delivered) } : {}),
        replayTokens: 0,
      };
      if (delivered > 0 && (resumeBlocked(request))) {
        throw new RemoteUnavailableError(`${servedBy?.ep.name ?? 'The server'} stopped mid-reply`, {
          serverId: servedBy?.ep.serverId, name: servedBy?.ep.name, status: 0, tokensDelivered: delivered, cause: lastError?.code,
        });
      }
      const server = await this.pick(allowed, delivered > 0 ? tried : new Set());
      if (!server) {
        if (delivered > 0 || attempts >= MAX_ATTEMPTS || waits >= MAX_ATTEMPTS) {
          throw lastError instanceof RemoteUnavailableError || delivered > 0
            ? new RemoteUnavailableError(lastError?.message ?? 'No server can take the request', {
              ...(lastError?.details ?? {}), tokensDelivered: delivered,
            })
            : lastError ?? new RemoteUnavailableError('No server can take the request', { tokensDelivered: 0 });
        }
        // Every allowed server is backing off: wait for the first to come back (a few short waits at most).
        // Wake a little after its back-off ends: a timer may fire a millisecond early, which would spend a
        // wait for nothing.
        const wait = Math.max(0, Math.min(...allowed.map((s) => s.downUntil)) - now());
        await sleep(Math.min(wait, BACKOFF_MS[0]!) + WAKE_MARGIN_MS, signal).catch(() => undefined);
        waits++;
        continue;
      }
      attempts++;
      tried.add(server);
      servedBy = server;
      server.inFlight++;
      try {
        const { path, body } = requestBody(run, server.ep.model);
        const res = await this.fetchWithTimeout(server, `${server.ep.baseUrl}${path}`, {
          method: 'POST', headers: headersOf(server.ep, true), body: JSON.stringify(body),
        }, HEADERS_TIMEOUT_MS, signal);
        if (!res.ok) {
          const err = await this.httpError(server, res, delivered);
          if (err instanceof RateLimitedError) {
            const after = (err.details.retryAfterMs as number | null) ?? 1_000;
            if (after > MAX_RETRY_AFTER_MS || attempts >= MAX_ATTEMPTS) throw err;
            // Another server can take it now; else wait as the server asked.
            const other = allowed.some((s) => s !== server && s.downUntil <= now());
            if (!other) await sleep(after, signal);
            else server.downUntil = now() + after;
            continue;
          }
          if (err instanceof RemoteUnavailableError) {
            this.markDown(server);
            lastError = err;
            continue;
          }
          throw err;
        }
        if (!res.body) throw new RemoteRequestError(`${server.ep.name} sent an empty response`, { serverId: server.ep.serverId, status: res.status });
        let finished = false;
        let runReported: number | null = null;
        try {
          for await (const chunk of readChatStream(res.body, signal)) {
            if (chunk.usage) {
              runReported = chunk.usage.completionTokens;
              // The first run's prompt counts; a continuation's prompt includes the delivered text.
              if (delivered === 0) {
                promptTokens = chunk.usage.promptTokens;
                cachedTokens = chunk.usage.cachedTokens;
              }
            }
            emit(chunk.content);
            emit(tools.push(chunk));
            if (chunk.finishReason) {
              stopReason = chunk.finishReason === 'length' ? 'length' : 'stop';
              finished = true;
            }
          }
        } catch (e) {
          if (signal?.aborted || e instanceof AbortError) { stopReason = 'abort'; break; }
          if (e instanceof RemoteUnavailableError) {
            this.markDown(server);
            lastError = e;
            continue;
          }
          throw e;
        }
        if (signal?.aborted) { stopReason = 'abort'; break; }
        if (!finished) {
          // The body ended without a finish reason: the server went away mid-reply.
          this.markDown(server);
          lastError = new RemoteUnavailableError(`${server.ep.name} closed the stream before the reply ended`, {
            serverId: server.ep.serverId, name: server.ep.name, status: 0, tokensDelivered: index,
          });
          continue;
        }
        server.failures = 0;
        reported = reported !== null && runReported !== null ? reported + runReported : null;
        break;
      } catch (e) {
        if (signal?.aborted) { stopReason = 'abort'; break; }
        throw e;
      } finally {
        server.inFlight--;
      }
    }
    if (stopReason !== 'abort') emit(tools.end());
    const tEnd = now();
    // Tokens as the servers counted them where each run said (a tool call's text is not one token a piece).
    const usage = makeUsage(t0, tFirst, tEnd, promptTokens, reported !== null && stopReason !== 'abort' && tried.size === 1 ? reported : index, cachedTokens);
    return {
      text, stopReason, usage,
      ...(servedBy ? { computedOn: { kind: 'server' as const, serverId: servedBy.ep.serverId, name: servedBy.ep.name } } : {}),
    };
  }

  async unload(): Promise<void> {
    this.servers = [];
    this.modelId = null;
  }

  capabilities(): EngineCapabilities {
    return {
      engine: 'remote', backend: 'none', f16: false, threads: 0, multithread: false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  }

  loadedModel(): string | null {
    return this.modelId;
  }
}

/** Constrained output (grammar, schema, tools) cannot continue mid-reply: its grammar starts at the first token. */
function resumeBlocked(r: GenerateRequest): boolean {
  return r.grammar !== undefined || r.jsonSchema !== undefined || r.jsonMode === true || (r.tools?.length ?? 0) > 0;
}
