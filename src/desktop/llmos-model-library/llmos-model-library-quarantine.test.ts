import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosModelLibrary } from './llmos-model-library';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { memorySettingsStore } from '../../kernel/settings-store';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-model-library> marks a quarantined model', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices({ kernelOptions: { settings: memorySettingsStore(), budget: { slots: 1 }, loadTimeoutMs: 5_000 } });
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('an imported model whose template loops at load is quarantined by the kernel; its row says so; Clear lifts it', async () => {
    const el = await mount<LlmosModelLibrary>('llmos-model-library', { services });
    const lib = await services.library();
    const bytes = await (await fetch('/fixtures/tiny-wedge-load.gguf')).blob();
    const entry = await lib.importFiles([new File([bytes], 'tiny-wedge-load.gguf')]);
    await until(() => services.kernel.registeredModels().some((m) => m.id === entry.id), 10_000, 'registered');
    const pid = services.kernel.spawn({ name: 'Chat' }, { priority: 'interactive' });
    const h = services.kernel.submit({ pid, model: entry.id, messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 2 } });
    await expect(h.result).rejects.toMatchObject({ code: 'MODEL_QUARANTINED' });
    const mark = () => el.shadowRoot!.querySelector(`li[data-model="${CSS.escape(entry.id)}"] [data-quarantined]`);
    await until(() => mark() !== null, 10_000, 'quarantine shown');
    expect(mark()!.textContent).toMatch(/failed to load 2 times in a row \(TIMEOUT\)/);
    mark()!.querySelector('button')!.click();
    await until(() => mark() === null, 5_000, 'cleared');
    expect(services.kernel.quarantined()).toEqual([]);
  }, 60_000);
});
