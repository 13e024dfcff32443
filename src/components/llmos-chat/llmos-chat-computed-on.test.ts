/**
 * The reply badge of `<llmos-chat>`: each finished reply says where it was computed, from the kernel's
 * `JobResult.computedOn` — "on server {name}" for a model of a REAL OpenAI-compatible test server
 * (`test/remote-server/`), "on this device" for a local fixture model — kept in the messages (never sent
 * to a model) and shown again after `load()`; a conversation saved before it existed shows no badge.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosChat } from './llmos-chat';
import type { ChatBackend } from './chat-backend';
import type { GenerateRequest } from '../../protocol/engine';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';
import { killServer, startServer, type TestServer } from '../../../test/helpers/remote';

type Services = Awaited<ReturnType<typeof testServices>>;
const badges = (el: LlmosChat) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.message.assistant [part="computed-on"]')];

/** Byte tokens and specials banned, EOS ignored: the tiny fixtures then write plain characters. */
const BIAS: Record<number, number> = { 0: -100, 1: -100, 2: -100, 259: -100 };
for (let id = 3; id < 3 + 256; id++) BIAS[id] = -100;

/** Records what the chat sends, then passes it on. */
function recording(inner: ChatBackend, seen: GenerateRequest[]): ChatBackend {
  return { generate: (req, onToken, signal) => { seen.push(structuredClone(req)); return inner.generate(req, onToken, signal); } };
}

let server: TestServer;
beforeAll(async () => { server = await startServer('ui-chat'); });
afterAll(async () => { await killServer('ui-chat').catch(() => undefined); });

describe('<llmos-chat> reply badge', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('"on server {name}" for a reply a server computed, "on this device" for a local one; kept in the messages, not sent to the model', async () => {
    const view = await services.servers.add({ name: 'Test box', baseUrl: server.url });
    await addFixtureModel(services, 'tiny');
    const pid = services.kernel.spawn({ name: 'Chat', appId: 'chat' }, { priority: 'interactive' });
    await services.servers.grant('chat', view.id);
    const seen: GenerateRequest[] = [];
    const el = await mount<LlmosChat>('llmos-chat', { params: { temperature: 0, logitBias: BIAS, ignoreEos: true }, maxTokens: 8 });

    el.backend = recording(services.backend(pid, 'remote:tiny-chars'), seen);
    const remote = await el.send('Hello');
    expect(remote?.computedOn).toEqual({ kind: 'server', serverId: view.id, name: 'Test box' });
    await el.updateComplete;
    expect(badges(el).map((b) => [b.dataset.computedOn, b.textContent])).toEqual([['server', 'on server Test box']]);
    expect(badges(el)[0]!.dataset.server).toBe(view.id);

    el.backend = recording(services.backend(pid, 'tiny'), seen);
    const local = await el.send('And here?');
    expect(local?.computedOn).toEqual({ kind: 'device' });
    await el.updateComplete;
    expect(badges(el).map((b) => [b.dataset.computedOn, b.textContent])).toEqual([['server', 'on server Test box'], ['device', 'on this device']]);

    // The messages carry where each reply was computed; the model never sees it.
    const messages = el.messages;
    expect(messages.filter((m) => m.role === 'assistant').map((m) => m.computedOn)).toEqual([
      { kind: 'server', serverId: view.id, name: 'Test box' }, { kind: 'device' },
    ]);
    expect(seen).toHaveLength(2);
    expect(JSON.stringify(seen[1]!.messages)).not.toContain('computedOn');

    // Saved and loaded again: the badges come back; a reply saved before the field existed has none, and
    // a malformed stored value is ignored.
    const stored = JSON.parse(JSON.stringify(messages)) as typeof messages;
    el.load([...stored, { role: 'user', content: 'old' }, { role: 'assistant', content: 'old reply' },
      { role: 'user', content: 'bad' }, { role: 'assistant', content: 'bad reply', computedOn: { kind: 'server' } as never }]);
    await el.updateComplete;
    expect(badges(el).map((b) => b.textContent)).toEqual(['on server Test box', 'on this device']);
    expect(el.shadowRoot!.querySelectorAll('.message.assistant')).toHaveLength(4);
  });
});
