/**
 * The cross-origin bridge, embedder side: `connectCrossOrigin(iframe, appOrigin)` connects a page of
 * any origin to an LLM OS app framed in it (`<iframe src="https://app.example/bridge.html">`) and
 * returns a `connect()`-style client (`chat.completions.create`, `models.list`) plus the app's stored
 * data as far as the grant allows. Messages are accepted only from that iframe's window *and* from
 * `appOrigin` (both checked); the hello is posted with `targetOrigin = appOrigin`, so it never reaches a
 * frame that navigated elsewhere. Errors arrive as the same `LlmOsError` classes (rebuilt by name).
 */
import { AbortError, InvalidRequestError, NetworkError, TimeoutError, deserializeError, type SerializedError } from '../../errors';
import type { ConversationRecord } from '../../storage/schema';
import type { ChatMessage } from '../../protocol/engine';
import type { AppConversation } from '../app-data';
import { BRIDGE_HELLO, BRIDGE_REFUSED, BRIDGE_VERSION, BRIDGE_WELCOME, type BridgeMethod, type BridgeReply, type BridgeRequest } from './bridge-protocol';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, Model } from '../openai/openai-types';

/** Options of `connectCrossOrigin()`. */
export interface CrossOriginConnectOptions {
  /** Give up after this long without an answer (default 15 s): `TimeoutError`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A streamed completion over the bridge; `controller.abort()` cancels the job in the app. */
export interface BridgeCompletionStream extends AsyncIterable<ChatCompletionChunk> {
  readonly controller: AbortController;
}

/** What `connectCrossOrigin()` resolves with. */
export interface CrossOriginClient {
  /** The app id the app's grant gave this origin. */
  readonly appId: string;
  readonly models: { list(): Promise<Model[]> };
  readonly chat: {
    readonly completions: {
      create(params: ChatCompletionCreateParams & { stream: true }, options?: { signal?: AbortSignal }): Promise<BridgeCompletionStream>;
      create(params: ChatCompletionCreateParams & { stream?: false | null }, options?: { signal?: AbortSignal }): Promise<ChatCompletion>;
    };
  };
  /** This app id's conversations in the app's storage. */
  readonly conversations: {
    list(): Promise<ConversationRecord[]>;
    get(id: string): Promise<ConversationRecord | undefined>;
    put(conversation: AppConversation, options?: { expectedRevision?: number }): Promise<ConversationRecord>;
    delete(id: string): Promise<void>;
  };
  /** This app id's knowledge graph (graphology JSON); any other namespace is a `PermissionError`. */
  readonly graph: { export(ns?: string): Promise<string> };
  /** What the task APIs need besides completions (`createBuiltInAiOverBridge`). */
  readonly ai: {
    /** `available`, `downloading`, `downloadable` or `unavailable` for the model in the app. */
    status(model: string, signal?: AbortSignal): Promise<string>;
    /** Make the model resident in the app; resolves with the tokens one request may hold. */
    prepare(model: string, signal?: AbortSignal): Promise<number>;
    /** Tokens the messages take in a request (the template's once-per-request tokens left out). */
    measure(model: string, messages: ChatMessage[], signal?: AbortSignal): Promise<number>;
  };
  /** Close the connection (the app ends this client's process; requests in flight are cancelled). */
  close(): void;
}

let seq = 0;

/** Connect to an LLM OS app framed at `appOrigin`. */
export function connectCrossOrigin(target: HTMLIFrameElement | Window, appOrigin: string, options: CrossOriginConnectOptions = {}): Promise<CrossOriginClient> {
  let origin: string;
  try {
    origin = new URL(appOrigin).origin;
  } catch {
    return Promise.reject(new InvalidRequestError(`Not an origin: ${appOrigin}`, { field: 'appOrigin', value: appOrigin }));
  }
  if (origin === 'null') return Promise.reject(new InvalidRequestError('The app origin must be http(s)', { field: 'appOrigin', value: appOrigin }));
  const win = 'contentWindow' in target ? target.contentWindow : target;
  if (!win) return Promise.reject(new InvalidRequestError('The iframe is not in a document yet', { field: 'target' }));
  const nonce = `${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2)}`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  return new Promise<CrossOriginClient>((resolve, reject) => {
    const done = () => {
      window.removeEventListener('message', onMessage);
      clearInterval(retry);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (ev: MessageEvent) => {
      // Both checks: the message comes from that frame's window, and that window is at the app's origin.
      if (ev.source !== win || ev.origin !== origin) return;
      const d = ev.data as { type?: unknown; appId?: unknown; nonce?: unknown; error?: SerializedError } | null;
      if (typeof d !== 'object' || d === null) return;
      if (d.type === BRIDGE_WELCOME && d.nonce === nonce && ev.ports[0] && typeof d.appId === 'string') {
        done();
        resolve(bridgeClient(ev.ports[0], d.appId));
      } else if (d.type === BRIDGE_REFUSED && d.error) {
        done();
        reject(deserializeError(d.error));
      }
    };
    const onAbort = () => { done(); reject(new AbortError('Connecting to the LLM OS frame was aborted', { origin })); };
    // Until the frame has loaded the app, it is about:blank (another origin): the browser drops the hello.
    const hello = () => { try { win.postMessage({ type: BRIDGE_HELLO, version: BRIDGE_VERSION, nonce }, origin); } catch { /* frame gone */ } };
    const retry = setInterval(hello, 200);
    const timer = setTimeout(() => { done(); reject(new TimeoutError(`No LLM OS bridge answered from ${origin} within ${timeoutMs} ms`, { origin, timeoutMs })); }, timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    window.addEventListener('message', onMessage);
    hello();
  });
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; onChunk?: (c: unknown) => void };

function bridgeClient(port: MessagePort, appId: string): CrossOriginClient {
  const pending = new Map<number, Pending>();
  let next = 1;
  let closed = false;
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  port.onmessage = (ev: MessageEvent<BridgeReply>) => {
    const m = ev.data;
    const p = typeof m === 'object' && m !== null ? pending.get(m.id) : undefined;
    if (!p) return;
    if ('chunk' in m) { p.onChunk?.(m.chunk); return; }
    pending.delete(m.id);
    if ('error' in m) p.reject(deserializeError(m.error));
    else p.resolve('result' in m ? m.result : undefined);
  };
  port.addEventListener('close', () => { closed = true; failAll(new NetworkError('The LLM OS frame closed the connection', { appId })); });

  const request = (method: BridgeMethod, params: unknown, signal?: AbortSignal, onChunk?: (c: unknown) => void): { id: number; done: Promise<unknown> } => {
    const id = next++;
    const done = new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new AbortError('The bridge connection is closed', { appId }));
      if (signal?.aborted) return reject(new AbortError('The request was aborted', { appId }));
      const onAbort = () => { port.postMessage({ id, cancel: true } satisfies BridgeRequest); };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (v: T) => void) => (v: T) => { signal?.removeEventListener('abort', onAbort); fn(v); };
      pending.set(id, { resolve: settle(resolve), reject: settle(reject), ...(onChunk ? { onChunk } : {}) });
      port.postMessage({ id, method, params } satisfies BridgeRequest);
    });
    return { id, done };
  };
  const call = <T>(method: BridgeMethod, params?: unknown, signal?: AbortSignal) => request(method, params, signal).done as Promise<T>;

  async function create(params: ChatCompletionCreateParams, options: { signal?: AbortSignal } = {}): Promise<ChatCompletion | BridgeCompletionStream> {
    const { signal: paramSignal, ...body } = params as ChatCompletionCreateParams & { signal?: AbortSignal };
    const signals = [paramSignal, options.signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
    if (body.stream !== true) return call<ChatCompletion>('chat.completions.create', body, signals.length ? AbortSignal.any(signals) : undefined);
    const controller = new AbortController();
    const queue: ChatCompletionChunk[] = [];
    let wake: (() => void) | null = null;
    const { done } = request('chat.completions.create', body, AbortSignal.any([controller.signal, ...signals]), (c) => {
      queue.push(c as ChatCompletionChunk);
      wake?.();
    });
    let ended = false;
    let failure: unknown = null;
    done.then(() => { ended = true; wake?.(); }, (e) => { ended = true; failure = e; wake?.(); });
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      try {
        for (;;) {
          while (queue.length) yield queue.shift()!;
          if (ended) break;
          await new Promise<void>((r) => { wake = r; });
          wake = null;
        }
        if (failure) throw failure;
      } finally {
        if (!ended) controller.abort();
      }
    }
    const it = chunks();
    return { controller, [Symbol.asyncIterator]: () => it };
  }

  return {
    appId,
    models: { list: () => call<Model[]>('models.list') },
    chat: { completions: { create: create as CrossOriginClient['chat']['completions']['create'] } },
    conversations: {
      list: () => call('conversations.list'),
      get: (id) => call('conversations.get', { id }),
      put: (conversation, opts = {}) => call('conversations.put', { conversation, ...opts }),
      delete: (id) => call('conversations.delete', { id }),
    },
    graph: { export: (ns) => call('graph.export', ns === undefined ? {} : { ns }) },
    ai: {
      status: (model, signal) => call('ai.status', { model }, signal),
      prepare: (model, signal) => call('ai.prepare', { model }, signal),
      measure: (model, messages, signal) => call('ai.measure', { model, messages }, signal),
    },
    close() {
      if (closed) return;
      closed = true;
      failAll(new AbortError('The bridge connection was closed', { appId }));
      port.close();
    },
  };
}
