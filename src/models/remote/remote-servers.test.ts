/**
 * `RemoteServers` and the routing of app jobs (`api/remote-routing.ts` through `AppSession`), in real
 * Chromium with real engine workers, IndexedDB and a REAL OpenAI-compatible server (llama.cpp through
 * node-llama-cpp, `test/remote-server/`).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidRequestError, ModelTooLargeError, PermissionError, RemoteUnavailableError } from '../../errors';
import { AppSession } from '../../api/app-session';
import { useRemoteServers } from '../../api/remote-routing';
import { EngineClient } from '../../kernel/engine-client';
import { Kernel } from '../../kernel/kernel';
import { memorySettingsStore } from '../../kernel/settings-store';
import { deleteLlmOsDb, openLlmOsDb, type LlmOsDatabase } from '../../storage/db';
import { getSetting } from '../../storage/settings';
import { RemoteServers, normaliseBaseUrl, type GrantRequest } from './remote-servers';
import { spawnTestEngineWorker } from '../../../test/helpers/engines';
import { readJob } from '../../../test/helpers/kernel';
import { startServer } from '../../../test/helpers/remote';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup() {
  const dbName = `llmos-remote-${crypto.randomUUID()}`;
  let db: LlmOsDatabase | null = null;
  const openDb = async () => (db ??= await openLlmOsDb(dbName));
  const kernel = new Kernel({
    createEngine: async () => EngineClient.start(spawnTestEngineWorker()),
    settings: memorySettingsStore(), budget: { ramMB: 200, vramMB: 0, slots: 1 },
  });
  await kernel.ready;
  const make = () => new RemoteServers(kernel, openDb, { spawnWorker: () => spawnTestEngineWorker('probe'), notifyServiceWorker: async () => {} });
  const servers = make();
  await servers.ready;
  useRemoteServers(kernel, servers);
  cleanup.push(async () => { kernel.shutdown(); db?.close(); await deleteLlmOsDb(dbName); });
  return { kernel, servers, make, openDb };
}

const GREEDY = { temperature: 0, maxTokens: 12 };
const MESSAGES = [{ role: 'user' as const, content: 'hello' }];

describe('RemoteServers', () => {
  test('adds a real server after checking it: its models become kernel models; the key is stored but never listed; remove undoes it', async () => {
    const s = await startServer('settings', { apiKey: 'sk-stored-key' });
    const { kernel, servers, make, openDb } = await setup();
    await expect(servers.add({ name: 'Bad key', baseUrl: s.url, apiKey: 'wrong' })).rejects.toBeInstanceOf(PermissionError);
    expect(servers.list()).toHaveLength(0);
    const probe = await servers.probe({ name: 'Lab', baseUrl: s.url, apiKey: 'sk-stored-key' });
    expect(probe.models).toContain('tiny-chars');
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
    const added = await servers.add({ name: 'Lab', baseUrl: `${s.url}/`, apiKey: 'sk-stored-key', maxConcurrent: 3 });
    expect(added).toMatchObject({ name: 'Lab', baseUrl: s.url, hasKey: true, maxConcurrent: 3 });
    expect(JSON.stringify(servers.list())).not.toContain('sk-stored-key');
    expect(servers.health(added.id)).toMatchObject({ state: 'ok', models: expect.arrayContaining(['tiny-chars']) });
    const reg = kernel.registeredModels().find((m) => m.id === 'remote:tiny-chars')!;
    expect(reg).toMatchObject({ engine: 'remote', sequences: 3, ramBytes: 0, vramBytes: 0 });
    expect(JSON.stringify(kernel.registeredModels())).not.toContain('sk-stored-key');
    // Stored in this origin's IndexedDB, key included; read back by a new instance.
    const stored = await getSetting<{ apiKey?: string }[]>(await openDb(), 'remote.servers', []);
    expect(stored[0]!.apiKey).toBe('sk-stored-key');
    const again = make();
    await again.ready;
    expect(again.list().map((x) => x.name)).toEqual(['Lab']);
    await servers.remove(added.id);
    expect(servers.list()).toHaveLength(0);
    expect(kernel.registeredModels().some((m) => m.id === 'remote:tiny-chars')).toBe(false);
  });

  test('refuses bad addresses and servers that do not answer, with typed errors', () => {
    expect(() => normaliseBaseUrl('ftp://x/v1')).toThrow(InvalidRequestError);
    expect(() => normaliseBaseUrl('http://user:pw@host/v1')).toThrow(InvalidRequestError);
    expect(() => normaliseBaseUrl('not a url')).toThrow(InvalidRequestError);
    expect(normaliseBaseUrl(' http://127.0.0.1:11434/v1/ ')).toBe('http://127.0.0.1:11434/v1');
  });

  test('a server that does not answer is not added', async () => {
    const { servers } = await setup();
    await expect(servers.add({ name: 'Nobody', baseUrl: 'http://127.0.0.1:9/v1' })).rejects.toBeInstanceOf(RemoteUnavailableError);
    expect(servers.list()).toHaveLength(0);
  });
});

describe('routing app jobs', () => {
  test('the first use of a server by an app asks the user; a refusal is a PermissionError; a grant is kept and revocable', async () => {
    const s = await startServer('grants');
    const { kernel, servers } = await setup();
    const added = await servers.add({ name: 'Lab', baseUrl: s.url });
    const asked: GrantRequest[] = [];
    let answer = false;
    servers.onGrantRequest = async (req) => { asked.push(req); return answer; };
    const session = new AppSession({ kernel, appId: 'writer', name: 'Writer' });
    cleanup.push(() => session.close());
    await expect(session.submit({ model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY })).rejects.toMatchObject({ code: 'PERMISSION_DENIED', details: { reason: 'server-not-granted' } });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ appId: 'writer', appName: 'Writer', model: 'tiny-chars', server: { id: added.id, name: 'Lab' } });
    answer = true;
    const { result } = await readJob(await session.submit({ model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY }));
    expect(result.computedOn).toMatchObject({ kind: 'server', name: 'Lab' });
    expect(servers.grants()).toEqual([expect.objectContaining({ appId: 'writer', serverId: added.id })]);
    await readJob(await session.submit({ model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY }));
    expect(asked).toHaveLength(2); // not asked again once granted
    await servers.revoke('writer', added.id);
    answer = false;
    await expect(session.submit({ model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY })).rejects.toBeInstanceOf(PermissionError);
    // Another app's grant does not carry over; without anyone to ask, a first use is refused.
    servers.onGrantRequest = null;
    const other = new AppSession({ kernel, appId: 'other' });
    cleanup.push(() => other.close());
    await expect(other.submit({ model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY })).rejects.toBeInstanceOf(PermissionError);
  });

  test('routing policy: a local model too big for this device runs on a server only where the app allows it', async () => {
    const s = await startServer('routing');
    const { kernel, servers } = await setup();
    const added = await servers.add({ name: 'Big box', baseUrl: s.url, modelMap: { 'huge-local': 'tiny-chars' } });
    kernel.registerModel({ id: 'huge-local', engine: 'wllama', source: { kind: 'gguf-url', id: 'huge-local', url: '/fixtures/tiny.gguf' }, weightBytes: 64 * 1024 ** 3 });
    servers.onGrantRequest = async () => true;
    const session = new AppSession({ kernel, appId: 'chat' });
    cleanup.push(() => session.close());
    // Default: this device only.
    await expect(session.submit({ model: 'huge-local', messages: MESSAGES, params: GREEDY })).rejects.toBeInstanceOf(ModelTooLargeError);
    await servers.setPolicy('chat', 'device-else-server');
    const { result } = await readJob(await session.submit({ model: 'huge-local', messages: MESSAGES, params: GREEDY }));
    expect(result.computedOn).toEqual({ kind: 'server', serverId: added.id, name: 'Big box' });
    // A model that fits stays here under device-else-server, and goes out under server-preferred.
    kernel.registerModel({ id: 'tiny-chars', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny-chars', url: '/fixtures/tiny-chars.gguf' }, weightBytes: 1024 * 1024, nCtx: 256 });
    const here = await readJob(await session.submit({ model: 'tiny-chars', messages: MESSAGES, params: GREEDY }));
    expect(here.result.computedOn).toEqual({ kind: 'device' });
    await servers.setPolicy('chat', 'server-preferred');
    const there = await readJob(await session.submit({ model: 'tiny-chars', messages: MESSAGES, params: GREEDY }));
    expect(there.result.computedOn).toMatchObject({ kind: 'server', name: 'Big box' });
  });
});
