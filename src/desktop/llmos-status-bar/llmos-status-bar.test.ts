import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosStatusBar } from './llmos-status-bar';
import { randomFixtureDefaults as fixtureParams } from '../../api/model-ref';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

const value = (el: LlmosStatusBar, key: string) => el.shadowRoot!.querySelector(`[data-status="${key}"] .value`)!.textContent!.trim();

afterEach(() => document.body.replaceChildren());

describe('<llmos-status-bar> on a real kernel', () => {
  test('budget use, slots, the backend really in use and running processes follow the kernel', async () => {
    const services = await testServices();
    try {
      await addFixtureModel(services);
      const el = await mount<LlmosStatusBar>('llmos-status-bar', { kernel: services.kernel, backends: () => services.backends() });
      await until(() => value(el, 'slots') === '0 of 1 in use', 5000, 'idle slots');
      expect(value(el, 'ram')).toMatch(/^0 MB of [\d,]+ MB$/);
      expect(value(el, 'backend')).toBe('no model loaded');
      expect(el.shadowRoot!.querySelector('[data-status="ram"] [role="meter"]')!.getAttribute('aria-valuenow')).toBe('0');

      const pid = services.kernel.spawn({ name: 'Test' }, { priority: 'normal' });
      await services.kernel.submit({ pid, model: 'tiny', prompt: 'hi', params: { ...fixtureParams(), maxTokens: 4 } }).result;
      await until(() => value(el, 'slots') === '1 of 1 in use', 5000, 'busy slot');
      expect(value(el, 'ram')).toMatch(/^\d+ MB of [\d,]+ MB$/);
      expect(Number(el.shadowRoot!.querySelector('[data-status="ram"] [role="meter"]')!.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
      await until(() => /^wllama · (CPU \(wasm, \d+ threads?\)|WebGPU)$/.test(value(el, 'backend')), 5000, 'backend');
      expect(value(el, 'processes')).toBe('1');
      expect(value(el, 'network')).toBe(navigator.onLine ? 'Online' : 'Offline');
      services.kernel.kill(pid);
      await until(() => value(el, 'processes') === '0', 5000, 'process gone');
    } finally {
      await disposeServices(services);
    }
  });
});
