/**
 * The body of a streamed OpenAI `POST /v1/chat/completions` (`stream: true`), parsed into normalised
 * chunks: what the remote engine reads from vLLM, Ollama, llama.cpp's `llama-server` or any other
 * OpenAI-compatible server. Runs in the engine worker and in Node (no DOM).
 *
 * The body is untrusted input from a server the user typed in, so it is parsed with limits (one event at
 * most 1 MiB, the whole stream at most 64 MiB) and every way it can be wrong is a typed error: an error the
 * server reports inside the stream (`data: {"error": …}` as vLLM and current llama-server send it,
 * `event: error`, or the non-standard `error: {…}` line of llama-server builds of 2025) and malformed
 * JSON are `RemoteRequestError` with `details.serverMessage`; a connection that breaks mid-body is
 * `RemoteUnavailableError` (`details.status` 0); an abort is `AbortError`. The quirks of real servers it
 * accepts are transcribed in `sse-quirks/` and tested in `openai-stream.unit.test.ts`.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AbortError, LlmOsError, RemoteRequestError, RemoteUnavailableError } from '../../errors';

/** One tool call's fragment (`delta.tool_calls[i]`): `arguments` are pieces to append, by `index`. */
export interface ChatStreamToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** One chunk of a streamed chat completion, normalised over the servers' dialects. */
export interface ChatStreamChunk {
  /** `choices[0].delta.content`, or `choices[0].text` of a `/completions` stream ('' when absent or null). Reasoning text (`reasoning_content`) is ignored. */
  content: string;
  /** `choices[0].delta.tool_calls`, as sent (their `arguments` are fragments to append). */
  toolCalls: ChatStreamToolCallDelta[];
  /** `choices[0].finish_reason` (`stop`, `length`, `tool_calls`…), null until the last chunk. */
  finishReason: string | null;
  /**
   * From `usage` (`prompt_tokens_details.cached_tokens` as `cachedTokens`), else from llama-server's
   * `timings` (`promptTokens` = `prompt_n` + `cache_n`, `completionTokens` = `predicted_n`,
   * `cachedTokens` = `cache_n`).
   */
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
}

/** Largest single SSE event (its buffered lines), in characters of the decoded text. */
export const MAX_EVENT_CHARS = 1024 * 1024;
/** Largest whole stream, in bytes. */
export const MAX_STREAM_BYTES = 64 * 1024 * 1024;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The words of an error object a server sent (`{message}`, `{error: {message}}`, a string…). */
function serverMessageOf(err: unknown): string {
  if (typeof err === 'string') return clip(err, 2000);
  if (isObject(err)) {
    if (typeof err.message === 'string') return clip(err.message, 2000);
    if (isObject(err.error) || typeof err.error === 'string') return serverMessageOf(err.error);
  }
  return clip(JSON.stringify(err) ?? String(err), 2000);
}

/** A `RemoteRequestError` for an error the server reported in the stream. */
function streamError(err: unknown): RemoteRequestError {
  const serverMessage = serverMessageOf(err);
  const inner = isObject(err) && isObject(err.error) ? err.error : err;
  const code = isObject(inner) ? (inner.code ?? inner.status) : undefined;
  const status = typeof code === 'number' ? code : 200;
  return new RemoteRequestError(`The server reported an error in its stream: ${serverMessage}`, {
    status,
    serverMessage,
    ...(isObject(inner) && typeof inner.type === 'string' ? { type: inner.type } : {}),
  });
}

/** Usage from `usage` (OpenAI, vLLM, Ollama, llama-server) or llama-server's `timings`. */
function usageOf(obj: Json): ChatStreamChunk['usage'] {
  const u = obj.usage;
  if (isObject(u)) {
    const promptTokens = num(u.prompt_tokens);
    const completionTokens = num(u.completion_tokens);
    if (promptTokens !== undefined || completionTokens !== undefined) {
      const details = u.prompt_tokens_details;
      const cached = isObject(details) ? num(details.cached_tokens) : undefined;
      const timingsCache = isObject(obj.timings) ? num(obj.timings.cache_n) : undefined;
      const cachedTokens = cached ?? timingsCache;
      return { promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0, ...(cachedTokens !== undefined ? { cachedTokens } : {}) };
    }
  }
  const t = obj.timings;
  if (isObject(t) && (num(t.prompt_n) !== undefined || num(t.predicted_n) !== undefined)) {
    const cacheN = num(t.cache_n);
    return {
      promptTokens: (num(t.prompt_n) ?? 0) + (cacheN ?? 0),
      completionTokens: num(t.predicted_n) ?? 0,
      ...(cacheN !== undefined ? { cachedTokens: cacheN } : {}),
    };
  }
  return undefined;
}

