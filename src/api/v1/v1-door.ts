/**
 * The door of the `/v1` endpoint: which requests the service worker relays to a page's kernel at all.
 * Only `fetch()` (or XHR) calls made by pages and workers of the app's own origin get in:
 *
 *   navigations and form submissions (`mode: 'navigate'`), and loads as images, scripts, frames…
 *     (a non-empty `destination`)                                       → 403 `navigation_forbidden`
 *   `Sec-Fetch-Site` present and not `same-origin`, or `Origin` present and not the app's origin
 *                                                                       → 403 `cross_origin_forbidden`
 *   a body (any method but GET/HEAD) not sent as `application/json`   → 415 `unsupported_media_type`
 *
 * Why: a page of another site can submit `<form method=POST enctype=text/plain>` whose body happens to
 * be valid JSON to `/v1/chat/completions`; the navigation goes through this origin's service worker, so
 * without the door the job would run in the user's kernel and the completion would be shown in the
 * attacker's tab. Requests that other sites make with `fetch()` (cors or no-cors) never reach this
 * origin's service worker (they go to the network), so navigations are the one way in; the header
 * checks are defence in depth for browsers that expose `Sec-Fetch-Site`/`Origin` to service workers.
 * Requiring `application/json` makes every legitimate POST one that a cross-site form cannot send.
 *
 * Pure: runs in the service worker and in unit tests.
 */

/** What the door looks at (a `Request` has all of it). */
export interface DoorRequest {
  readonly method: string;
  readonly mode: string;
  readonly destination: string;
  readonly headers: Pick<Headers, 'get'>;
}

/** A refusal, as an OpenAI-shaped error. */
export interface DoorRefusal {
  status: 403 | 415;
  type: 'permission_error' | 'invalid_request_error';
  code: 'navigation_forbidden' | 'cross_origin_forbidden' | 'unsupported_media_type';
  message: string;
}

/** The media type of a Content-Type value, lower-cased, without parameters. */
function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** `null` when the request may go through; otherwise why not. `origin` is the service worker's origin. */
export function checkV1Door(req: DoorRequest, origin: string): DoorRefusal | null {
  if (req.mode === 'navigate' || req.destination !== '') {
    return {
      status: 403, type: 'permission_error', code: 'navigation_forbidden',
      message: `The /v1 endpoint answers fetch() calls from pages of ${origin} only, not navigations, form submissions or ${req.destination || 'document'} loads`,
    };
  }
  const site = req.headers.get('Sec-Fetch-Site');
  const from = req.headers.get('Origin');
  if ((site !== null && site !== 'same-origin') || (from !== null && from !== origin)) {
    return {
      status: 403, type: 'permission_error', code: 'cross_origin_forbidden',
      message: `The /v1 endpoint answers requests from ${origin} only; use the cross-origin bridge (bridge.html) from other origins`,
    };
  }
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && mediaType(req.headers.get('Content-Type')) !== 'application/json') {
    return {
      status: 415, type: 'invalid_request_error', code: 'unsupported_media_type',
      message: 'Send the request body as JSON with the header Content-Type: application/json',
    };
  }
  return null;
}
