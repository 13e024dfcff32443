/**
 * The service-worker side of the `/v1` endpoint: it answers `fetch`es of `<scope>v1/…` by relaying them
 * to a window of this origin that serves its kernel (`serveKernelToServiceWorker`), over a
 * MessageChannel, and streams the answer back as the HTTP response (SSE passes through untouched).
 * The page that made the request is asked first, then every other window.
 *
 * Answered here without a page: 403/415 for requests the door refuses (navigations, form posts, other
 * origins, bodies not sent as `application/json`: see `v1-door.ts`) — nothing is sent to a page for
 * them —, 400 for a body that is not a JSON object, 503 when no page answers (none open, none serving)
 * or a serving page goes silent (closed mid-request). The HTTP caller going away (aborted fetch,
 * cancelled body) cancels the job on the page: through `request.signal` where the browser aborts it,
 * and as a cancelled response body (Chromium aborts no FetchEvent's `request.signal`, measured in
 * Chromium 156: it is seen only once the head is out, which is why the page sends the head of a
 * non-streaming answer at its first token, see `v1-handler.ts`). Every answer carries the app's
 * security headers.
 */
/// <reference lib="webworker" />
import {
  HELLO, HELLO_TIMEOUT_MS, REQUEST, SILENCE_LIMIT_MS, type RelayControl, type RelayMessage, type ServeMessage,
} from './sw-protocol';
import { securityHeaders } from './security-headers';
import { checkV1Door } from './v1-door';
import type { V1Request } from './v1-handler';

/** Headers of every `/v1` answer: the page's own, then the app's security headers. */
const headersOf = (own: Record<string, string>) => ({ ...own, ...securityHeaders('/v1') });

const json = (status: number, type: string, code: string, message: string) =>
  new Response(JSON.stringify({ error: { message, type, param: null, code } }), { status, headers: headersOf({ 'Content-Type': 'application/json' }) });

/** Whether a request is for the endpoint (`<scope>v1` or below). */
export function isV1Request(request: Request, scope: string): boolean {
  const url = new URL(request.url);
  const base = new URL(scope);
  return url.origin === base.origin && (url.pathname === `${base.pathname}v1` || url.pathname.startsWith(`${base.pathname}v1/`));
}

/** Ask one window whether it serves; resolves true on `ready`, false on silence. */
function hello(client: Client): Promise<boolean> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => { port1.close(); resolve(false); }, HELLO_TIMEOUT_MS);
    port1.onmessage = (ev: MessageEvent<ServeMessage>) => {
      clearTimeout(timer);
      port1.close();
      resolve(ev.data?.kind === 'ready');
    };
    client.postMessage({ type: HELLO } satisfies RelayMessage, [port2]);
  });
}

/** The first window that says it serves (the requesting one is asked first); null when none does. */
async function findServer(sw: ServiceWorkerGlobalScope, requester: string): Promise<Client | null> {
  const windows = [...await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })];
  windows.sort((a, b) => Number(b.id === requester) - Number(a.id === requester));
  // Pages that do not serve never answer: take the first yes rather than waiting on them in order.
  return new Promise((resolve) => {
    let pending = windows.length;
    if (pending === 0) resolve(null);
    for (const w of windows) {
      void hello(w).then((ok) => {
        if (ok) resolve(w);
        if (--pending === 0) resolve(null);
      });
    }
  });
}

/** Relay one request to `client` and turn its answer into a Response. */
function relay(client: Client, request: V1Request, signal: AbortSignal): Promise<Response> {
  const { port1, port2 } = new MessageChannel();
  const cancel = () => { try { port1.postMessage({ kind: 'cancel' } satisfies RelayControl); } catch { /* closed */ } };
  return new Promise<Response>((resolve) => {
    let body: ReadableStreamDefaultController<Uint8Array> | null = null;
    let settled = false;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const encoder = new TextEncoder();
    const finish = () => { clearTimeout(silence); port1.close(); signal.removeEventListener('abort', onAbort); };
    const fail = () => {
      // The page went away: before the head it is a 503; after it, the body ends with an error.
      if (!settled) { settled = true; resolve(json(503, 'server_error', 'page_gone', 'The LLM OS page serving this request stopped answering')); }
      else body?.error(new Error('The LLM OS page serving this request stopped answering'));
      finish();
    };
    const heard = () => { clearTimeout(silence); silence = setTimeout(fail, SILENCE_LIMIT_MS); };
    const onAbort = () => {
      cancel();
      finish();
      // Nobody reads this answer any more, but the fetch event must settle (499: client closed request).
      if (!settled) { settled = true; resolve(new Response(null, { status: 499 })); }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    heard();
    port1.onmessage = (ev: MessageEvent<ServeMessage>) => {
      heard();
      const m = ev.data;
      if (m.kind === 'head' && !settled) {
        settled = true;
        const stream = new ReadableStream<Uint8Array>({
          start: (c) => { body = c; },
          cancel: () => { cancel(); finish(); },
        });
        resolve(new Response(stream, { status: m.status, headers: headersOf(m.headers) }));
      } else if (m.kind === 'chunk') {
        try { body?.enqueue(encoder.encode(m.text)); } catch { /* the caller cancelled */ }
      } else if (m.kind === 'end') {
        try { body?.close(); } catch { /* cancelled */ }
        finish();
      } else if (m.kind === 'error') {
        if (!settled) { settled = true; resolve(json(500, 'server_error', 'generation_failed', m.message)); }
        else body?.error(new Error(m.message));
        finish();
      }
    };
    client.postMessage({ type: REQUEST, request } satisfies RelayMessage, [port2]);
  });
}

/** Answer a `/v1` fetch (call from the SW's `fetch` listener through `event.respondWith`). */
export async function handleV1Fetch(event: FetchEvent, sw: ServiceWorkerGlobalScope): Promise<Response> {
  const req = event.request;
  const url = new URL(req.url);
  const scopePath = new URL(sw.registration.scope).pathname;
  const path = `/${url.pathname.slice(scopePath.length)}`;
  const refused = checkV1Door(req, sw.location.origin);
  if (refused) return json(refused.status, refused.type, refused.code, refused.message);
  let body: string | null = null;
  if (req.method === 'POST') {
    body = await req.text();
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    } catch {
      return json(400, 'invalid_request_error', 'invalid_json', 'The request body must be a JSON object');
    }
  }
  const server = await findServer(sw, event.clientId || event.resultingClientId);
  if (!server) return json(503, 'server_error', 'no_kernel', 'No open LLM OS page is serving its kernel; open the app and try again');
  return relay(server, { method: req.method, path, body }, req.signal);
}
