/**
 * The page side of the service worker's OpenAI-compatible endpoint: `serveKernelToServiceWorker(kernel)`
 * makes this page answer the `/v1` requests the app's service worker relays to it (from any page of the
 * origin, including this one), as jobs of one kernel process (app id `llmos.v1` unless given). Point
 * any OpenAI client at `location.origin + '/v1'`. Model URLs must be on this origin or on one the user
 * allowed, and the ones callers register expire (see `v1-models.ts`).
 */
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import { connect } from '../openai/openai';
import { getSharedKernel } from '../shared-kernel';
import { ALIVE_INTERVAL_MS, HELLO, REQUEST, type RelayControl, type RelayMessage, type ServeMessage } from './sw-protocol';
import { handleV1Request, type V1ResponseSink } from './v1-handler';
import { V1Models, v1ModelsOf, type V1ModelsOptions } from './v1-models';

/** Options of `serveKernelToServiceWorker()`. */
export interface ServeOptions {
  /** App id of the endpoint's process (default `llmos.v1`): its quota applies to every HTTP caller. */
  appId?: string;
  /** Priority class of the endpoint's process (default `normal`). */
  priority?: Priority;
  /**
   * Model-URL policy (allowed remote origins, cap, idle time). Default: the kernel's own, whose allowed
   * origins are the desktop settings' `remoteModelOrigins` (empty unless the user added some).
   */
  models?: V1ModelsOptions;
}

/** How often registrations idle past their time are swept while nobody calls, ms. */
const SWEEP_INTERVAL_MS = 60_000;

/** What `serveKernelToServiceWorker()` returns. */
export interface KernelServer {
  /** The endpoint's kernel process. */
  readonly pid: number;
  /** Stop answering (requests in flight are cancelled) and end the process. */
  stop(): void;
}

/** Answer the service worker's `/v1` requests from this page's kernel (default: the shared one). */
export function serveKernelToServiceWorker(kernel: KernelApi = getSharedKernel(), options: ServeOptions = {}): KernelServer {
  const container = navigator.serviceWorker;
  const client = connect({ appId: options.appId ?? 'llmos.v1', kernel, ...(options.priority ? { priority: options.priority } : {}), name: 'OpenAI endpoint (/v1)' });
  const inFlight = new Set<AbortController>();
  const models = options.models ? new V1Models(kernel, options.models) : v1ModelsOf(kernel);
  const sweeper = setInterval(() => models.sweep(), SWEEP_INTERVAL_MS);

  const serve = (port: MessagePort, msg: Extract<RelayMessage, { type: typeof REQUEST }>) => {
    const ctrl = new AbortController();
    inFlight.add(ctrl);
    const post = (m: ServeMessage) => { if (!ctrl.signal.aborted || m.kind === 'end') port.postMessage(m); };
    port.onmessage = (ev: MessageEvent<RelayControl>) => { if (ev.data?.kind === 'cancel') ctrl.abort(); };
    const beat = setInterval(() => post({ kind: 'alive' }), ALIVE_INTERVAL_MS);
    const sink: V1ResponseSink = {
      head: (status, headers) => post({ kind: 'head', status, headers }),
      chunk: (text) => post({ kind: 'chunk', text }),
      end: () => post({ kind: 'end' }),
      fail: (message) => post({ kind: 'error', message }),
    };
    void handleV1Request(client, msg.request, sink, ctrl.signal, models).finally(() => {
      clearInterval(beat);
      inFlight.delete(ctrl);
      port.close();
    });
  };

  const onMessage = (ev: MessageEvent<RelayMessage>) => {
    const port = ev.ports[0];
    if (!port || typeof ev.data !== 'object' || ev.data === null) return;
    if (ev.data.type === HELLO) {
      port.postMessage({ kind: 'ready' } satisfies ServeMessage);
      port.close();
    } else if (ev.data.type === REQUEST) {
      serve(port, ev.data);
    }
  };
  container?.addEventListener('message', onMessage);
  // Messages from the SW queue until the page opts in (implicit with `onmessage`, not with addEventListener).
  container?.startMessages();

  return {
    pid: client.pid,
    stop() {
      container?.removeEventListener('message', onMessage);
      clearInterval(sweeper);
      for (const c of inFlight) c.abort();
      client.close();
    },
  };
}
