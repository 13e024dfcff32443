/**
 * The permission dialog of remote servers: Allow, Don't allow and Escape resolve the question; focus
 * moves into the labelled modal dialog; requests wait their turn. On the desktop, `onGrantRequest` shows
 * it, and "Use a server instead" of the device report opens Settings at Servers.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import './define';
import '../llmos-desktop/define';
import '../llmos-device-report/define';
import type { LlmosServerGrant } from './llmos-server-grant';
import type { LlmosDesktop } from '../llmos-desktop/llmos-desktop';
import type { LlmosDeviceReport } from '../llmos-device-report/llmos-device-report';
import type { GrantRequest } from '../../models/remote/remote-servers';
import type { LlmosOpenAppEvent } from '../../components/shared/desktop-events';
import { deriveBudget, type DeviceProbe } from '../../kernel/device-budget';
import { fullCatalog } from '../../models/catalog';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
const request = (appName = 'Chat', server = 'Ollama box'): GrantRequest => ({
  appId: 'chat', appName, model: 'llama3.2',
  server: { id: 's1', name: server, baseUrl: 'http://192.168.1.20:11434/v1', hasKey: false, maxConcurrent: 4, addedAt: 0 },
});

afterEach(() => document.body.replaceChildren());

describe('<llmos-server-grant>', () => {
  test('Allow resolves true, Don\'t allow and Escape false; a labelled modal dialog that takes focus; one question at a time', async () => {
    const el = await mount<LlmosServerGrant>('llmos-server-grant');
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    expect(dialog.open).toBe(false);

    const first = el.ask(request());
    await until(() => dialog.open, 5000, 'dialog open');
    expect(dialog.matches(':modal')).toBe(true);
    const title = el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    expect(text(title)).toBe('Allow Chat to send prompts to Ollama box (http://192.168.1.20:11434)?');
    expect(text(el.shadowRoot!.getElementById(dialog.getAttribute('aria-describedby')!))).toContain('Model: llama3.2.');
    expect(el.shadowRoot!.activeElement?.getAttribute('data-answer')).toBe('deny');
    // A second request waits until the first is answered.
    const second = el.ask(request('Translator', 'vLLM'));
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[data-answer="allow"]')!.click();
    expect(await first).toBe(true);
    await until(() => dialog.open && text(el.shadowRoot!.querySelector('h2')).startsWith('Allow Translator to send prompts to vLLM'), 5000, 'second question');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[data-answer="deny"]')!.click();
    expect(await second).toBe(false);
    expect(dialog.open).toBe(false);

    const third = el.ask(request());
    await until(() => dialog.open, 5000, 'dialog open again');
    await userEvent.keyboard('{Escape}');
    expect(await third).toBe(false);
    expect(dialog.open).toBe(false);

    // Leaving the page answers no.
    const fourth = el.ask(request());
    el.remove();
    expect(await fourth).toBe(false);
  });
});

describe('on the desktop', () => {
  test('services.servers.onGrantRequest shows the dialog and resolves with the answer; "Use a server instead" opens Settings at Servers', async () => {
    const services = await testServices();
    try {
      services.settings.update({ firstRunDone: true });
      const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
      expect(services.servers.onGrantRequest).toBeTypeOf('function');
      const answer = services.servers.onGrantRequest!(request());
      const grant = await until(() => desk.shadowRoot!.querySelector<LlmosServerGrant>('llmos-server-grant'), 5000, 'grant element');
      const dialog = await until(() => grant.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'), 10_000, 'dialog');
      expect(text(dialog.querySelector('h2'))).toBe('Allow Chat to send prompts to Ollama box (http://192.168.1.20:11434)?');
      grant.shadowRoot!.querySelector<HTMLButtonElement>('button[data-answer="allow"]')!.click();
      expect(await answer).toBe(true);

      // The device report's offer, when nothing fits, asks the desktop for Settings → Servers.
      const noGpu: DeviceProbe = { gpu: null, deviceMemoryGB: 1, hardwareConcurrency: 2, storage: { quotaBytes: 1e9, usageBytes: 0 } };
      const report = document.createElement('llmos-device-report') as LlmosDeviceReport;
      Object.assign(report, { probe: noGpu, budget: deriveBudget(noGpu, { ramMB: 64 }), catalog: fullCatalog({ includeDev: false }), isolated: true });
      const events: LlmosOpenAppEvent[] = [];
      desk.addEventListener('llmos-open-app', (e) => events.push(e));
      desk.shadowRoot!.append(report);
      await report.updateComplete;
      const offer = report.shadowRoot!.querySelector<HTMLButtonElement>('[part="use-server"] button')!;
      expect(text(offer)).toBe('Use a server instead');
      offer.click();
      expect(events[0]!.detail).toEqual({ app: 'settings', section: 'servers' });
      const settings = await until(() => desk.shadowRoot!.querySelector('.window[data-app="settings"] llmos-settings'), 10_000, 'settings window');
      await until(() => settings.shadowRoot?.activeElement?.id === 'h-servers', 10_000, 'Servers heading focused');
      report.remove();

      // Leaving the page: nobody can answer, so nothing is asked.
      desk.remove();
      expect(services.servers.onGrantRequest).toBeNull();
    } finally {
      await disposeServices(services);
    }
  });

  test('the device report offers a server only when no model fits', async () => {
    const noGpu: DeviceProbe = { gpu: null, deviceMemoryGB: 8, hardwareConcurrency: 4, storage: { quotaBytes: 1e9, usageBytes: 0 } };
    const catalog = fullCatalog({ includeDev: false });
    const el = await mount<LlmosDeviceReport>('llmos-device-report', { probe: noGpu, budget: deriveBudget(noGpu), catalog, isolated: true });
    expect(el.recommendation).not.toBeNull();
    expect(el.shadowRoot!.querySelector('[part="use-server"]')).toBeNull();
    el.budget = deriveBudget(noGpu, { ramMB: 64 });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="use-server"]')).not.toBeNull();
  });
});
