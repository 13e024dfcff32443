/**
 * The task manager's Servers section, with the desktop's `RemoteServers` and a REAL OpenAI-compatible
 * test server (`test/remote-server/`): name, state, latency, and the tokens/s of the last job it ran.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTaskManager } from './llmos-task-manager';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { killServer, startServer, type TestServer } from '../../../test/helpers/remote';

type Services = Awaited<ReturnType<typeof testServices>>;
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

let server: TestServer;
beforeAll(async () => { server = await startServer('ui-tasks'); });
afterAll(async () => { await killServer('ui-tasks').catch(() => undefined); });

describe('<llmos-task-manager> Servers', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('no section without servers; with one: its state, latency, and tokens/s after a job it computed', async () => {
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: services.kernel, servers: services.servers, interval: 200 });
    expect(tm.shadowRoot!.querySelector('[part="servers"]')).toBeNull();

    const view = await services.servers.add({ name: 'Test box', baseUrl: server.url });
    const row = await until(() => tm.shadowRoot!.querySelector<HTMLElement>(`[part="servers"] tr[data-server="${view.id}"]`), 5000, 'server row');
    expect(text(row.querySelector('th'))).toBe('Test box');
    expect(row.dataset.state).toBe('ok');
    expect(text(row.querySelector('.state'))).toBe('answering');
    expect(text(row.querySelector('[data-col="latency"]'))).toMatch(/^\d+ ms$/);
    expect(text(row.querySelector('[data-col="rate"]'))).toBe('–');

    // A job on the server's model (the app may use the server): its decode speed shows.
    const pid = services.kernel.spawn({ name: 'Tasks test', appId: 'tasks-test' }, { priority: 'normal' });
    const job = services.kernel.submit({ pid, model: 'remote:tiny-chars', messages: [{ role: 'user', content: 'Hi' }], params: { maxTokens: 12, temperature: 0, servers: [view.id] } });
    const result = await job.result;
    expect(result.computedOn).toEqual({ kind: 'server', serverId: view.id, name: 'Test box' });
    await until(() => Number(text(tm.shadowRoot!.querySelector(`tr[data-server="${view.id}"] [data-col="rate"]`))) > 0, 5000, 'tokens/s');
    expect(services.servers.tokensPerSec(view.id)).toBeGreaterThan(0);

    // A server that stops answering says so at its next check.
    await killServer('ui-tasks');
    await services.servers.check(view.id);
    await until(() => tm.shadowRoot!.querySelector<HTMLElement>(`tr[data-server="${view.id}"]`)?.dataset.state === 'down', 5000, 'down');
    expect(text(tm.shadowRoot!.querySelector(`tr[data-server="${view.id}"] .state`))).toBe('not answering');

    await services.servers.remove(view.id);
    await until(() => !tm.shadowRoot!.querySelector('[part="servers"]'), 5000, 'section gone');
  });
});