function toolCallsOf(delta: Json): ChatStreamToolCallDelta[] {
  const calls = delta.tool_calls;
  if (!Array.isArray(calls)) return [];
  const out: ChatStreamToolCallDelta[] = [];
  calls.forEach((c: unknown, i) => {
    if (!isObject(c)) return;
    const fn = isObject(c.function) ? c.function : {};
    const d: ChatStreamToolCallDelta = { index: num(c.index) ?? i };
    if (typeof c.id === 'string' && c.id !== '') d.id = c.id;
    if (typeof fn.name === 'string' && fn.name !== '') d.name = fn.name;
    if (typeof fn.arguments === 'string') d.arguments = fn.arguments;
    else if (isObject(fn.arguments)) d.arguments = JSON.stringify(fn.arguments); // a server that sends an object
    out.push(d);
  });
  return out;
}

/** One parsed `data:` object → a chunk, or null when it carries nothing (a role-only first chunk). */
function chunkOf(obj: Json): ChatStreamChunk | null {
  if (obj.error !== undefined && obj.error !== null) throw streamError(obj);
  // Old vLLM: a bare error object (`{"object": "error", "message": …}`).
  if (obj.object === 'error') throw streamError(obj);
  const choices = Array.isArray(obj.choices) ? obj.choices : [];
  const choice = (choices.find((c: unknown) => isObject(c) && (c.index === 0 || c.index === undefined)) ?? choices[0]) as unknown;
  let content = '';
  let toolCalls: ChatStreamToolCallDelta[] = [];
  let finishReason: string | null = null;
  if (isObject(choice)) {
    const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : {};
    if (typeof delta.content === 'string') content = delta.content;
    // The legacy `/v1/completions` stream (a raw prompt) carries its text in `choices[0].text`.
    else if (typeof choice.text === 'string') content = choice.text;
    toolCalls = toolCallsOf(delta);
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') finishReason = choice.finish_reason;
  }
  const usage = usageOf(obj);
  if (content === '' && toolCalls.length === 0 && finishReason === null && !usage) return null;
  return { content, toolCalls, finishReason, ...(usage ? { usage } : {}) };
}

/**
 * Counts the body's bytes and stops it past `MAX_STREAM_BYTES`. (Typed for `TextDecoderStream`, whose
 * writable side takes `BufferSource`: a fetch body's chunks are plain `Uint8Array`s over an `ArrayBuffer`.)
 */
function byteLimit(): TransformStream<Uint8Array, BufferSource> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > MAX_STREAM_BYTES) {
        controller.error(new RemoteRequestError(`The server's stream is larger than ${MAX_STREAM_BYTES} bytes`, { status: 200, serverMessage: '', limit: MAX_STREAM_BYTES }));
        return;
      }
      controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
    },
  });
}

/**
 * Text → SSE events (eventsource-parser), in order, with two departures from a plain
 * `EventSourceParserStream`: an event over `MAX_EVENT_CHARS` errors the stream with a `RemoteRequestError`,
 * and llama-server's non-standard `error: {…}` line (builds of 2025; spec parsers drop it silently and the
 * stream looks like it just ended) becomes an `event: error` message where it stood.
 */
