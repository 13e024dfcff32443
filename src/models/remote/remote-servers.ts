/**
 * `RemoteServers`: the OpenAI-compatible servers the user added (vLLM, Ollama, llama-server), which apps
 * may use and how (`RoutingPolicy`), and the kernel models they serve.
 *
 * - Servers, keys included, live in this origin's IndexedDB (`settings` store, key `remote.servers`);
 *   `list()` never returns a key. A key leaves the page only for an engine worker, which sends it to its
 *   own server only (see `engines/remote/remote-engine.ts`).
 * - Every model a server lists becomes one kernel model, `remote:<name>` (`remoteModelId`), served by every
 *   server that lists that name: the kernel schedules it in a worker slot with no memory cost and the
 *   servers' summed concurrency as its batch; the worker routes each request to the healthy server with the
 *   fewest requests in flight.
 * - Nothing leaves the device unless the user allowed that app to use that server: `grants` (key
 *   `remote.grants`), asked for on first use through `onGrantRequest` (the desktop's dialog) and checked by
 *   `AppSession` before a job is submitted; `policies` (key `remote.policies`) say when an app's jobs for a
 *   local model may go to a server instead.
 * - Talking to a server happens in workers only: `probe()` starts a short-lived engine worker (its script,
 *   served by the service worker, carries a CSP whose `connect-src` includes the servers' origins).
 */
import { InvalidRequestError, PermissionError } from '../../errors';
import { EngineClient, spawnEngineWorker } from '../../kernel/engine-client';
import type { KernelApi } from '../../kernel/kernel-api';
import type { LlmOsDatabase } from '../../storage/db';
import { getSetting, setSetting } from '../../storage/settings';
import {
  ROUTING_POLICIES, isRemoteModelId, remoteModelId,
  type RemoteEndpoint, type RemoteServer, type RoutingPolicy,
} from '../../protocol/remote';

/** What the user enters to add a server. */
export interface RemoteServerInput {
  name: string;
  baseUrl: string;
  apiKey?: string;
  maxConcurrent?: number;
  modelMap?: Record<string, string>;
}

/** A server as the UI sees it: never its key. */
export interface RemoteServerView extends Omit<RemoteServer, 'apiKey'> {
  hasKey: boolean;
}

/** What the last check of a server found. */
export interface ServerHealth {
  state: 'unknown' | 'ok' | 'down';
  /** Round trip of `GET /models`, ms. */
  latencyMs: number | null;
  /** The server's models at the last check. */
  models: string[];
  checkedAt: number | null;
  error: { code: string; message: string } | null;
}

/** One app's permission to send prompts to one server. */
export interface ServerGrant { appId: string; serverId: string; grantedAt: number }

/** What the desktop's permission dialog is asked. */
export interface GrantRequest { appId: string; appName: string; server: RemoteServerView; model: string }

/** A remote model as apps see it. */
export interface RemoteModelView {
  /** The kernel model id (`remote:<model>`). */
  id: string;
  /** The servers' name for it. */
  model: string;
  servers: RemoteServerView[];
}

const KEY_SERVERS = 'remote.servers';
const KEY_GRANTS = 'remote.grants';
const KEY_POLICIES = 'remote.policies';
const MAX_SERVERS = 32;
const MAX_MODELS_PER_SERVER = 256;

