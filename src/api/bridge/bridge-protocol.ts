/**
 * Messages of the cross-origin bridge (types and names only). An embedding page talks to an iframe of
 * the LLM OS app:
 *
 *   embedder → frame (window.postMessage, targetOrigin = the app's origin)   {type: HELLO, version}
 *   frame → embedder (targetOrigin = the embedder's origin, checked against the allow-list)
 *       {type: WELCOME, version, appId} + a MessagePort        — or —   {type: REFUSED, error}
 *   then over the port only:  request {id, method, params} · cancel {id, cancel: true}
 *                             reply   {id, result} · {id, error} · stream {id, chunk} … {id, done: true}
 *
 * The port is the capability: it is handed only to an allowed origin, and only through a
 * `postMessage` whose `targetOrigin` is that origin.
 */
import type { SerializedError } from '../../errors';

/** Protocol version. */
export const BRIDGE_VERSION = 1;
/** Embedder → frame: ask for a connection. */
export const BRIDGE_HELLO = 'llmos-bridge-hello';
/** Frame → embedder: connected (a MessagePort is attached). */
export const BRIDGE_WELCOME = 'llmos-bridge-welcome';
/** Frame → embedder: this origin may not use the kernel. */
export const BRIDGE_REFUSED = 'llmos-bridge-refused';

/** A window message of the handshake. */
export type BridgeHandshake =
  | { type: typeof BRIDGE_HELLO; version: number }
  | { type: typeof BRIDGE_WELCOME; version: number; appId: string }
  | { type: typeof BRIDGE_REFUSED; error: SerializedError };

/** Methods callable over the port. */
export type BridgeMethod =
  | 'models.list'
  | 'chat.completions.create'
  | 'conversations.list'
  | 'conversations.get'
  | 'conversations.put'
  | 'conversations.delete'
  | 'graph.export'
  /** The task APIs over the bridge (`createBuiltInAiOverBridge`): model availability, loading, token counts. */
  | 'ai.status'
  | 'ai.prepare'
  | 'ai.measure';

/** Embedder → frame over the port. */
export type BridgeRequest = { id: number; method: BridgeMethod; params?: unknown } | { id: number; cancel: true };

/** Frame → embedder over the port. */
export type BridgeReply =
  | { id: number; result: unknown }
  | { id: number; error: SerializedError }
  | { id: number; chunk: unknown }
  | { id: number; done: true };