function sseEvents(): TransformStream<string, EventSourceMessage> {
  let parser: ReturnType<typeof createParser>;
  let endsWithCr = false;
  const tooLarge = () => new RemoteRequestError(`An event of the server's stream is larger than ${MAX_EVENT_CHARS} characters`, { status: 200, serverMessage: '', limit: MAX_EVENT_CHARS });
  return new TransformStream({
    start(controller) {
      parser = createParser({
        // Bounds what the parser buffers (to the limit plus at most one network chunk)…
        maxBufferSize: MAX_EVENT_CHARS,
        // …and this rejects exactly what is over it.
        onEvent: (event) => {
          if (event.data.length > MAX_EVENT_CHARS) controller.error(tooLarge());
          else controller.enqueue(event);
        },
        onError(error) {
          if (error.type === 'max-buffer-size-exceeded') controller.error(tooLarge()); else if (error.type === 'unknown-field' && error.field === 'error') {
            controller.enqueue({ event: 'error', data: error.value ?? '' });
          }
          // Other unknown fields and bad `retry:` lines are ignored, as the SSE spec says.
        },
      });
    },
    transform(chunk) {
      if (chunk === '') return;
      parser.feed(chunk);
      endsWithCr = chunk.endsWith('\r');
    },
    flush() {
      // A CR the body ended on is a line ending; the parser holds it back, waiting for a possible LF.
      if (endsWithCr) parser.feed('\n');
    },
  });
}

/**
 * Parse a streamed chat completion body into chunks, until `data: [DONE]` or the end of the body (a
 * stream that ends without `[DONE]` just ends). Chunks that carry nothing (role only, keep-alives) are
 * skipped. Throws `RemoteRequestError` (an error reported in the stream, malformed JSON, over a limit),
 * `RemoteUnavailableError` (the connection broke), `AbortError` (`signal`). Stops reading (cancels the
 * body) when the caller stops iterating.
 */
export async function* readChatStream(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<ChatStreamChunk> {
  const events = body.pipeThrough(byteLimit()).pipeThrough(new TextDecoderStream()).pipeThrough(sseEvents());
  const reader = events.getReader();
  const onAbort = () => { void reader.cancel(signal?.reason).catch(() => {}); };
  if (signal?.aborted) {
    await reader.cancel(signal.reason).catch(() => {});
    throw new AbortError('Aborted', {});
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<EventSourceMessage>;
      try {
        next = await reader.read();
      } catch (err) {
        if (signal?.aborted) throw new AbortError('Aborted', {}, { cause: err });
        if (err instanceof LlmOsError) throw err;
        throw new RemoteUnavailableError(`The connection to the server broke mid-stream: ${err instanceof Error ? err.message : String(err)}`, {
          status: 0,
          cause: err instanceof Error ? err.name : typeof err,
        }, { cause: err });
      }
      if (signal?.aborted) throw new AbortError('Aborted', {});
      if (next.done) { finished = true; return; }
      const event = next.value;
      const data = event.data.trim();
      if (event.event === 'error') {
        let parsed: unknown = data;
        try { parsed = JSON.parse(data); } catch { /* keep the text */ }
        throw streamError(parsed);
      }
      if (data === '[DONE]') { finished = true; return; }
      if (data === '') continue; // an empty `data:` frame: nothing to read
      let obj: unknown;
      try {
        obj = JSON.parse(data);
      } catch (err) {
        throw new RemoteRequestError('The server sent malformed JSON in its stream', {
          status: 200,
          serverMessage: clip(data),
        }, { cause: err });
      }
      if (!isObject(obj)) {
        throw new RemoteRequestError('The server sent a stream event that is not a JSON object', { status: 200, serverMessage: clip(data) });
      }
      const chunk = chunkOf(obj);
      if (chunk) yield chunk;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * A non-streamed chat completion (`stream: false`) in the same normalised form: the message's content,
 * its tool calls (whole arguments, as one fragment each), finish reason and usage. The body is read with
 * the same 64 MiB limit. Throws `RemoteRequestError` on an error body or malformed JSON.
 */
export async function readChatJson(res: Response): Promise<ChatStreamChunk> {
  const text = await readLimitedText(res);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new RemoteRequestError('The server sent malformed JSON', { status: res.status, serverMessage: clip(text) }, { cause: err });
  }
  if (!isObject(obj)) throw new RemoteRequestError('The server sent a reply that is not a JSON object', { status: res.status, serverMessage: clip(text) });
  const chunk = chunkOf(obj);
  return chunk ?? { content: '', toolCalls: [], finishReason: null };
}

async function readLimitedText(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.pipeThrough(byteLimit()).pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += value;
  }
}