/** Check and normalise a base URL: http(s), no credentials, query or fragment, no trailing slash. */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(String(raw).trim());
  } catch {
    throw new InvalidRequestError('The server address is not a URL', { field: 'baseUrl', value: String(raw).slice(0, 200) });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError('The server address must start with http:// or https://', { field: 'baseUrl', value: url.protocol });
  }
  if (url.username || url.password) throw new InvalidRequestError('Put the key in the key field, not in the address', { field: 'baseUrl' });
  if (url.search || url.hash) throw new InvalidRequestError('The server address takes no query or fragment', { field: 'baseUrl' });
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** The origin of a base URL (what the CSP's `connect-src` is extended by). */
export function serverOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

function validServer(v: unknown): v is RemoteServer {
  const s = v as RemoteServer;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.name === 'string' && typeof s.baseUrl === 'string'
    && Number.isInteger(s.maxConcurrent) && (s.apiKey === undefined || typeof s.apiKey === 'string');
}

const view = ({ apiKey, ...rest }: RemoteServer): RemoteServerView => ({ ...rest, hasKey: !!apiKey });

export interface RemoteServersOptions {
  /** Starts the short-lived worker `probe()` uses (tests inject the test worker). */
  spawnWorker?: () => Worker;
  /** Tells the service worker the servers' origins changed (default: a message to the controller). */
  notifyServiceWorker?: (origins: string[]) => Promise<void>;
}

export class RemoteServers extends EventTarget {
  /** Resolves once the stored servers are read and their models registered (never rejects). */
  readonly ready: Promise<void>;
  /** Shows the permission dialog; null: nobody can grant, so a first use is refused. */
  onGrantRequest: ((req: GrantRequest) => Promise<boolean>) | null = null;
  private servers: RemoteServer[] = [];
  private grantList: ServerGrant[] = [];
  private policyMap: Record<string, RoutingPolicy> = {};
  private readonly healthMap = new Map<string, ServerHealth>();
  /** Decode speed of the last job each server finished for this kernel (tokens/s). */
  private readonly speedMap = new Map<string, number>();
  private readonly spawnWorker: () => Worker;
  private readonly notify: (origins: string[]) => Promise<void>;

  constructor(private readonly kernel: KernelApi, private readonly db: () => Promise<LlmOsDatabase>, options: RemoteServersOptions = {}) {
    super();
    this.spawnWorker = options.spawnWorker ?? (() => spawnEngineWorker('llmos-remote-probe'));
    this.notify = options.notifyServiceWorker ?? notifyController;
    this.ready = this.load().catch(() => undefined);
    // Each job a server computed reports its decode speed: what Settings and the task manager show per server.
    kernel.events.on('job-finished', (e) => {
      if (e.ok && e.computedOn?.kind === 'server' && e.decodeTokensPerSec > 0) this.speedMap.set(e.computedOn.serverId, e.decodeTokensPerSec);
    });
    // A model in use cannot be re-registered or forgotten: catch up once it leaves its slot.
    kernel.events.on('model-evicted', (d) => { if (isRemoteModelId(d.model)) this.registerModels(); });
  }

  private async load(): Promise<void> {
    const db = await this.db();
    const servers = await getSetting<unknown[]>(db, KEY_SERVERS, []);
    this.servers = servers.filter(validServer).slice(0, MAX_SERVERS);
    const grants = await getSetting<unknown[]>(db, KEY_GRANTS, []);
    this.grantList = grants.filter((g): g is ServerGrant => typeof (g as ServerGrant)?.appId === 'string' && typeof (g as ServerGrant)?.serverId === 'string');
    const policies = await getSetting<Record<string, unknown>>(db, KEY_POLICIES, {});
    this.policyMap = Object.fromEntries(Object.entries(policies).filter((e): e is [string, RoutingPolicy] => ROUTING_POLICIES.includes(e[1] as RoutingPolicy)));
    await this.notify(this.origins()).catch(() => undefined);
    // Models known from the last check register at once; a check per server refreshes them.
    await Promise.all(this.servers.map((s) => this.check(s.id).catch(() => undefined)));
    this.changed();
  }

  /** The servers, without their keys. */
  list(): RemoteServerView[] {
    return this.servers.map(view);
  }

  /** What the last check of a server found. */
  health(serverId: string): ServerHealth {
    return this.healthMap.get(serverId) ?? { state: 'unknown', latencyMs: null, models: [], checkedAt: null, error: null };
  }

  /** Decode speed (tokens/s) of the last job the server finished for this kernel; null before one finished. */
  tokensPerSec(serverId: string): number | null {
    return this.speedMap.get(serverId) ?? null;
  }

  /** Origins the CSP's `connect-src` must allow. */
  origins(): string[] {
    return [...new Set(this.servers.map((s) => serverOrigin(s.baseUrl)))];
  }

  /**
   * List a server's models from a worker: `{models, latencyMs}`, or the typed error a request would get
   * (`RemoteUnavailableError`, `PermissionError` for a refused key…).
   */
  async probe(input: RemoteServerInput | string): Promise<{ models: string[]; latencyMs: number }> {
    const server = typeof input === 'string' ? this.require(input) : this.fromInput(input, 'probe');
    const extra = serverOrigin(server.baseUrl);
    // The probe's worker may reach the server being tested; the policy goes back to the added servers after.
    const temporary = !this.origins().includes(extra);
    if (temporary) await this.notify([...this.origins(), extra]).catch(() => undefined);
    const client = await EngineClient.start(this.spawnWorker());
    try {
      const info = await client.load('remote', { kind: 'remote', id: 'probe', endpoints: [endpointOf(server, '')] }, {});
      const models = JSON.parse(info.metadata?.models ?? '[]') as string[];
      return { models: models.slice(0, MAX_MODELS_PER_SERVER), latencyMs: Number(info.metadata?.latencyMs ?? 0) };
    } finally {
      client.terminate('Probe done');
      if (temporary && !this.origins().includes(extra)) await this.notify(this.origins()).catch(() => undefined);
    }
  }

  /** Check a server (`probe`), remember its health and register the models it serves. */
  async check(serverId: string): Promise<ServerHealth> {
    const prev = this.health(serverId);
    let health: ServerHealth;
    try {
      const { models, latencyMs } = await this.probe(serverId);
      health = { state: 'ok', latencyMs, models, checkedAt: Date.now(), error: null };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      health = { ...prev, state: 'down', checkedAt: Date.now(), error: { code: err.code ?? 'REMOTE_UNAVAILABLE', message: err.message ?? String(e) } };
    }
    if (this.servers.some((s) => s.id === serverId)) {
      this.healthMap.set(serverId, health);
      this.registerModels();
      this.changed();
    }
    return health;
  }

  /** Add a server: checked first (a server that does not answer is not added), then stored. */
  async add(input: RemoteServerInput): Promise<RemoteServerView> {
    await this.ready;
    const server = this.fromInput(input, crypto.randomUUID());
    if (this.servers.length >= MAX_SERVERS) throw new InvalidRequestError(`At most ${MAX_SERVERS} servers`, { field: 'servers' });
    const { models, latencyMs } = await this.probe(input);
    this.servers = [...this.servers, server];
    this.healthMap.set(server.id, { state: 'ok', latencyMs, models, checkedAt: Date.now(), error: null });
    await this.save();
    this.registerModels();
    this.changed();
    return view(server);
  }

  /** Remove a server, its grants and the models only it served. */
  async remove(serverId: string): Promise<void> {
    await this.ready;
    this.servers = this.servers.filter((s) => s.id !== serverId);
    this.grantList = this.grantList.filter((g) => g.serverId !== serverId);
    this.healthMap.delete(serverId);
    this.speedMap.delete(serverId);
    await this.save();
    this.registerModels();
    this.changed();
  }

  /** Models the servers serve (from their last checks). */
  models(): RemoteModelView[] {
    const byModel = new Map<string, RemoteServer[]>();
    for (const s of this.servers) {
      for (const m of this.health(s.id).models) byModel.set(m, [...(byModel.get(m) ?? []), s]);
    }
    return [...byModel].map(([model, servers]) => ({ id: remoteModelId(model), model, servers: servers.map(view) }));
  }

  /** The remote model that serves local model `localId` (a server's `modelMap`, else the same name), if any. */
  remoteFor(localId: string): RemoteModelView | null {
    const models = this.models();
    for (const s of this.servers) {
      const mapped = s.modelMap?.[localId];
      if (mapped) {
        const m = models.find((x) => x.model === mapped);
        if (m) return m;
      }
    }
    return models.find((x) => x.model === localId) ?? null;
  }

  // ---- grants and policies -------------------------------------------------------------------------

  grants(): ServerGrant[] {
    return [...this.grantList];
  }

  isGranted(appId: string, serverId: string): boolean {
    return this.grantList.some((g) => g.appId === appId && g.serverId === serverId);
  }

  async grant(appId: string, serverId: string): Promise<void> {
    this.require(serverId);
    if (this.isGranted(appId, serverId)) return;
    this.grantList = [...this.grantList, { appId, serverId, grantedAt: Date.now() }];
    await this.save();
    this.changed();
  }

  async revoke(appId: string, serverId: string): Promise<void> {
    this.grantList = this.grantList.filter((g) => !(g.appId === appId && g.serverId === serverId));
    await this.save();
    this.changed();
  }

  /** Every app whose routing policy was set, with it. */
  policies(): Record<string, RoutingPolicy> {
    return { ...this.policyMap };
  }

  policy(appId: string): RoutingPolicy {
    return this.policyMap[appId] ?? 'device';
  }

  async setPolicy(appId: string, policy: RoutingPolicy): Promise<void> {
    if (!ROUTING_POLICIES.includes(policy)) throw new InvalidRequestError(`Unknown routing policy ${String(policy)}`, { field: 'policy' });
    this.policyMap = { ...this.policyMap, [appId]: policy };
    await this.save();
    this.changed();
  }

  /**
   * The servers of remote model `modelId` that `appId` may use, asking the user (`onGrantRequest`) for
   * one when it may use none yet. Throws `PermissionError` when the user declines or nobody can ask.
   */
  async allowedServers(appId: string, appName: string, modelId: string): Promise<string[]> {
    const m = this.models().find((x) => x.id === modelId);
    if (!m) return [];
    const granted = m.servers.filter((s) => this.isGranted(appId, s.id)).map((s) => s.id);
    if (granted.length) return granted;
    const server = m.servers[0]!;
    const ok = this.onGrantRequest ? await this.onGrantRequest({ appId, appName, server, model: m.model }) : false;
    if (!ok) {
      throw new PermissionError(`${appName} may not send prompts to ${server.name}`, { appId, serverId: server.id, model: modelId, reason: 'server-not-granted' });
    }
    await this.grant(appId, server.id);
    return [server.id];
  }

  // ---- internals -----------------------------------------------------------------------------------

  private require(serverId: string): RemoteServer {
    const s = this.servers.find((x) => x.id === serverId);
    if (!s) throw new InvalidRequestError(`No server ${serverId}`, { field: 'serverId', value: serverId });
    return s;
  }

  private fromInput(input: RemoteServerInput, id: string): RemoteServer {
    const name = String(input.name ?? '').trim().slice(0, 80);
    if (!name) throw new InvalidRequestError('Give the server a name', { field: 'name' });
    const maxConcurrent = input.maxConcurrent ?? 4;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1 || maxConcurrent > 16) {
      throw new InvalidRequestError('Requests at once must be a whole number from 1 to 16', { field: 'maxConcurrent', value: String(maxConcurrent) });
    }
    const apiKey = input.apiKey?.trim();
    return {
      id, name, baseUrl: normaliseBaseUrl(input.baseUrl), maxConcurrent, addedAt: Date.now(),
      ...(apiKey ? { apiKey } : {}),
      ...(input.modelMap && Object.keys(input.modelMap).length ? { modelMap: { ...input.modelMap } } : {}),
    };
  }

  /** Register (or re-register) one kernel model per served model name; unregister those no server serves. */
  private registerModels(): void {
    const want = this.models();
    const wanted = new Set(want.map((m) => m.id));
    for (const reg of this.kernel.registeredModels()) {
      if (isRemoteModelId(reg.id) && !wanted.has(reg.id)) {
        try { this.kernel.unregisterModel(reg.id); } catch { /* busy: it goes when idle, at the next change */ }
      }
    }
    for (const m of want) {
      const servers = m.servers.map((v) => this.require(v.id));
      const endpoints = servers.map((s) => endpointOf(s, m.model));
      const fingerprint = JSON.stringify(endpoints.map((e) => [e.serverId, e.baseUrl, e.maxConcurrent, !!e.apiKey]));
      const known = this.kernel.registeredModels().find((r) => r.id === m.id);
      if (known?.fingerprint === fingerprint) continue;
      try {
        this.kernel.registerModel({
          id: m.id, engine: 'remote', weightBytes: 0, kvBytes: 0, overheadBytes: 0, fingerprint,
          sequences: Math.min(16, endpoints.reduce((n, e) => n + e.maxConcurrent, 0)),
          // A function: the keys stay in this page until a worker of this kernel loads the model.
          source: async () => ({ kind: 'remote', id: m.id, endpoints: this.models().find((x) => x.id === m.id)?.servers.map((v) => endpointOf(this.require(v.id), m.model)) ?? [] }),
        });
      } catch {
        // Busy (a job runs on it): re-registered at the next change.
      }
    }
  }

  private async save(): Promise<void> {
    const db = await this.db();
    await setSetting(db, KEY_SERVERS, this.servers);
    await setSetting(db, KEY_GRANTS, this.grantList);
    await setSetting(db, KEY_POLICIES, this.policyMap);
    await this.notify(this.origins()).catch(() => undefined);
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

function endpointOf(s: RemoteServer, model: string): RemoteEndpoint {
  return { serverId: s.id, name: s.name, baseUrl: s.baseUrl, model, maxConcurrent: s.maxConcurrent, ...(s.apiKey ? { apiKey: s.apiKey } : {}) };
}

/** Tell the page's service worker which origins its CSP must let the app connect to (and wait for it). */
async function notifyController(origins: string[]): Promise<void> {
  const sw = globalThis.navigator?.serviceWorker?.controller;
  if (!sw) return;
  await new Promise<void>((resolve) => {
    const ch = new MessageChannel();
    const t = setTimeout(resolve, 2_000);
    ch.port1.onmessage = () => { clearTimeout(t); resolve(); };
    sw.postMessage({ type: 'LLMOS_REMOTE_ORIGINS', origins }, [ch.port2]);
  });
}

/** @internal For tests: whether a model id is served remotely. */
export { isRemoteModelId };
