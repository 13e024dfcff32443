/**
 * The HTTP semantics of the OpenAI-compatible `/v1` endpoint, on the page that owns the kernel (the
 * service worker only relays bytes, see `sw-relay.ts`):
 *   GET  /v1/models                 → 200 `{object: 'list', data}`
 *   GET  /v1/models/{id}            → 200 model, 404
 *   POST /v1/chat/completions       → 200 JSON, or `text/event-stream` when `stream: true`: one
 *                                     `data: {chunk}` event per chunk, then `data: [DONE]`
 * Failures are OpenAI-style bodies `{error: {message, type, param, code}}` with a status derived from
 * the typed error (400 malformed — a remote or undecodable image included —, 400 `input_unsupported`
 * for an image sent to a text-only model, 403 quota or a model URL on an origin the user did not allow
 * (`v1-models.ts`), 404 unknown model, 503 queue full, 500 otherwise). An error
 * after an event stream started is sent as a final `data: {error}` event (the `openai` client throws it).
 * A non-streaming answer may start (200) at the job's first token, so that an aborted caller cancels the
 * job (see `complete`): an error after that fails the body.
 */
import { toLlmOsError } from '../../errors';
import type { LlmOsClient } from '../openai/openai';
import type { ChatCompletionStream } from '../openai/openai';
import { parseChatRequest } from '../openai/openai-request';
import type { ChatCompletion, ChatCompletionCreateParams } from '../openai/openai-types';
import { v1ModelsOf, type V1Models } from './v1-models';

/** A request as the service worker forwards it. */
export interface V1Request {
  method: string;
  /** Path below the scope, starting with `/v1/` (query string removed). */
  path: string;
  body: string | null;
}

/** Where the response goes (a MessagePort back to the service worker, or a test double). */
export interface V1ResponseSink {
  head(status: number, headers: Record<string, string>): void;
  chunk(text: string): void;
  end(): void;
  /**
   * End a response whose head was sent with an error: its body fails (the caller's read throws). A sink
   * without it (a test double) is ended instead, leaving the body incomplete.
   */
  fail?(message: string): void;
}

/** An OpenAI-style error body. */
export interface V1ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

const STATUS: Record<string, [number, string]> = {
  INVALID_REQUEST: [400, 'invalid_request_error'],
  /** An image for a model that takes none (code `input_unsupported`). */
  INPUT_UNSUPPORTED: [400, 'invalid_request_error'],
  MODEL_TOO_LARGE: [400, 'invalid_request_error'],
  PERMISSION_DENIED: [403, 'permission_error'],
  PROCESS_UNKNOWN: [403, 'permission_error'],
  MODEL_UNKNOWN: [404, 'invalid_request_error'],
  /** The output failed its response_format: not retryable (a retry would only generate again). */
  OUTPUT_INVALID: [422, 'invalid_request_error'],
  QUEUE_FULL: [503, 'server_error'],
  ABORTED: [499, 'request_aborted'],
};

/** Where OpenAI has its own code for the same failure. */
const OPENAI_CODE: Record<string, string> = { MODEL_UNKNOWN: 'model_not_found' };

