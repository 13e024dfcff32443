import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSummariser } from './llmos-summariser';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-summariser> on a real kernel with the tiny fixture', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices();
    await addFixtureModel(services);
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('structured output: the schema (as a grammar for wllama) yields JSON of the right shape, shown and tallied', async () => {
    const pid = services.kernel.spawn({ name: 'Summariser', appId: 'summariser' }, { priority: 'background' });
    const sum = await mount<LlmosSummariser>('llmos-summariser', { services, pid });
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
});
