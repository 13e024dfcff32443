import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import './define';
import type { LlmosWriting } from './llmos-writing';
import type { SubmitRequest } from '../../kernel/types';
import { describeGguf } from '../../kernel/model-registry';
import { applyCorrections, type ProofreadResult } from '../../api/builtin-ai/proofread-corrections';
import { TINY_URL } from '../../../test/helpers/engines';
import { appById } from '../../desktop/registry';
import { APP_LOADERS } from '../../desktop/app-loaders';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

/**
 * One kernel for the file, with the tiny fixture at 1024 tokens of context: the Proofreader keeps half
 * for its answer, room enough for the random-weight model's whole JSON (its strings end at maxLength).
 */
let services: Services;
let sent: SubmitRequest[] = [];
beforeAll(async () => {
  services = await testServices();
  const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 1024);
  services.kernel.registerModel({ id: 'tiny', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: cost.nCtx });
  services.addModel({ id: 'tiny', name: 'Fixture tiny', engine: 'wllama', fixture: true, vision: false, memoryMB: null });
  const submit = services.kernel.submit.bind(services.kernel);
  services.kernel.submit = (req) => { sent.push(req); return submit(req); };
});
afterAll(async () => {
  document.body.replaceChildren();
  await disposeServices(services);
});

/** The last generation sent (not a one-token count). */
const lastGeneration = () => [...sent].reverse().find((r) => r.params?.maxTokens !== 1)!;
const $ = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const $$ = <T extends Element = HTMLElement>(el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<T>(sel)];

async function open(): Promise<{ app: LlmosWriting; pid: number }> {
  document.body.replaceChildren();
  sent = [];
  const pid = services.kernel.spawn({ name: 'Writing', appId: 'writing' }, { priority: 'normal' });
  return { app: await mount<LlmosWriting>('llmos-writing', { services, pid }), pid };
}

async function choose(app: LlmosWriting, name: string, value: string): Promise<void> {
  const select = $<HTMLSelectElement>(app, `[role="tabpanel"] select[name="${name}"]`);
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await app.updateComplete;
}

async function type(app: LlmosWriting, id: string, text: string): Promise<void> {
  const box = $<HTMLTextAreaElement>(app, `textarea#${id}`);
  box.value = text;
  box.dispatchEvent(new Event('input'));
  await app.updateComplete;
}

