import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSettings } from './llmos-settings';
import type { LlmosSettingsChangeEvent } from '../../components/shared/desktop-events';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;
const $ = <T extends Element = HTMLElement>(el: LlmosSettings, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const MiB = 1024 * 1024;

describe('<llmos-settings>', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('budgets: Apply sets the kernel budget; a bad value is a BudgetError in words and changes nothing; estimates restore', async () => {
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    const form = $<HTMLFormElement>(el, 'form.budget');
    const input = (n: string) => form.querySelector<HTMLInputElement>(`input[name="${n}"]`)!;
    expect(input('vram').placeholder).toMatch(/^\d+$/); // the estimate shows where no override is set
    input('vram').value = '512';
    input('slots').value = '2';
    form.requestSubmit();
    await el.updateComplete;
    expect(services.kernel.budget).toMatchObject({ vramBytes: 512 * MiB, slots: 2, source: { vram: 'override', slots: 'override', ram: 'probe' } });
    expect($(el, '.ok[role="status"]').textContent).toBe('Budget applied.');

    // The browser refuses a negative number itself (min=0); the kernel refuses 17 slots (at most 16).
    input('ram').value = '-3';
    expect(form.checkValidity()).toBe(false);
    input('ram').value = '';
    input('slots').value = '17';
    form.requestSubmit();
    await el.updateComplete;
    const err = $(el, '.error[role="alert"]');
    expect(err.dataset.code).toBe('BUDGET_INVALID');
    expect(err.textContent).toContain('The memory budget setting is invalid.');
    expect(services.kernel.budget!.slots).toBe(2);

    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('form.budget button')].find((b) => b.textContent === 'Use estimates')!.click();
    await el.updateComplete;
    expect(services.kernel.budget!.source).toEqual({ vram: 'probe', ram: 'probe', slots: 'probe' });
    expect(el.shadowRoot!.querySelector('.error')).toBeNull();
  });

  test('default model and priority per app, keep-alive, theme and language are saved and announced', async () => {
    await addFixtureModel(services);
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    const keys: string[] = [];
    el.addEventListener('llmos-settings-change', (e: LlmosSettingsChangeEvent) => keys.push(e.detail.key));
    const change = (sel: string, value: string) => {
      const s = $<HTMLSelectElement>(el, sel);
      s.value = value;
      s.dispatchEvent(new Event('change'));
    };
    change('tr[data-app="translator"] select[aria-label="Default model of Translator"]', 'tiny');
    change('tr[data-app="summariser"] select[aria-label="Priority of Summariser"]', 'interactive');
    change('select[name="keepAlive"]', '-1');
    $<HTMLInputElement>(el, 'input[name="theme"][value="dark"]').click();
    change('select[name="locale"]', 'zh-Hans');
    expect(services.settings.value).toMatchObject({
      defaultModels: { translator: 'tiny' }, keepAliveMs: -1, theme: 'dark', locale: 'zh-Hans',
      priorities: { summariser: 'interactive', chat: 'interactive' },
    });
    expect(keys).toEqual(['defaultModels', 'priorities', 'keepAliveMs', 'theme', 'locale']);
    expect(services.modelFor('translator')).toBe('tiny');
    expect(services.settings.priorityOf('summariser')).toBe('interactive');
    // The language menu names each language in itself.
    expect([...el.shadowRoot!.querySelectorAll('select[name="locale"] option')].map((o) => o.textContent)).toEqual(['English', '简体中文']);
  });
  test('model sites for /v1: a line that is not an origin is shown and nothing is saved; valid origins are saved normalised', async () => {
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    const keys: string[] = [];
    el.addEventListener('llmos-settings-change', (e: LlmosSettingsChangeEvent) => keys.push(e.detail.key));
    const form = $<HTMLFormElement>(el, 'form.origins');
    const area = form.querySelector('textarea')!;
    expect(area.value).toBe('');
    area.value = 'https://huggingface.co/\nhuggingface.co/models\n';
    form.requestSubmit();
    await el.updateComplete;
    expect($(el, '.error[role="alert"]').textContent).toBe('Not a site origin: huggingface.co/models');
    expect(services.settings.value.remoteModelOrigins).toEqual([]);
    area.value = ' https://huggingface.co/ \n\nHTTP://Models.Example:8080';
    form.requestSubmit();
    await el.updateComplete;
    expect(services.settings.value.remoteModelOrigins).toEqual(['https://huggingface.co', 'http://models.example:8080']);
    expect($(el, '.ok[role="status"]').textContent).toBe('Sites saved.');
    expect(el.shadowRoot!.querySelector('.error')).toBeNull();
    expect(keys).toEqual(['remoteModelOrigins']);
    expect(area.value).toBe('https://huggingface.co\nhttp://models.example:8080');
  });
});
