/**
 * The status bar where every tab shares one kernel: real `TabKernel`s in one page stand for tabs (the
 * first of a fresh namespace hosts, with the engine workers); the tab that does not host has
 * `DesktopServices` on its `TabKernel`, as the desktop of a second tab does — no engine of its own.
 */
import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosStatusBar } from './llmos-status-bar';
import { randomFixtureDefaults as fixtureParams } from '../../api/model-ref';
import { TabKernel } from '../../kernel/cross-tab/tab-kernel';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { openTabs } from '../../../test/helpers/tabs';

const value = (el: LlmosStatusBar, key: string) => el.shadowRoot!.querySelector(`[data-status="${key}"] .value`)?.textContent?.trim() ?? null;

let tabs: TabKernel[] = [];
afterEach(() => {
  document.body.replaceChildren();
  for (const t of tabs) t.shutdown();
  tabs = [];
});


describe('<llmos-status-bar> on a kernel that several tabs share', () => {
  test('a tab that does not host says which tab does, and that the loaded engine runs there (not "no model loaded"); it follows host-changed', async () => {
    const [a, b] = await openTabs(2, tabs, 'status-test');
    const services = await testServices({ kernel: b! });
    try {
      await addFixtureModel(services);
      const el = await mount<LlmosStatusBar>('llmos-status-bar', { kernel: b, backends: () => services.backends() });
      expect(value(el, 'kernel')).toBe('tab «tab 0»');
      expect(value(el, 'backend')).toBe('no model loaded');
      const hostBar = await mount<LlmosStatusBar>('llmos-status-bar', { kernel: a });
      expect(value(hostBar, 'kernel')).toBe('this tab');

      const pid = b!.spawn({ name: 'Test' }, { priority: 'normal' });
      await b!.submit({ pid, model: 'tiny', prompt: 'hi', params: { ...fixtureParams(), maxTokens: 4 } }).result;
      // The model stays loaded in tab 0's engine worker; this tab has none to ask.
      expect(await services.backends()).toEqual([]);
      await until(() => value(el, 'slots') === '1 of 1 in use', 5000, 'busy slot');
      await until(() => value(el, 'backend') === 'in tab «tab 0»', 5000, 'engine in the host tab');
      expect(value(el, 'processes')).toBe('1');

      a!.shutdown(); // the host tab closes: this one hosts the kernel now
      await until(() => value(el, 'kernel') === 'this tab', 5000, 'this tab hosts');
      expect(el.shadowRoot!.querySelector('[data-status="kernel"]')!.getAttribute('data-host')).toBe('local');
    } finally {
      await disposeServices(services);
    }
  });
});