describe('<llmos-writing> on a real kernel with the tiny fixture', () => {
  test('is a desktop app: a process per window, of normal priority by default, its element loaded on first open', async () => {
    const app = appById('writing')!;
    expect([app.tag, app.icon, app.process, app.multi, app.title()]).toEqual(['llmos-writing', 'writing', true, true, 'Writing']);
    expect(services.settings.priorityOf('writing')).toBe('normal');
    await APP_LOADERS.writing();
    expect(customElements.get('llmos-writing')).toBeDefined();
  });

  test('Write: the Writer with the chosen tone, length and format streams into a live region, in the window\'s process', async () => {
    const { app, pid } = await open();
    expect($$(app, '[role="tab"]').map((t) => t.textContent)).toEqual(['Write', 'Rewrite', 'Proofread']);
    await type(app, 'write-task', 'A note thanking a colleague.');
    await choose(app, 'tone', 'formal');
    await choose(app, 'format', 'plain-text');
    const out = $(app, '[part="output"]');
    expect(out.getAttribute('aria-live')).toBe('polite');
    const lengths: number[] = [];
    new MutationObserver(() => lengths.push(out.textContent!.length)).observe(out, { subtree: true, childList: true, characterData: true });
    $<HTMLButtonElement>(app, '[role="tabpanel"] button.primary').click();
    await until(() => app.writeView.outcome ?? app.writeView.error, 90_000, 'the text');
    await app.updateComplete;
    expect(app.writeView.error).toBeNull();
    expect(app.writeView.text.trim().length).toBeGreaterThan(0);
    expect(new Set(lengths).size, 'grew in several steps').toBeGreaterThan(3);
    expect(out.textContent).toBe(app.writeView.text);
    expect($(app, '.meta').textContent).toMatch(/^Finished · \d+ characters? · \d+\.\d s$/);
    const r = lastGeneration();
    expect(r.pid).toBe(pid);
    expect(r.messages![0]!.content).toMatch(/a formal tone/);
    expect(r.messages!.at(-1)!.content).toContain('A note thanking a colleague.');
    expect(services.kernel.ps().filter((p) => p.appId?.startsWith('llmos.'))).toEqual([]);
  }, 120_000);

  test('Rewrite: tone and length reach the Rewriter; Stop keeps the part so far; "Replace the text" puts the result in place', async () => {
    const { app } = await open();
    $<HTMLButtonElement>(app, '#tab-rewrite').click();
    await app.updateComplete;
    await type(app, 'rewrite-text', 'We hereby inform you that the meeting is postponed.');
    await choose(app, 'tone', 'more-casual');
    await choose(app, 'length', 'shorter');
    const use = () => $<HTMLButtonElement>(app, 'button.use');
    expect(use().disabled).toBe(true);
    const running = app.rewrite();
    await until(() => app.rewriteView.text.length > 0, 60_000, 'first tokens');
    expect(lastGeneration().messages![0]!.content).toMatch(/more casual.*shorter/);
    expect(lastGeneration().messages![1]!.content).toBe('We hereby inform you that the meeting is postponed.');
    app.rewriteView.stop();
    const partial = await running;
    await app.updateComplete;
    expect(partial).toBe(app.rewriteView.text);
    expect(app.rewriteView.outcome!.stopped).toBe(true);
    expect($(app, '.meta').textContent).toMatch(/^Stopped · /);
    expect(use().disabled).toBe(false);
    use().click();
    await app.updateComplete;
    expect($<HTMLTextAreaElement>(app, 'textarea#rewrite-text').value).toBe(partial!.trim());
  }, 120_000);

  describe('Proofread', () => {
    const input = 'can you profread fir me';
    let result: ProofreadResult;
    let app: LlmosWriting;

    test('the Proofreader\'s corrections show inline: the original struck through, the correction, its type and explanation', async () => {
      ({ app } = await open());
      $<HTMLButtonElement>(app, '#tab-proofread').click();
      await app.updateComplete;
      await type(app, 'proof-text', input);
      $<HTMLButtonElement>(app, '[role="tabpanel"] button.primary').click();
      await until(() => app.proofView.outcome ?? app.proofView.error, 90_000, 'the proofreading');
      await app.updateComplete;
      expect(app.proofView.error).toBeNull();
      expect(lastGeneration().params?.jsonSchema ?? lastGeneration().params?.grammar).toBeTruthy();
      result = app.proofResult!;
      expect(result.correctedInput).not.toBe(input);
      expect(applyCorrections(input, result.corrections!)).toBe(result.correctedInput);
      const fixes = $$(app, '[part="review"] .fix');
      expect(fixes.length).toBeGreaterThan(0);
      expect(fixes).toHaveLength(app.review!.suggestions.length);
      for (const [i, s] of app.review!.suggestions.entries()) {
        const fix = fixes[i]!;
        expect(fix.querySelector('del')?.textContent ?? '').toBe(s.original);
        expect(fix.querySelector('ins')?.textContent ?? '').toBe(s.correction);
        expect(fix.querySelector('.kind')!.textContent!.length).toBeGreaterThan(0);
        expect(fix.title).toContain(s.explanation!);
        expect(fix.querySelector('button.accept')!.getAttribute('aria-label')).toMatch(new RegExp(`^Accept correction ${i + 1}: `));
      }
      // The plain runs and the originals are the input.
      const shown = $(app, '[part="review"]').cloneNode(true) as HTMLElement;
      shown.querySelectorAll('ins, .kind, button').forEach((n) => n.remove());
      expect(shown.textContent).toBe(input);
      expect($(app, '[role="tabpanel"] p.meta[role="status"]').textContent).toMatch(/^\d+ corrections? to review\.$/);
      // A phone's width: everything wraps, nothing scrolls sideways.
      app.style.cssText = 'display: flex; width: 390px; height: 700px';
      await app.updateComplete;
      for (const el of [app, $(app, '.toolbar'), $(app, '.pane'), $(app, '[part="review"]')]) expect(el.scrollWidth, el.className).toBeLessThanOrEqual(el.clientWidth + 1);
    }, 120_000);

    test('rejecting one leaves its original span; accepting the rest gives the corrected text minus that one', async () => {
      const corrections = result.corrections!;
      const first = app.review!.suggestions[0]!;
      $<HTMLButtonElement>(app, '.fix button.reject').click();
      await app.updateComplete;
      expect(app.review!.suggestions.map((s) => s.id)).not.toContain(first.id);
      expect($<HTMLTextAreaElement>(app, 'textarea#proof-text').value).toBe(input);
      // One by one, from the first still open (the indices after each accept move).
      while ($$(app, '.fix button.accept').length) {
        $<HTMLButtonElement>(app, '.fix button.accept').click();
        await app.updateComplete;
      }
      const text = $<HTMLTextAreaElement>(app, 'textarea#proof-text').value;
      expect(text).toBe(applyCorrections(input, corrections.slice(1)));
      expect(text.slice(first.start, first.end)).toBe(first.original);
      expect($(app, '[role="tabpanel"] p.meta[role="status"]').textContent).toBe('No corrections left to review.');
    });

    test('Accept all gives correctedInput; editing the text drops the review', async () => {
      // The same result again, reviewed afresh.
      app.reviewCorrections(input, result);
      await app.updateComplete;
      expect($<HTMLTextAreaElement>(app, 'textarea#proof-text').value).toBe(input);
      $<HTMLButtonElement>(app, 'button.accept-all').click();
      await app.updateComplete;
      expect($<HTMLTextAreaElement>(app, 'textarea#proof-text').value).toBe(result.correctedInput);
      expect($$(app, '.fix')).toHaveLength(0);
      expect($<HTMLButtonElement>(app, 'button.accept-all').disabled).toBe(true);
      app.reviewCorrections(input, result);
      await app.updateComplete;
      expect($$(app, '.fix').length).toBeGreaterThan(0);
      await type(app, 'proof-text', 'something else');
      expect(app.review).toBeNull();
      expect($(app, '[part="review"]')).toBeNull();
    });
  });
});
