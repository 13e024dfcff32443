import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTranslator } from './llmos-translator';
import type { SubmitRequest } from '../../kernel/types';
import { describeGguf } from '../../kernel/model-registry';
import { TINY_URL } from '../../../test/helpers/engines';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

/** The tiny fixture with 512 tokens of context: the API keeps half for the output, so a translation ends soon. */
async function addTiny(services: Services): Promise<void> {
  const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 512);
  services.kernel.registerModel({ id: 'tiny', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: cost.nCtx });
  services.addModel({ id: 'tiny', name: 'Fixture tiny', engine: 'wllama', fixture: true, vision: false, memoryMB: null });
}

describe('<llmos-translator> on a real kernel with the tiny fixture', () => {
  let services: Services;
  let sent: SubmitRequest[];
  beforeEach(async () => {
    services = await testServices();
    await addTiny(services);
    sent = [];
    const submit = services.kernel.submit.bind(services.kernel);
    services.kernel.submit = (req) => { sent.push(req); return submit(req); };
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  /** The generations sent (not the one-token counts). */
  const generations = () => sent.filter((r) => r.params?.maxTokens !== 1);

  test('streams the Translator API\'s translation into a live region, as jobs of the window\'s own process', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid, from: 'en', to: 'fr' });
    const out = tr.shadowRoot!.querySelector<HTMLElement>('[part="output"]')!;
    expect(out.getAttribute('aria-live')).toBe('polite');
    const lengths: number[] = [];
    new MutationObserver(() => lengths.push(out.textContent!.length)).observe(out, { subtree: true, childList: true, characterData: true });
    const text = await tr.translateText('The kernel schedules every job.');
    expect(tr.view.error).toBeNull();
    expect(text!.trim().length).toBeGreaterThan(10);
    expect(new Set(lengths).size, 'grew in several steps').toBeGreaterThan(3);
    await tr.updateComplete;
    expect(out.textContent).toBe(text);
    expect(tr.shadowRoot!.querySelector('.meta')!.textContent).toMatch(/^Finished · \d+ characters · \d+\.\d s$/);
    // The API's instruction, sent as a job of the window's process: no process of the API's own.
    const [gen] = generations();
    expect(gen!.pid).toBe(pid);
    expect(gen!.messages![0]!.content).toContain('from English to French');
    expect(gen!.messages!.at(-1)!.content).toContain('The kernel schedules every job.');
    expect(services.kernel.ps().filter((p) => p.appId === 'llmos.translator')).toEqual([]);
    expect(services.kernel.ps().find((p) => p.pid === pid)!.metrics.jobsFinished).toBeGreaterThanOrEqual(1);
  }, 120_000);

  test('one Translator per pair: reused, destroyed by a swap (which moves the translation into the source box) and on close; Stop aborts', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid, from: 'en', to: 'fr' });
    await tr.translateText('Good morning');
    const first = tr.translators.current!;
    expect((await first).targetLanguage).toBe('fr');
    const translated = await tr.translateText('Good evening');
    expect(tr.translators.current).toBe(first);

    tr.shadowRoot!.querySelector<HTMLButtonElement>('button.swap')!.click();
    await tr.updateComplete;
    expect([tr.from, tr.to]).toEqual(['fr', 'en']);
    expect(tr.shadowRoot!.querySelector('textarea')!.value).toBe(translated);
    expect(tr.shadowRoot!.querySelector<HTMLSelectElement>('select[name="from"]')!.value).toBe('fr');
    await expect((await first).translate('Bonjour')).rejects.toThrow(/destroyed/);

    const running = tr.translateText('A longer text that takes a while to translate, sentence after sentence.');
    await until(() => tr.view.text.length > 0, 30_000, 'first tokens');
    expect(generations().at(-1)!.messages![0]!.content).toContain('from French to English');
    tr.view.stop();
    const partial = await running;
    await tr.updateComplete;
    expect(tr.view.outcome!.stopped).toBe(true);
    expect(tr.view.error).toBeNull();
    expect(partial).toBe(tr.view.text);
    expect(tr.shadowRoot!.querySelector('.meta')!.textContent).toMatch(/^Stopped · \d+ characters?/);

    const second = tr.translators.current!;
    tr.remove();
    await expect((await second).translate('Hello')).rejects.toThrow(/destroyed/);
  }, 120_000);

  test('the API\'s rejections are shown in words: a language the model lacks, a text over the quota', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid, from: 'en', to: 'xx' });
    expect(await tr.translateText('Hello')).toBeNull();
    await tr.updateComplete;
    let err = tr.shadowRoot!.querySelector('[part="error"]')!;
    expect(err.getAttribute('data-code')).toBe('NotSupportedError');
    expect(err.getAttribute('role')).toBe('alert');
    expect(err.textContent).toContain('This model cannot handle these languages or options.');
    expect(tr.translators.current, 'a failed create is not kept').toBeNull();

    tr.to = 'de';
    expect(await tr.translateText('word '.repeat(1000))).toBeNull();
    await tr.updateComplete;
    err = tr.shadowRoot!.querySelector('[part="error"]')!;
    expect(err.getAttribute('data-code')).toBe('QuotaExceededError');
    expect(err.textContent).toContain('The text is too long for this model');
    expect(generations()).toEqual([]);
  });

  test('Detect: the LanguageDetector (no model) sets the source language from the text, as a process of its own', async () => {
    const pid = services.kernel.spawn({ name: 'Translator', appId: 'translator' }, { priority: 'normal' });
    const tr = await mount<LlmosTranslator>('llmos-translator', { services, pid, from: 'en', to: 'de' });
    const status = () => tr.shadowRoot!.querySelector('.detected')?.textContent ?? '';
    tr.shadowRoot!.querySelector('textarea')!.value = 'Ceci est une phrase tout à fait ordinaire, écrite en français.';
    tr.shadowRoot!.querySelector<HTMLButtonElement>('button.detect')!.click();
    await until(() => tr.from === 'fr', 30_000, 'French detected');
    await tr.updateComplete;
    expect(status()).toMatch(/^Detected: French \(\d+ %\)$/);
    expect(services.kernel.ps().filter((p) => p.appId === 'llmos.language-detector' && p.state !== 'exited')).toHaveLength(1);
    // Chinese is offered as zh-Hans; the target moves out of the way when it would equal the source.
    expect(await tr.detectLanguage('今天天气很好，我们一起去公园散步吧。')).toBe('zh-Hans');
    expect([tr.from, tr.to]).toEqual(['zh-Hans', 'de']);
    expect(await tr.detectLanguage('Heute ist das Wetter schön, wir gehen spazieren.')).toBe('de');
    expect([tr.from, tr.to]).toEqual(['de', 'zh-Hans']);
    // Text without letters has no language: the source language is kept.
    expect(await tr.detectLanguage('12345 !!! ???')).toBeNull();
    await tr.updateComplete;
    expect(tr.from).toBe('de');
    expect(status()).toBe('The language of the text is unclear.');
    // No generation ran: detection needs no model.
    expect(generations()).toEqual([]);
    tr.remove();
    await until(() => !services.kernel.ps().some((p) => p.appId === 'llmos.language-detector' && p.state !== 'exited'), 5000, 'detector process ended');
  });
});
