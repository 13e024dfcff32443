import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTaskManager } from './llmos-task-manager';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { memorySettingsStore } from '../../kernel/settings-store';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-task-manager> shows what the kernel contained', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices({ kernelOptions: { settings: memorySettingsStore(), budget: { slots: 1 }, loadTimeoutMs: 6_000, killGraceMs: 300 } });
    await addFixtureModel(services, 'wedge', '/fixtures/tiny-wedge.gguf');
    await addFixtureModel(services, 'wedge-load', '/fixtures/tiny-wedge-load.gguf');
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('a watchdog timeout, the terminated worker and a quarantine are listed in words; Clear lifts the quarantine', async () => {
    const k = services.kernel;
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: k, interval: 200 });
    const root = tm.shadowRoot!;
    expect(root.querySelector('[part="incidents"]')).toBeNull(); // nothing to report yet

    const pid = k.spawn({ name: 'Chat' }, { priority: 'interactive', limits: { firstTokenMs: 1_500 } });
    const wedged = k.submit({ pid, model: 'wedge', messages: [{ role: 'user', content: 'wedge it' }], params: { maxTokens: 4 } });
    await expect(wedged.result).rejects.toMatchObject({ code: 'TIMEOUT' });
    await until(() => root.querySelectorAll('[data-incident="worker-reclaimed"]').length === 1, 10_000, 'reclaimed listed');
    expect(root.querySelector('[data-incident="job-timed-out"]')!.textContent).toMatch(/watchdog: no first token within 1\.5 s/);
    expect(root.querySelector('[data-incident="worker-reclaimed"]')!.textContent).toMatch(/slot 0 \(wedge\) terminated/);

    const hung = k.submit({ pid, model: 'wedge-load', messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 4 } });
    await expect(hung.result).rejects.toMatchObject({ code: 'MODEL_QUARANTINED' });
    await until(() => root.querySelector('[data-quarantined="wedge-load"]') !== null, 10_000, 'quarantine listed');
    expect(root.querySelector('[data-incident="model-quarantined"]')!.textContent).toMatch(/wedge-load quarantined after 2 failed loads \(TIMEOUT\)/);
    root.querySelector<HTMLButtonElement>('[data-quarantined="wedge-load"] button')!.click();
    await tm.updateComplete;
    expect(k.quarantined()).toEqual([]);
    expect(root.querySelector('[data-quarantined]')).toBeNull();
    expect(root.querySelector('[data-incident="model-quarantine-cleared"]')!.textContent).toMatch(/released from quarantine/);
  }, 60_000);
});
