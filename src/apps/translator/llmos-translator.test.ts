import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTranslator } from './llmos-translator';
import { translationPrompt } from './languages';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-translator> on a real kernel with the tiny fixture', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices();
    await addFixtureModel(services);
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('streams the translation into a live region as a job of its own process, then shows the finished state', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid });
    const out = tr.shadowRoot!.querySelector<HTMLElement>('[part="output"]')!;
    expect(out.getAttribute('aria-live')).toBe('polite');
    const lengths: number[] = [];
    new MutationObserver(() => lengths.push(out.textContent!.length)).observe(out, { subtree: true, childList: true, characterData: true });
    const done = tr.translateText('The kernel schedules every job.');
    await until(() => services.kernel.ps().find((p) => p.pid === pid)?.state === 'running' || tr.view.result, 30_000, 'running');
    const text = await done;
    expect(text).not.toBeNull();
    expect(text!.trim().length).toBeGreaterThan(10);
    expect(new Set(lengths).size, 'grew in several steps').toBeGreaterThan(3);
    await tr.updateComplete;
    expect(tr.shadowRoot!.querySelector('.meta')!.textContent).toMatch(/^Reached the token limit · \d+ tokens/);
    expect(services.kernel.ps().find((p) => p.pid === pid)!.metrics.jobsFinished).toBe(1);
  });

  test('the language pair: swap exchanges the languages (and moves the translation into the source box); Stop aborts', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid, from: 'en', to: 'fr' });
    expect(translationPrompt('en', 'fr')).toContain('from English to French');
    await tr.translateText('Good morning');
    const translated = tr.view.text;
    tr.shadowRoot!.querySelector<HTMLButtonElement>('button.swap')!.click();
    await tr.updateComplete;
    expect([tr.from, tr.to]).toEqual(['fr', 'en']);
    expect(tr.shadowRoot!.querySelector('textarea')!.value).toBe(translated);
    expect(tr.shadowRoot!.querySelector<HTMLSelectElement>('select[name="from"]')!.value).toBe('fr');

    const running = tr.translateText('A longer text that takes a while to translate, sentence after sentence.');
    await until(() => tr.view.text.length > 0, 30_000, 'first tokens');
    tr.view.stop();
    const partial = await running;
    await tr.updateComplete;
    expect(tr.view.result!.stopReason).toBe('abort');
    expect(partial).toBe(tr.view.text);
    expect(tr.shadowRoot!.querySelector('.meta')!.textContent).toMatch(/^Stopped · \d+ tokens?/);
  });
});
