/**
 * Messages between the service worker's `/v1` relay and a page that serves it with its kernel. Types
 * only (plus the message names): the SW sends `hello` or `request` to a window client with a
 * MessagePort; the page answers on that port.
 *
 *   SW → page   {type: 'llmos-v1-hello'}                  port ← {kind: 'ready'}
 *   SW → page   {type: 'llmos-v1-request', request}       port ← head, chunk…, end or error (and alive beats)
 *   SW → page (on the port)  {kind: 'cancel'}             the HTTP caller went away (seen by Chromium only
 *                                                         once the head is out: a cancelled body)
 */
import type { V1Request } from './v1-handler';

/** "Do you serve the endpoint?" (answered `ready` on the port by serving pages only). */
export const HELLO = 'llmos-v1-hello';
/** One HTTP request to serve. */
export const REQUEST = 'llmos-v1-request';

/** Sent by the SW to a window client (with one transferred port). */
export type RelayMessage = { type: typeof HELLO } | { type: typeof REQUEST; request: V1Request };

/** Sent by the page on the port. */
export type ServeMessage =
  | { kind: 'ready' }
  | { kind: 'head'; status: number; headers: Record<string, string> }
  | { kind: 'chunk'; text: string }
  | { kind: 'end' }
  /** The answer failed after its head: the body ends with an error (before a head: a 500). */
  | { kind: 'error'; message: string }
  /** Still working (a non-streaming completion can take a while before its head). */
  | { kind: 'alive' };

/** Sent by the SW on the port. */
export type RelayControl = { kind: 'cancel' };

/** How often a serving page says it is still working, ms. */
export const ALIVE_INTERVAL_MS = 2_000;
/** Silence after which the SW gives up on a page (it was closed or crashed), ms. */
export const SILENCE_LIMIT_MS = 10_000;
/** How long the SW waits for pages to answer `hello`, ms. */
export const HELLO_TIMEOUT_MS = 1_500;
