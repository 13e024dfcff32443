import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSupport } from './llmos-support';
import { FAQ_KEY } from './llmos-support';
import type { GenerateRequest } from '../../protocol/engine';
import { getSetting } from '../../storage/settings';
import exampleFaq from './example-faq.md?raw';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

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
});
