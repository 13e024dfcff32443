/**
 * Remote engines: OpenAI-compatible servers (vLLM, Ollama, llama.cpp's `llama-server`) the user added,
 * which the kernel schedules beside local models. The shared vocabulary of the page (`models/remote/`,
 * the settings UI), the engine worker (`engines/remote/`) and the tests.
 */

/** One OpenAI-compatible server the user added (stored in this origin's IndexedDB, key included). */
export interface RemoteServer {
  /** Stable random id. */
  id: string;
  /** What the user calls it ("Ollama on the desktop"); shown on every reply computed there. */
  name: string;
  /**
   * The API's base URL up to and including its version segment, as OpenAI clients take it
   * (`http://127.0.0.1:11434/v1`): requests go to `${baseUrl}/models` and `${baseUrl}/chat/completions`.
   * http: or https: only, no user name or password in it, no query or fragment.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` to this server only; never over the bridge, `/v1`, exports or logs. */
  apiKey?: string;
  /** Requests this server takes at once (1…16). */
  maxConcurrent: number;
  /**
   * Local model id → the server's name for the same model: a job for the local model may then run on this
   * server (routing policy `device-else-server` or `server-preferred`).
   */
  modelMap?: Record<string, string>;
  /** When it was added, ms since the epoch. */
  addedAt: number;
}

/** What a worker gets of one server serving one model: everything it needs to send one request. */
export interface RemoteEndpoint {
  serverId: string;
  name: string;
  baseUrl: string;
  apiKey?: string;
  /** The server's name of the model. */
  model: string;
  maxConcurrent: number;
}

/**
 * Per app: where its jobs may run. `device` (the default): this device only. `device-else-server`: on
 * this device, else on a server the app may use when no local model fits the budget or the device has no
 * usable backend. `server-preferred`: on a server the app may use whenever one serves the model.
 */
export type RoutingPolicy = 'device' | 'device-else-server' | 'server-preferred';

export const ROUTING_POLICIES: readonly RoutingPolicy[] = ['device', 'device-else-server', 'server-preferred'];

/** Where a job's output was computed (`JobResult.computedOn`). */
export type ComputedOn = { kind: 'device' } | { kind: 'server'; serverId: string; name: string };

/** The kernel model id of a model a remote server serves (`remote:<the server's name of it>`). */
export function remoteModelId(serverModel: string): string {
  return `remote:${serverModel}`;
}

/** Whether a kernel model id names a remote model. */
export function isRemoteModelId(id: string): boolean {
  return id.startsWith('remote:');
}
