/**
 * The cross-origin bridge, frame side: lets a page of *another* origin use this page's kernel — only if
 * the host allowed that origin. The app is embedded as an iframe (`bridge.html`); the embedding page
 * says hello with `postMessage`, and the frame answers only:
 *  - a message whose `event.source` is its parent window (it must be framed) and whose `event.origin`
 *    is its own origin (same-origin embedding, on by default) or an origin on the allow-list — exact
 *    string match of scheme, host and port; an opaque origin (`"null"`, sandboxed frames, `data:`) never;
 *  - with a `MessagePort`, posted with `targetOrigin` = that origin, so no other origin can receive it.
 * Each connection is one kernel process of the app id the *grant* names (never one the embedder
 * chooses): its quota, its conversations and its knowledge-graph namespace (see `AppData`).
 * Refused origins get a `PermissionError` (code `PERMISSION_DENIED`) and nothing else.
 *
 * GGUF URLs as model references must be on this origin unless the grant says `remoteModels`: the
 * frame would otherwise fetch, with its own origin, whatever URL another site names.
 */
import { InvalidRequestError, PermissionError, toLlmOsError, type SerializedError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { ProcessQuota } from '../../kernel/types';
import { exportJson } from '../../knowledge/interchange';
import { AppData, type AppDataSources } from '../app-data';
import { validateAppId } from '../app-identity';
import {
  BRIDGE_HELLO, BRIDGE_REFUSED, BRIDGE_VERSION, BRIDGE_WELCOME, type BridgeHandshake, type BridgeMethod, type BridgeReply, type BridgeRequest,
} from './bridge-protocol';
import { isModelUrl } from '../model-ref';
import { bridgeAiCall } from './bridge-ai';
import { connect, type ChatCompletionStream } from '../openai/openai';
import { getSharedKernel } from '../shared-kernel';

/** Permission for one embedding origin. */
export interface BridgeGrant {
  /** The embedding page's origin, exactly: `https://example.com` (scheme, host, port; no path). */
  origin: string;
  /** The app id its requests run as: its quota, its conversations, its graph namespace. */
  appId: string;
  /** A tighter quota than the host's policy for `appId`. */
  quota?: ProcessQuota;
  /** Priority class of its process (default `normal`). */
  priority?: Priority;
  /** Allow GGUF URLs on other origins as model references (default false). */
  remoteModels?: boolean;
}

/** Options of `serveCrossOriginBridge()`. */
export interface BridgeOptions {
  /** Origins allowed to embed this frame (default none: same-origin only). */
  allow?: readonly BridgeGrant[];
  /** Serve same-origin parents (default true), as app id `sameOriginAppId`. */
  sameOrigin?: boolean;
  /** App id of same-origin embedders (default `llmos.bridge`). */
  sameOriginAppId?: string;
  /** Kernel to serve (default: the page's shared kernel). */
  kernel?: KernelApi;
  /** Stored data (conversations, knowledge graph); without it the data methods are refused. */
  data?: AppDataSources;
  /** Open connections allowed per origin at once (default 4). */
  maxConnectionsPerOrigin?: number;
  /** The window to serve from (default `window`; tests pass another). */
  self?: Window;
}

/** A running bridge. */
export interface BridgeServer {
  /** Open connections. */
  readonly connections: number;
  /** Refused hellos, newest last (origin and reason), at most 100. */
  readonly refused: readonly { origin: string; reason: string }[];
  /** Stop: close every connection (their requests are cancelled) and stop listening. */
  stop(): void;
}

/** Whether `s` is a canonical origin (`scheme://host[:port]`, no path), not the opaque `"null"`. */
export function isOrigin(s: unknown): s is string {
  if (typeof s !== 'string' || s === 'null') return false;
  try {
    const u = new URL(s);
    return /^https?:$/.test(u.protocol) && u.origin === s;
  } catch {
    return false;
  }
}

/** Validate a list of grants (e.g. the app's `bridge-allow.json`); invalid entries are an `InvalidRequestError`. */
export function parseBridgeGrants(raw: unknown): BridgeGrant[] {
  if (!Array.isArray(raw)) throw new InvalidRequestError('The bridge allow-list must be an array of {origin, appId}', { field: 'allow' });
  return raw.map((g: unknown, i) => {
    const { origin, appId, quota, priority, remoteModels } = (g ?? {}) as Partial<BridgeGrant>;
    if (!isOrigin(origin)) throw new InvalidRequestError(`allow[${i}].origin must be an exact origin like https://example.com`, { field: `allow[${i}].origin`, value: String(origin) });
    validateAppId(appId);
    return { origin, appId: appId!, ...(quota ? { quota } : {}), ...(priority ? { priority } : {}), ...(remoteModels === true ? { remoteModels } : {}) };
  });
}

const wire = (e: unknown): SerializedError => {
  // The stack would describe this frame's internals to another site: not sent.
  const { name, code, message, details } = toLlmOsError(e).toJSON();
  return { name, code, message, details: JSON.parse(JSON.stringify(details ?? {})) as Record<string, unknown> };
};

/** Serve this page's kernel to allowed embedding origins. */
export function serveCrossOriginBridge(options: BridgeOptions = {}): BridgeServer {
  const self = options.self ?? window;
  const kernel = options.kernel ?? getSharedKernel();
  const allow = parseBridgeGrants(options.allow ?? []);
  const ownOrigin = self.location.origin;
  const maxPerOrigin = options.maxConnectionsPerOrigin ?? 4;
  const open = new Map<MessagePort, { origin: string; close: () => void }>();
  const seenNonces = new Set<string>();
  const refused: { origin: string; reason: string }[] = [];

  const grantFor = (origin: string): BridgeGrant | null => {
    if (origin === ownOrigin && options.sameOrigin !== false) return { origin, appId: options.sameOriginAppId ?? 'llmos.bridge' };
    return allow.find((g) => g.origin === origin) ?? null;
  };

  const refuse = (source: Window, origin: string, reason: string) => {
    refused.push({ origin, reason });
    if (refused.length > 100) refused.shift();
    if (!isOrigin(origin)) return; // nowhere safe to answer an opaque origin
    const error = wire(new PermissionError(`The origin ${origin} may not use this LLM OS kernel (${reason})`, { origin }));
    source.postMessage({ type: BRIDGE_REFUSED, error } satisfies BridgeHandshake, origin);
  };

  const onMessage = (ev: MessageEvent) => {
    const data = ev.data as { type?: unknown; version?: unknown; nonce?: unknown } | null;
    if (typeof data !== 'object' || data === null || data.type !== BRIDGE_HELLO) return;
    // Only the window that frames us may connect: a popup or a sibling frame cannot.
    if (!ev.source || ev.source !== self.parent || self.parent === self) return;
    const source = ev.source as Window;
    if (data.version !== BRIDGE_VERSION) return refuse(source, ev.origin, `protocol version ${String(data.version)}`);
    const grant = isOrigin(ev.origin) ? grantFor(ev.origin) : null;
    if (!grant) return refuse(source, ev.origin, 'not on the allow-list');
    const nonce = typeof data.nonce === 'string' ? data.nonce.slice(0, 64) : '';
    if (nonce) {
      if (seenNonces.has(nonce)) return; // a repeated hello of a connection already made
      seenNonces.add(nonce);
    }
    if ([...open.values()].filter((c) => c.origin === ev.origin).length >= maxPerOrigin) return refuse(source, ev.origin, 'too many connections');
    const { port1, port2 } = new MessageChannel();
    open.set(port1, { origin: ev.origin, close: serveConnection(port1, grant) });
    source.postMessage({ type: BRIDGE_WELCOME, version: BRIDGE_VERSION, appId: grant.appId, nonce } as BridgeHandshake, { targetOrigin: ev.origin, transfer: [port2] });
  };

  const serveConnection = (port: MessagePort, grant: BridgeGrant): (() => void) => {
    const client = connect({ appId: grant.appId, kernel, name: `Bridge: ${grant.origin}`, ...(grant.quota ? { quota: grant.quota } : {}), ...(grant.priority ? { priority: grant.priority } : {}) });
    const data = options.data ? new AppData(grant.appId, options.data) : null;
    const inFlight = new Map<number, AbortController>();
    const post = (m: BridgeReply) => port.postMessage(m);
    /** GGUF URLs of other origins only with the grant's `remoteModels`: the frame would fetch them as itself. */
    const checkModelRef = (model: unknown) => {
      if (typeof model === 'string' && isModelUrl(model) && !grant.remoteModels) {
        const url = new URL(model, self.location.href);
        if (url.origin !== ownOrigin) throw new PermissionError(`Model URLs must be on ${ownOrigin}`, { field: 'model', value: model });
      }
    };
    const needData = () => {
      if (!data) throw new PermissionError('This bridge gives no access to stored data', { appId: grant.appId });
      return data;
    };

    const call = async (method: BridgeMethod, params: Record<string, unknown>, signal: AbortSignal, id: number): Promise<unknown> => {
      switch (method) {
        case 'models.list': return (await client.models.list()).data;
        case 'chat.completions.create': {
          const { signal: _ignored, ...body } = params;
          checkModelRef(body.model);
          const res = await client.chat.completions.create({ ...body, signal } as never);
          if (body.stream !== true) return res;
          for await (const chunk of res as ChatCompletionStream) post({ id, chunk });
          return undefined;
        }
        case 'conversations.list': return needData().listConversations();
        case 'conversations.get': return needData().getConversation(String(params.id));
        case 'conversations.put': {
          const rev = params.expectedRevision;
          return needData().putConversation(params.conversation as never, typeof rev === 'number' ? { expectedRevision: rev } : {});
        }
        case 'conversations.delete': return needData().deleteConversation(String(params.id));
        case 'graph.export': {
          return exportJson(await needData().graph(params.ns === undefined ? undefined : String(params.ns)));
        }
        case 'ai.status': case 'ai.prepare': case 'ai.measure':
          checkModelRef(params.model);
          return bridgeAiCall(method, params, kernel, client.pid, signal);
        default: throw new InvalidRequestError(`Unknown bridge method ${String(method)}`, { field: 'method', value: String(method) });
      }
    };

    port.onmessage = (ev: MessageEvent<BridgeRequest>) => {
      const m = ev.data;
      if (typeof m !== 'object' || m === null || typeof m.id !== 'number') return;
      if ('cancel' in m) { inFlight.get(m.id)?.abort(); return; }
      if (inFlight.has(m.id)) return;
      const ctrl = new AbortController();
      inFlight.set(m.id, ctrl);
      const params = typeof m.params === 'object' && m.params !== null ? m.params as Record<string, unknown> : {};
      void call(m.method, params, ctrl.signal, m.id).then(
        (result) => post(m.method === 'chat.completions.create' && params.stream === true ? { id: m.id, done: true } : { id: m.id, result }),
        (e) => post({ id: m.id, error: wire(e) }),
      ).finally(() => inFlight.delete(m.id));
    };

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const c of inFlight.values()) c.abort();
      client.close();
      port.close();
      open.delete(port);
    };
    // Chromium fires `close` on a port whose other side went away (the embedding page closed).
    port.addEventListener('close', close);
    return close;
  };

  self.addEventListener('message', onMessage);
  return {
    get connections() { return open.size; },
    get refused() { return refused; },
    stop() {
      self.removeEventListener('message', onMessage);
      for (const c of [...open.values()]) c.close();
    },
  };
}

/** The app's allow-list (`bridge-allow.json` next to `bridge.html`): none when absent or invalid (fail closed). */
export async function loadBridgeGrants(url: string, signal?: AbortSignal): Promise<BridgeGrant[]> {
  try {
    const res = await fetch(url, { cache: 'no-store', ...(signal ? { signal } : {}) });
    if (!res.ok) return [];
    return parseBridgeGrants(await res.json());
  } catch (e) {
    if (!(e instanceof InvalidRequestError)) return [];
    console.warn('[llmos bridge] ignoring an invalid allow-list:', e.message);
    return [];
  }
}
