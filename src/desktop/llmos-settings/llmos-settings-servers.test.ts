/**
 * Settings → Servers against a REAL OpenAI-compatible server (llama.cpp through node-llama-cpp, started
 * by the test servers' manager, `test/remote-server/`): Test shows its models and latency, Add stores it
 * (the key never shows again), failures are said in words, Remove asks first; Apps and servers sets a
 * routing policy and revokes a grant.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSettings } from './llmos-settings';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { killServer, startServer, type TestServer } from '../../../test/helpers/remote';

type Services = Awaited<ReturnType<typeof testServices>>;
const $ = <T extends Element = HTMLElement>(el: LlmosSettings, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = <T extends Element = HTMLElement>(el: LlmosSettings, sel: string) => [...el.shadowRoot!.querySelectorAll<T>(sel)];
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
const KEY = 'sk-ui-secret-4711';

let server: TestServer;
beforeAll(async () => { server = await startServer('ui-settings', { apiKey: KEY }); });
afterAll(async () => { await killServer('ui-settings').catch(() => undefined); });

function fill(el: LlmosSettings, values: Record<string, string>): HTMLFormElement {
  const form = $<HTMLFormElement>(el, 'form.add-server')!;
  for (const [name, value] of Object.entries(values)) {
    (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement).value = value;
  }
  return form;
}
const click = (el: LlmosSettings, sel: string) => $<HTMLButtonElement>(el, sel)!.click();

describe('<llmos-settings> Servers', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('Test shows the models and latency; Add stores the server (key never shown); the model appears under "On servers"; Remove asks first', async () => {
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    expect($(el, '#h-servers')).not.toBeNull();
    expect(text($(el, '#servers .privacy'))).toContain('Nothing leaves this device unless you allow an app to use a server');
    expect($(el, '#servers [data-empty]')).not.toBeNull();
    const form = fill(el, { name: 'Test box', baseUrl: server.url, apiKey: KEY, maxConcurrent: '2', modelMap: 'tiny = tiny-chars' });
    expect((form.elements.namedItem('apiKey') as HTMLInputElement).type).toBe('password');

    click(el, 'button[data-action="test"]');
    const result = await until(() => $(el, '.test-result[role="status"]'), 30_000, 'test result');
    expect(text(result)).toMatch(/^It answers in \d+ ms and serves 1 models: tiny-chars$/);
    expect(Number(result.dataset.latency)).toBeGreaterThanOrEqual(0);
    expect(services.servers.list()).toEqual([]); // Test adds nothing

    click(el, 'button[data-action="add"]');
    await until(() => $(el, '[data-added]'), 30_000, 'added');
    expect(text($(el, '[data-added]'))).toBe('Added Test box.');
    const [view] = services.servers.list();
    expect(view).toMatchObject({ name: 'Test box', baseUrl: server.url, hasKey: true, maxConcurrent: 2, modelMap: { tiny: 'tiny-chars' } });
    const row = await until(() => $(el, `tr[data-server="${view!.id}"]`), 5000, 'row');
    expect(text(row.querySelector('th'))).toBe('Test box');
    expect(text(row.querySelector('.address'))).toBe(server.url);
    expect(text(row.querySelector('[data-col="key"]'))).toBe('yes');
    expect(row.querySelector('[data-state="ok"]')).not.toBeNull();
    expect(text(row.querySelector('.latency'))).toMatch(/^\d+ ms$/);
    expect(text(row.querySelector('[data-col="models"]'))).toBe('tiny-chars');
    // The form is cleared, and the key is nowhere on the page.
    expect((form.elements.namedItem('apiKey') as HTMLInputElement).value).toBe('');
    expect(el.shadowRoot!.innerHTML).not.toContain(KEY);

    // The server's model is offered as a default model, grouped under "On servers" with the server's name.
    const select = $<HTMLSelectElement>(el, 'tr[data-app="chat"] select')!;
    const groups = [...select.querySelectorAll('optgroup')].map((g) => g.label);
    expect(groups).toEqual(['On servers']);
    const opt = select.querySelector<HTMLOptionElement>('optgroup[label="On servers"] option')!;
    expect([opt.value, text(opt)]).toEqual(['remote:tiny-chars', 'tiny-chars — on Test box']);

    // Remove: confirmed in place; Cancel keeps it.
    click(el, `tr[data-server="${view!.id}"] button[data-action="remove"]`);
    await el.updateComplete;
    expect(text($(el, `tr[data-server="${view!.id}"] .confirm`))).toBe('Remove Test box?');
    click(el, 'button[data-action="cancel-remove"]');
    await el.updateComplete;
    expect(services.servers.list()).toHaveLength(1);
    click(el, `tr[data-server="${view!.id}"] button[data-action="remove"]`);
    await el.updateComplete;
    click(el, 'button[data-action="confirm-remove"]');
    await until(() => services.servers.list().length === 0 && !$(el, 'tr[data-server]'), 5000, 'removed');
    expect($(el, '#servers [data-empty]')).not.toBeNull();
    expect(services.models().some((m) => m.id === 'remote:tiny-chars')).toBe(false);
  });

  test('failures in words: a wrong key, a bad address, a bad mapping line, nothing listening', async () => {
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    /** Click Test and wait for the error that says `words` (a fast failure may replace the last one at once). */
    const tryTest = async (words: string) => {
      click(el, 'button[data-action="test"]');
      return until(() => {
        const e = $(el, 'form.add-server .error[role="alert"]');
        return e && text(e).includes(words) ? e : null;
      }, 30_000, words);
    };
    fill(el, { name: 'Wrong key', baseUrl: server.url, apiKey: 'not-the-key' });
    let err = await tryTest('The server refused the key, or it needs one.');
    expect(err.dataset.code).toBe('PERMISSION_DENIED');

    fill(el, { name: 'Bad', baseUrl: 'ftp://127.0.0.1/v1', apiKey: '' });
    // The browser accepts ftp: as a URL; the server list refuses it.
    err = await tryTest('must start with http:// or https://');
    expect(err.dataset.code).toBe('INVALID_REQUEST');
    expect(text(err)).toContain('Check what you entered.');

    fill(el, { name: 'Map', baseUrl: server.url, apiKey: KEY, modelMap: 'tiny = tiny-chars\njust-a-name' });
    err = await tryTest('Line 2 of the model mapping is not "local model = server model".');
    expect(err.dataset.code).toBe('INVALID_REQUEST');

    fill(el, { name: 'Nobody', baseUrl: 'http://127.0.0.1:9/v1', modelMap: '' });
    err = await tryTest('The server did not answer.');
    expect(err.dataset.code).toBe('REMOTE_UNAVAILABLE');
    // Add refuses a server that does not answer, too.
    click(el, 'button[data-action="add"]');
    await until(() => $(el, 'form.add-server .error[data-code="REMOTE_UNAVAILABLE"]') && !$<HTMLButtonElement>(el, 'button[data-action="add"]')!.disabled, 30_000, 'add refused');
    expect(services.servers.list()).toEqual([]);
  });

  test('Apps and servers: the routing policy per app, the servers it may use, Revoke', async () => {
    const view = await services.servers.add({ name: 'Box', baseUrl: server.url, apiKey: KEY });
    await services.servers.grant('translator', view.id);
    await services.servers.grant('embedded.example', view.id);
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    // Built-in apps, then any other app with a grant or a policy.
    expect($$(el, 'table.app-servers tbody tr').map((r) => r.dataset.app)).toEqual(['chat', 'translator', 'summariser', 'writing', 'support', 'knowledge', 'embedded.example']);
    expect(text($(el, 'table.app-servers tr[data-app="chat"] td:last-child'))).toBe('None yet: it asks you the first time.');
    expect(text($(el, 'table.app-servers tr[data-app="translator"] .grants li span'))).toBe('Box');

    const policy = $<HTMLSelectElement>(el, 'table.app-servers tr[data-app="chat"] select[name="policy"]')!;
    expect(policy.getAttribute('aria-label')).toBe('Where Chat runs');
    expect([...policy.options].map((o) => [o.value, o.textContent])).toEqual([
      ['device', 'This device only'], ['device-else-server', 'This device, else a server'], ['server-preferred', 'Prefer a server'],
    ]);
    expect(policy.value).toBe('device');
    policy.value = 'server-preferred';
    policy.dispatchEvent(new Event('change'));
    await until(() => services.servers.policy('chat') === 'server-preferred', 5000, 'policy');

    const revoke = $<HTMLButtonElement>(el, 'table.app-servers tr[data-app="translator"] button[data-action="revoke"]')!;
    expect(revoke.getAttribute('aria-label')).toBe('Revoke Box for Translator');
    revoke.click();
    await until(() => !services.servers.isGranted('translator', view.id), 5000, 'revoked');
    await until(() => text($(el, 'table.app-servers tr[data-app="translator"] td:last-child')) === 'None yet: it asks you the first time.', 5000, 'row updated');
    expect(services.servers.isGranted('embedded.example', view.id)).toBe(true);

    // reveal('servers') moves focus to the section's heading.
    await el.reveal('servers');
    expect(el.shadowRoot!.activeElement?.id).toBe('h-servers');
  });
});
