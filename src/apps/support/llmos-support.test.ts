import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSupport } from './llmos-support';
import { FAQ_KEY } from './llmos-support';
import { makeUsage, type GenerateRequest } from '../../protocol/engine';
import { BAN_NON_ASCII_BYTES } from '../../../test/helpers/api';
import { BENCH_URL } from '../../../test/helpers/engines';
import { describeGguf } from '../../kernel/model-registry';
import { getSetting } from '../../storage/settings';
import exampleFaq from './example-faq.md?raw';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

/** The larger random-weight fixture (2048 tokens of context), registered as `bench`. */
async function addBench(services: Services): Promise<void> {
  const cost = await describeGguf(await (await fetch(BENCH_URL)).blob());
  services.kernel.registerModel({
    id: 'bench', engine: 'wllama', source: { kind: 'gguf-url', id: 'bench', url: BENCH_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: cost.nCtx,
  });
  services.addModel({ id: 'bench', name: 'Fixture bench-40m', engine: 'wllama', fixture: true, vision: false, memoryMB: null });
}

describe('<llmos-support> grounded in a FAQ, on a real kernel with the tiny fixture', () => {
  let services: Services;
  let requests: GenerateRequest[];
  beforeEach(async () => {
    services = await testServices();
    await addFixtureModel(services);
    // Record what reaches the kernel (the real backend still answers).
    requests = [];
    const real = services.backend.bind(services);
    services.backend = (pid, model) => {
      const b = real(pid, model);
      return { generate: (req, onToken, signal) => { requests.push(req); return b.generate(req, onToken, signal); } };
    };
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('each answer quotes the best FAQ passages in the system prompt and lists them as sources', async () => {
    const pid = services.kernel.spawn({ name: 'Customer service', appId: 'support' }, { priority: 'interactive' });
    const app = await mount<LlmosSupport>('llmos-support', { services, pid });
    await app.ready;
    await app.setFaq(exampleFaq);
    expect(await getSetting(await services.db(), FAQ_KEY, '')).toBe(exampleFaq);
    await app.updateComplete;
    const chat = app.chat!;
    chat.maxTokens = 24;
    // On the tiny fixture's 1024 tokens the FAQ search is not offered (see below): the prompt alone grounds.
    expect(chat.tools).toEqual([]);
    const r = await chat.send('How long does delivery take?');
    expect(r?.stopReason).toBe('length');
    const sys = requests[0]!.messages![0]!;
    expect(sys.role).toBe('system');
    expect(sys.content).toContain('Standard delivery takes 3–5 business days');
    expect(sys.content).toMatch(/```faq\n\[Q\d+\]/);
    expect(requests[0]!.messages!.filter((m) => m.role === 'system')).toHaveLength(1);
    await app.updateComplete;
    const sources = app.shadowRoot!.querySelector('[part="sources"]')!;
    expect(sources.querySelector('li')!.textContent).toContain('delivery');

    // A follow-up is grounded in its own question.
    await chat.send('How do I reset my password?');
    expect(requests[1]!.messages![0]!.content).toContain('reset link');
    expect(requests[1]!.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  test('without a FAQ the prompt says nothing matches; the FAQ persists across windows', async () => {
    const pid = services.kernel.spawn({ name: 'Customer service', appId: 'support' }, { priority: 'interactive' });
    const app = await mount<LlmosSupport>('llmos-support', { services, pid });
    await app.ready;
    app.chat!.maxTokens = 8;
    await app.chat!.send('Where is my order?');
    expect(requests[0]!.messages![0]!.content).toContain('No FAQ passage matches this question.');
    expect(app.shadowRoot!.querySelector('details.faq')!.hasAttribute('open')).toBe(true);

    await app.setFaq('Orders ship from Berlin.');
    app.remove();
    const again = await mount<LlmosSupport>('llmos-support', { services, pid });
    await again.ready;
    expect(again.faq).toBe('Orders ship from Berlin.');
  });

  test('the model may search the FAQ (lookup_faq) on every question; a forced search runs the real tool and shows its card', async () => {
    // The rules, the passages and the tool prompt take about 970 of the tiny fixture's 1024 tokens (its
    // vocabulary spends about a token per character): the larger random-weight fixture has a 2048-token
    // context and a larger vocabulary, room for the call.
    await addBench(services);
    const pid = services.kernel.spawn({ name: 'Customer service', appId: 'support' }, { priority: 'interactive' });
    const app = await mount<LlmosSupport>('llmos-support', { services, pid, model: 'bench' });
    await app.ready;
    await app.setFaq('Orders ship from Berlin within two days.\n\nReturns are free for thirty days.');
    await app.updateComplete;
    const chat = app.chat!;
    expect(chat.tools.map((t) => t.name)).toEqual(['lookup_faq']);
    // The tool itself, on a query of its own: the passages that match, quoted with their tags.
    const found = await app.lookUp('free returns');
    expect(found).toContain('```faq\n[Q2] Returns are free for thirty days.\n```');
    expect(await app.lookUp('zebra')).toBe('No FAQ passage or fact matches "zebra".');

    // The fixture makes the call when it is forced; greedy, non-ASCII byte tokens banned (the app's own parameters).
    expect(chat.params.logitBias?.[3 + 0xe2]).toBe(BAN_NON_ASCII_BYTES[String(3 + 0xe2)]);
    chat.params = { ...chat.params, toolChoice: { name: 'lookup_faq' } };
    chat.maxToolRounds = 1;
    chat.maxTokens = 160;
    const r = await chat.send('Where do orders ship from?');
    await chat.updateComplete;
    expect(r).not.toBeNull();
    expect(requests).toHaveLength(2);
    expect(requests[0]!.tools!.map((t) => t.name)).toEqual(['lookup_faq']);
    expect(requests[1]!.tools).toBeUndefined();
    // Both generations are grounded in the FAQ for the customer's question, and the second has the result.
    for (const q of requests) expect(q.messages![0]!.content).toContain('[Q1] Orders ship from Berlin');
    expect(requests[1]!.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);

    const card = chat.shadowRoot!.querySelector<HTMLDetailsElement>('details[part="tool-call"]')!;
    expect(card.dataset.tool).toBe('lookup_faq');
    expect(card.dataset.state).toBe('done');
    const { query } = JSON.parse(card.querySelector('[part="tool-arguments"]')!.textContent!) as { query: string };
    expect(query.length).toBeGreaterThan(0);
    expect(query.length).toBeLessThanOrEqual(80);
    const result = card.querySelector('[part="tool-result"]')!.textContent!;
    expect(result).toBe(requests[1]!.messages!.at(-1)!.content);
    expect(result).toContain(JSON.stringify(query));
    // The sources: the passage the question matched stays listed after the search.
    await app.updateComplete;
    expect(app.sources.map((s) => s.tag)).toContain('Q1');
    expect(app.shadowRoot!.querySelector('[part="sources"] li[data-tag="Q1"]')).not.toBeNull();
  }, 180_000);

  test("a search the model makes: its card quotes the passages found, which join the question's in the sources", async () => {
    // Test double, clearly not a model: first a call of lookup_faq, then an answer.
    const replies = ['<tool_call>\n{"name": "lookup_faq", "arguments": {"query": "forgot password"}}\n</tool_call>', 'See [Q1].'];
    const seen: GenerateRequest[] = [];
    services.backend = () => ({
      generate: async (req, onToken) => {
        seen.push(req);
        const text = replies[seen.length - 1] ?? '';
        onToken({ text, index: 0 });
        return { text, stopReason: 'stop', usage: makeUsage(0, 0, 1, 1, 1) };
      },
    });
    const pid = services.kernel.spawn({ name: 'Customer service', appId: 'support' }, { priority: 'interactive' });
    // The tiny fixture's 1024 tokens leave no room for the tool: it is not offered there.
    const small = await mount<LlmosSupport>('llmos-support', { services, pid });
    await small.ready;
    expect(small.chat!.tools).toEqual([]);
    small.remove();
    await addBench(services);
    const app = await mount<LlmosSupport>('llmos-support', { services, pid, model: 'bench' });
    await app.ready;
    await app.setFaq(exampleFaq);
    await app.updateComplete;
    expect(app.chat!.tools.map((t) => t.name)).toEqual(['lookup_faq']);
    const r = await app.chat!.send('How long does delivery take?');
    expect(r!.text).toBe('See [Q1].');
    expect(seen).toHaveLength(2);
    await app.updateComplete;
    const card = app.chat!.shadowRoot!.querySelector<HTMLElement>('details[part="tool-call"]')!;
    expect(card.dataset.state).toBe('done');
    expect(card.querySelector('[part="tool-result"]')!.textContent).toContain('reset link');
    const tags = app.sources.map((x) => x.tag);
    const delivery = app.sources.find((x) => x.text.includes('Standard delivery takes 3–5 business days'))!;
    const password = app.sources.find((x) => x.text.includes('reset link'))!;
    expect(tags.indexOf(delivery.tag)).toBe(0); // the question's passages first
    expect(tags).toContain(password.tag);
    expect(new Set(tags).size).toBe(tags.length);
    expect(app.shadowRoot!.querySelector(`[part="sources"] li[data-tag="${password.tag}"]`)).not.toBeNull();
    // The answer after the search is still grounded in the customer's question.
    expect(seen[1]!.messages![0]!.content).toContain('Standard delivery takes 3–5 business days');
  });
});
