import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosDeviceReport } from './llmos-device-report';
import type { LlmosOpenAppEvent } from '../../components/shared/desktop-events';
import { deriveBudget, type DeviceProbe } from '../../kernel/device-budget';
import { fullCatalog } from '../../models/catalog';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

const GiB = 1024 ** 3;
const noGpu: DeviceProbe = { gpu: null, deviceMemoryGB: 4, hardwareConcurrency: 4, storage: { quotaBytes: 5 * GiB, usageBytes: 0 } };
const fact = (el: LlmosDeviceReport, key: string) => el.shadowRoot!.querySelector(`[data-fact="${key}"] dd`)!.textContent!.replace(/\s+/g, ' ').trim();

afterEach(() => document.body.replaceChildren());

describe('<llmos-device-report>', () => {
  test('the real device through a real kernel: SwiftShader adapter, no shader-f16, isolated, a GGUF recommendation', async () => {
    const services = await testServices();
    try {
      const el = await mount<LlmosDeviceReport>('llmos-device-report', { kernel: services.kernel });
      await until(() => el.recommendation, 10_000, 'recommendation');
      await el.updateComplete;
      expect(fact(el, 'webgpu')).toContain('swiftshader');
      expect(fact(el, 'f16')).toBe('no');
      expect(fact(el, 'isolation')).toBe('yes (multithreaded WebAssembly)');
      expect(fact(el, 'slots')).toMatch(/^1 set by you · \d+ threads each$/); // the helper's kernel sets 1 slot
      expect(fact(el, 'threads')).toBe(String(navigator.hardwareConcurrency));
      expect(el.warnings.map((w) => w.kind)).toEqual(['no-f16', 'software-gpu']);
      const rec = el.shadowRoot!.querySelector<HTMLElement>('[part="recommendation"]')!;
      expect(rec.dataset.model).toBe(el.recommendation!.entry.id);
      expect(el.recommendation!.entry.engine).toBe('wllama');
      const events: LlmosOpenAppEvent[] = [];
      el.addEventListener('llmos-open-app', (e) => events.push(e));
      rec.querySelector('button')!.click();
      expect(events[0]!.detail).toEqual({ app: 'models', download: rec.dataset.model });
      // Budget changes show at once.
      services.kernel.setBudget({ ramMB: 3000 });
      await until(() => fact(el, 'ram') === '3,000 MB set by you', 5000, 'ram override');
    } finally {
      await disposeServices(services);
    }
  });

  test('no WebGPU: CPU banner, no adapter; a budget too small for every model says so', async () => {
    const catalog = fullCatalog({ includeDev: false });
    const el = await mount<LlmosDeviceReport>('llmos-device-report', { probe: noGpu, budget: deriveBudget(noGpu, { ramMB: 64 }), catalog, isolated: false });
    await el.updateComplete;
    expect(fact(el, 'webgpu')).toBe('not available');
    expect(fact(el, 'f16')).toBe('–');
    expect(fact(el, 'isolation')).toBe('no (single-threaded WebAssembly)');
    const kinds = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="warning"]')].map((w) => w.dataset.warning);
    expect(kinds).toEqual(['too-small', 'no-webgpu', 'not-isolated']);
    expect(el.shadowRoot!.querySelector('[data-warning="too-small"]')!.textContent).toContain('the budget allows 64 MB');
    expect(el.shadowRoot!.textContent).toContain('No catalog model fits this device\'s budget.');
    el.budget = deriveBudget(noGpu);
    await el.updateComplete;
    expect(el.recommendation!.budget).toBe('ram');
  });
});