/** Status and body for any failure. */
export function errorResponse(err: unknown): { status: number; body: V1ErrorBody } {
  const e = toLlmOsError(err);
  const [status, type] = STATUS[e.code] ?? [500, 'server_error'];
  const field = e.details['field'];
  // The kernel's and the engines' refusals of an image do not name the part: the messages are at fault.
  const param = typeof field === 'string' ? field : e.code === 'INPUT_UNSUPPORTED' ? 'messages' : null;
  return { status, body: { error: { message: e.message, type, param, code: OPENAI_CODE[e.code] ?? e.code.toLowerCase() } } };
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** An error response with its own status (the SW uses it for 503 "no page" and 400 "malformed"). */
export function sendError(sink: V1ResponseSink, status: number, type: string, code: string, message: string, param: string | null = null): void {
  sink.head(status, JSON_HEADERS);
  sink.chunk(JSON.stringify({ error: { message, type, param, code } } satisfies V1ErrorBody));
  sink.end();
}

function sendJson(sink: V1ResponseSink, status: number, body: unknown): void {
  sink.head(status, JSON_HEADERS);
  sink.chunk(JSON.stringify(body));
  sink.end();
}

/**
 * A non-streaming completion. Chromium never aborts a service worker's `FetchEvent.request.signal` when
 * the caller aborts its fetch (measured, Chromium 156): a caller who goes away is seen only once the
 * response has started, as a cancelled body. So when nothing but the model's output is left to decide
 * (`early`: no `response_format` or tools, whose validation could still answer 422), the head (200) is
 * sent at the job's first token and the JSON when the job ends; an aborted caller then cancels the job
 * at its first token, or at once if it is already generating. A failure after that head (an engine
 * failure mid-generation, a watchdog) ends the body with an error, which the caller's JSON parse throws.
 */
async function complete(client: LlmOsClient, params: Record<string, unknown>, sink: V1ResponseSink, early: boolean): Promise<void> {
  let committed = false;
  const commit = () => {
    if (committed) return;
    committed = true;
    sink.head(200, JSON_HEADERS);
  };
  try {
    const result = await client.chat.completions.create(params as never, early ? { onFirstToken: commit } : {});
    if (!committed) return sendJson(sink, 200, result as unknown as ChatCompletion);
    sink.chunk(JSON.stringify(result));
    sink.end();
  } catch (e) {
    if (!committed) throw e;
    if (sink.fail) sink.fail(errorResponse(e).body.error.message);
    else sink.end();
  }
}

/**
 * Serve one request with `client` (its process and app id apply to every request it serves).
 * `signal` aborts when the HTTP caller goes away. `models` decides which model URLs callers may name
 * and expires the ones they registered (default: the kernel's policy, with the user's allow-list).
 */
export async function handleV1Request(
  client: LlmOsClient, req: V1Request, sink: V1ResponseSink, signal: AbortSignal, models: V1Models = v1ModelsOf(client.kernel),
): Promise<void> {
  const path = req.path.replace(/\/+$/, '');
  try {
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (req.method !== 'GET') return sendError(sink, 405, 'invalid_request_error', 'method_not_allowed', `Use GET for ${path}`);
      const list = await client.models.list();
      if (path === '/v1/models') return sendJson(sink, 200, { object: 'list', data: list.data });
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = list.data.find((m) => m.id === id);
      return model ? sendJson(sink, 200, model) : sendError(sink, 404, 'invalid_request_error', 'model_not_found', `No model ${id}`, 'model');
    }
    if (path !== '/v1/chat/completions') return sendError(sink, 404, 'invalid_request_error', 'not_found', `No endpoint ${req.method} ${path}`);
    if (req.method !== 'POST') return sendError(sink, 405, 'invalid_request_error', 'method_not_allowed', 'Use POST for /v1/chat/completions');
    let body: unknown;
    try {
      body = JSON.parse(req.body ?? '');
    } catch {
      return sendError(sink, 400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(sink, 400, 'invalid_request_error', 'invalid_request', 'The request body must be a JSON object');
    }
    // `signal` on the wire makes no sense; drop anything not plain data.
    const params = { ...(body as Record<string, unknown>), signal };
    // A malformed request is refused before its model URL is checked, fetched or registered.
    const parsed = parseChatRequest(params as unknown as ChatCompletionCreateParams);
    await models.admit((body as { model?: unknown }).model, signal);
    if (!parsed.stream) return await complete(client, params, sink, !parsed.constraint && parsed.tools.length === 0);
    const result = await client.chat.completions.create(params as never);
    sink.head(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    try {
      for await (const chunk of result as ChatCompletionStream) sink.chunk(`data: ${JSON.stringify(chunk)}\n\n`);
      sink.chunk('data: [DONE]\n\n');
    } catch (e) {
      if (!signal.aborted) sink.chunk(`data: ${JSON.stringify(errorResponse(e).body)}\n\n`);
    }
    sink.end();
  } catch (e) {
    const { status, body } = errorResponse(e);
    sendJson(sink, status, body);
  }
}
