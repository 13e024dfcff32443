import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSummariser } from './llmos-summariser';
import type { SubmitRequest } from '../../kernel/types';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-summariser> on a real kernel with the tiny fixture', () => {
  let services: Services;
  let sent: SubmitRequest[];
  /** The generations sent (not the one-token counts). */
  const generations = () => sent.filter((r) => r.params?.maxTokens !== 1);
  const $ = <T extends Element>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
  const choose = async (el: LlmosSummariser, name: string, value: string) => {
    const select = $<HTMLSelectElement>(el, `select[name="${name}"]`);
    select.value = value;
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
  };
  beforeEach(async () => {
    services = await testServices();
    await addFixtureModel(services);
    sent = [];
    const submit = services.kernel.submit.bind(services.kernel);
    services.kernel.submit = (req) => { sent.push(req); return submit(req); };
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('structured output: the schema (as a grammar for wllama) yields JSON of the right shape, shown and tallied', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
    expect(sum.mode, 'the summary mode first').toBe('summary');
    const a = await sum.analyse('The parcel arrived two weeks late and nobody answered my e-mails. The product itself is fine.');
    await sum.updateComplete;
    // A random-weight model writes nonsense, but the constraint makes it valid JSON of the schema.
    expect(sum.view.error).toBeNull();
    expect(JSON.parse(sum.view.text)).toBeTypeOf('object');
    expect(a).not.toBeNull();
    expect(['positive', 'neutral', 'negative']).toContain(a!.sentiment);
    expect(a!.keyPoints.length).toBeGreaterThanOrEqual(1);
    const result = sum.shadowRoot!.querySelector('[part="result"]')!;
    expect(result.querySelector('[data-sentiment]')!.getAttribute('data-sentiment')).toBe(a!.sentiment);
    expect(result.querySelectorAll('li')).toHaveLength(a!.keyPoints.length);
    expect(sum.tally[a!.sentiment]).toBe(1);
    expect(sum.mode).toBe('monitor');
    expect($(sum, '[role="tab"][aria-selected="true"]').textContent).toBe('Sentiment monitor');
    expect(sum.shadowRoot!.querySelector('[part="raw"]')!.textContent).toBe(sum.view.text);
  });

  test('an upload fills the text box; output that is not the schema is an error in words with the raw text', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
    const input = sum.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
    const dt = new DataTransfer();
    dt.items.add(new File(['Great service, fast delivery.'], 'review.txt', { type: 'text/plain' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await new Promise((r) => setTimeout(r, 50));
    expect(sum.shadowRoot!.querySelector('textarea')!.value).toBe('Great service, fast delivery.');

    // A backend that ignores the constraint: the app must refuse its output, not show it as an analysis.
    services.backend = () => ({
      generate: async (_req, onToken) => {
        onToken({ text: 'Sure! Here is a summary: it was great.', index: 0 });
        return { text: '', stopReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, ttftMs: 1, decodeTokensPerSec: 0, prefillTokensPerSec: 0, totalMs: 1 } };
      },
    });
    expect(await sum.analyse()).toBeNull();
    await sum.updateComplete;
    const err = sum.shadowRoot!.querySelector('[part="error"]')!;
    expect(err.getAttribute('data-code')).toBe('OUTPUT_INVALID');
    expect(err.textContent).toContain('The model output did not match the requested format.');
    expect(sum.shadowRoot!.querySelector('[part="result"]')).toBeNull();
    expect(sum.tally).toEqual({ positive: 0, neutral: 0, negative: 0 });
  });

  test('summary mode: the Summarizer API with the chosen type, length and format streams into a live region, in the window\'s process', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
    await choose(sum, 'type', 'headline');
    await choose(sum, 'format', 'plain-text');
    expect([sum.summaryType, sum.summaryLength, sum.summaryFormat]).toEqual(['headline', 'short', 'plain-text']);
    const out = $<HTMLElement>(sum, '[part="summary"]');
    expect(out.getAttribute('aria-live')).toBe('polite');
    const lengths: number[] = [];
    new MutationObserver(() => lengths.push(out.textContent!.length)).observe(out, { subtree: true, childList: true, characterData: true });
    $<HTMLTextAreaElement>(sum, 'textarea').value = 'The city council voted to build a new bridge over the river next year.';
    $<HTMLButtonElement>(sum, '[role="tabpanel"] button.primary').click();
    await until(() => sum.summaryView.outcome ?? sum.summaryView.error, 60_000, 'the summary');
    await sum.updateComplete;
    expect(sum.summaryView.error).toBeNull();
    expect(sum.summaryView.text.trim().length).toBeGreaterThan(0);
    expect(new Set(lengths).size, 'grew in several steps').toBeGreaterThan(2);
    expect(out.textContent).toBe(sum.summaryView.text);
    expect($(sum, '.meta').textContent).toMatch(/^Finished · \d+ characters? · \d+\.\d s$/);
    const [gen] = generations();
    expect(gen!.pid).toBe(pid);
    expect(gen!.messages![0]!.content).toMatch(/one headline.*at most 12 words/);
    expect(gen!.messages!.at(-1)!.content).toContain('a new bridge');
    expect(services.kernel.ps().filter((p) => p.appId === 'llmos.summarizer')).toEqual([]);

    // Same options: the instance is reused; another type makes a new one and destroys the old.
    const first = sum.summarizers.current!;
    await sum.summarise();
    expect(sum.summarizers.current).toBe(first);
    await choose(sum, 'type', 'tldr');
    expect(sum.summarizers.current).toBeNull();
    await expect((await first).summarize('More text.')).rejects.toThrow(/destroyed/);
    const running = sum.summarise();
    await until(() => sum.summaryView.text.length > 0, 30_000, 'first tokens');
    expect(generations().at(-1)!.messages![0]!.content).toContain('TL;DR');
    sum.summaryView.stop();
    expect(await running).toBe(sum.summaryView.text);
    await sum.updateComplete;
    expect(sum.summaryView.outcome!.stopped).toBe(true);
    expect($(sum, '.meta').textContent).toMatch(/^Stopped · /);
  }, 120_000);

  test('markdown summaries are rendered sanitised (as the chat renders them), plain text is shown as written', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
    const hostile = '- **bold** point\n- [link](javascript:alert(1)) <img src=x onerror="alert(1)">';
    // What a model could write: the display of the view's text, without running one.
    sum.summaryView.text = hostile;
    sum.requestUpdate();
    await sum.updateComplete;
    const out = $<HTMLElement>(sum, '[part="summary"]');
    expect(out.querySelectorAll('li')).toHaveLength(2);
    expect(out.querySelector('strong')!.textContent).toBe('bold');
    expect(out.querySelector('img')).toBeNull();
    expect(out.querySelector('a')?.getAttribute('href') ?? null).toBeNull();
    expect(out.textContent).toContain('<img src=x onerror="alert(1)">');
    await choose(sum, 'format', 'plain-text');
    expect(out.querySelector('li')).toBeNull();
    expect(out.textContent).toBe(hostile);
  });

  test('the modes are tabs: arrow keys move between them and select the panel; the text box is shared', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
    const tabs = [...sum.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    expect(tabs.map((t) => [t.textContent, t.getAttribute('aria-selected'), t.tabIndex])).toEqual([['Summary', 'true', 0], ['Sentiment monitor', 'false', -1]]);
    expect($(sum, '[role="tabpanel"]').getAttribute('aria-labelledby')).toBe(tabs[0]!.id);
    $<HTMLTextAreaElement>(sum, 'textarea').value = 'kept';
    tabs[0]!.focus();
    tabs[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await sum.updateComplete;
    expect(sum.mode).toBe('monitor');
    expect($(sum, '[role="tabpanel"]').id).toBe(`${tabs[1]!.id}-panel`);
    expect($(sum, '[role="tabpanel"] button.primary').textContent).toBe('Analyse');
    await until(() => sum.shadowRoot!.activeElement === tabs[1], 2000, 'focus on the selected tab');
    expect($<HTMLTextAreaElement>(sum, 'textarea').value).toBe('kept');
    tabs[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await sum.updateComplete;
    expect(sum.mode).toBe('summary');
    expect($(sum, '[role="tabpanel"] select[name="length"]')).not.toBeNull();
  });
});
