import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import { TOOLS_KEY, type LlmosChatApp } from './llmos-chat-app';
import { getConversation, listConversations } from '../../storage/conversations';
import { getSetting } from '../../storage/settings';
import type { LlmosDeleteRequestEvent } from '../../components/shared/desktop-events';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { imageBlob } from '../../../test/helpers/images';

type Services = Awaited<ReturnType<typeof testServices>>;

async function openApp(services: Services): Promise<LlmosChatApp> {
  const pid = services.kernel.spawn({ name: 'Chat', appId: 'chat' }, { priority: 'interactive' });
  const app = await mount<LlmosChatApp>('llmos-chat-app', { services, pid });
  await app.ready;
  await app.updateComplete;
  return app;
}
const q = <T extends Element = HTMLElement>(app: LlmosChatApp, sel: string) => app.shadowRoot!.querySelector<T>(sel)!;

describe('<llmos-chat-app> on a real kernel with the tiny fixture', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices();
    await addFixtureModel(services);
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('a reply is saved in IndexedDB while it streams (each chunk), with the system prompt and model', async () => {
    const app = await openApp(services);
    const chat = app.chat!;
    expect(chat.backend).not.toBeNull();
    expect(chat.params.logitBias?.[3]).toBe(-100); // fixture: byte tokens banned
    const sys = q<HTMLTextAreaElement>(app, 'textarea#system');
    sys.value = 'You are terse.';
    sys.dispatchEvent(new Event('change'));
    chat.maxTokens = 400;
    const db = await services.db();
    const id = app.current!.id;
    const snapshots: number[] = [];
    const sent = chat.send('Hello, save me as I go');
    // While the reply streams, the stored conversation already holds part of it.
    await until(async () => {
      const c = await getConversation(db, id);
      const len = c?.messages[2]?.content.length ?? 0;
      if (chat.busy && len > 0 && len !== snapshots.at(-1)) snapshots.push(len);
      return snapshots.length >= 3;
    }, 30_000, 'partial saves');
    // Three different, growing lengths were stored before the reply ended.
    expect(snapshots[2]!).toBeGreaterThan(snapshots[1]!);
    expect(snapshots[1]!).toBeGreaterThan(snapshots[0]!);
    await sent;
    const c = (await until(async () => {
      const r = await getConversation(db, id);
      return r?.messages[2]?.content === chat.transcript[1]!.content ? r : null;
    }, 5000, 'final save'))!;
    expect(c.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(c.messages[0]!.content).toBe('You are terse.');
    expect(c.title).toBe('Hello, save me as I go');
    expect(c.modelId).toBe('tiny');
    expect(c.appId).toBe('chat');
  });

  test('conversations list, reopen, new, and delete (after a cancelable request)', async () => {
    const app = await openApp(services);
    app.chat!.maxTokens = 8;
    await app.chat!.send('First conversation');
    app.newConversation();
    await app.updateComplete;
    expect(app.chat!.entries).toHaveLength(0);
    await app.chat!.send('Second conversation');
    await until(async () => (await listConversations(await services.db(), 'chat')).length === 2, 5000, 'two saved');
    await app.updateComplete;
    const items = [...app.shadowRoot!.querySelectorAll<HTMLButtonElement>('.convs button')];
    expect(items.map((b) => b.textContent!.trim())).toEqual(['Second conversation', 'First conversation']);
    expect(items[0]!.getAttribute('aria-current')).toBe('true');

    items[1]!.click();
    await app.updateComplete;
    expect(app.chat!.transcript[0]).toEqual({ role: 'user', content: 'First conversation' });

    // A listener may keep the conversation; otherwise Delete removes it from the list and the database.
    const refuse = (e: LlmosDeleteRequestEvent) => e.preventDefault();
    app.addEventListener('llmos-delete-request', refuse, { once: true });
    const del = q<HTMLButtonElement>(app, 'button[aria-label^="Delete conversation"]');
    del.click();
    await new Promise((r) => setTimeout(r, 100));
    expect(await listConversations(await services.db(), 'chat')).toHaveLength(2);
    del.click();
    await until(async () => (await listConversations(await services.db(), 'chat')).length === 1, 5000, 'deleted');
    await app.updateComplete;
    expect(app.current!.title).toBe('Second conversation');
  });

  test('a reopened app restores the newest conversation; images only for a model that takes them', async () => {
    const app = await openApp(services);
    app.chat!.maxTokens = 8;
    await app.chat!.send('Remember me');
    await until(async () => (await listConversations(await services.db(), 'chat')).length === 1, 5000, 'saved');
    app.remove();
    const again = await openApp(services);
    expect(again.chat!.transcript.map((m) => m.content)[0]).toBe('Remember me');
    expect(again.chat!.shadowRoot!.querySelector('[part="attach"]')).toBeNull();

    await addFixtureModel(services, 'seeing', undefined, { vision: true });
    again.model = 'seeing';
    await again.updateComplete;
    await again.chat!.updateComplete;
    expect(again.chat!.acceptsImages).toBe(true);
    expect(again.chat!.shadowRoot!.querySelector('[part="attach"] input[type="file"]')).not.toBeNull();
  });

  test('an image message goes to the vision model through the kernel and is saved with the conversation', async () => {
    await addFixtureModel(services, 'seeing', undefined, { vision: true });
    const app = await openApp(services);
    app.model = 'seeing';
    await app.updateComplete;
    const chat = app.chat!;
    await chat.updateComplete;
    chat.maxTokens = 6;
    await chat.attachFiles([new File([await imageBlob('#39c', 300, 200)], 'sky.png', { type: 'image/png' })]);
    expect(chat.images).toHaveLength(1);
    const url = chat.images[0]!;
    const r = await chat.send('');
    expect(r?.usage.completionTokens).toBe(6);
    // 16 image tokens and the chat template: more than the empty text alone could make.
    expect(r!.usage.promptTokens).toBeGreaterThan(16);
    const db = await services.db();
    const saved = (await until(async () => {
      const c = await getConversation(db, app.current!.id);
      return c?.messages.length === 2 && c.messages[1]!.content ? c : null;
    }, 5000, 'saved'))!;
    expect(saved.messages[0]).toEqual({ role: 'user', content: '', images: [url] });
    expect(saved.title).toBe('Image');
    expect(saved.modelId).toBe('seeing');
    // A text-only model in the same conversation gets the words only (the kernel would refuse the image).
    app.model = 'tiny';
    await app.updateComplete;
    await chat.updateComplete;
    expect(chat.acceptsImages).toBe(false);
    const text = await chat.send('and in words?');
    expect(text?.usage.completionTokens).toBe(6);
  });

  test('tools are off until switched on; the choice is saved; a forced call runs the real tool and shows its card', async () => {
    const app = await openApp(services);
    const chat = app.chat!;
    expect(chat.tools).toEqual([]);
    const section = q<HTMLDetailsElement>(app, 'details.tools');
    expect(section.querySelector('summary')!.textContent!.trim()).toBe('Tools: off');
    const boxes = [...section.querySelectorAll<HTMLInputElement>('input[type="checkbox"][name="tool"]')];
    expect(boxes.map((b) => [b.value, b.checked])).toEqual([['knowledge_lookup', false], ['calculator', false], ['current_time', false]]);
    // Each switch has a name in words (its label).
    for (const b of boxes) expect(b.closest('label')!.textContent!.trim().length).toBeGreaterThan(3);

    boxes[2]!.click();
    const db = await services.db();
    await until(async () => (await getSetting<string[]>(db, TOOLS_KEY, [])).includes('current_time'), 5000, 'tool choice saved');
    await app.updateComplete;
    expect(section.querySelector('summary')!.textContent!.trim()).toBe('Tools: 1 on');
    expect(chat.tools.map((t) => t.name)).toEqual(['current_time']);
    // The fixture: a call's format needs the ASCII byte tokens ('<' is byte 0x3C, id 63); the others stay banned.
    expect(chat.params.logitBias?.[63]).toBe(0);
    expect(chat.params.logitBias?.[3 + 0xc3]).toBe(-100);

    chat.params = { ...chat.params, toolChoice: { name: 'current_time' } };
    chat.maxToolRounds = 1;
    chat.maxTokens = 100;
    const before = Date.now();
    const r = await chat.send('What time is it?');
    await chat.updateComplete;
    const card = chat.shadowRoot!.querySelector<HTMLDetailsElement>('details[part="tool-call"]')!;
    expect(card.dataset.tool).toBe('current_time');
    expect(card.dataset.state).toBe('done');
    const args = JSON.parse(card.querySelector('[part="tool-arguments"]')!.textContent!) as { zone?: string };
    expect([undefined, 'local', 'UTC']).toContain(args.zone);
    const result = JSON.parse(card.querySelector('[part="tool-result"]')!.textContent!) as { iso: string; timeZone: string; local: string };
    expect(result.timeZone).toBe(args.zone === 'UTC' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(Date.parse(result.iso)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(result.iso)).toBeLessThanOrEqual(Date.now());
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);

    // The saved conversation keeps the tool steps: reopened, it shows the same card.
    const saved = (await until(async () => {
      const c = await getConversation(db, app.current!.id);
      return c?.messages.length === 4 && c.messages[3]!.content === r!.text ? c : null;
    }, 5000, 'saved'))!;
    expect(saved.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(saved.messages[1]!.toolCalls![0]!.name).toBe('current_time');

    // A new window restores the choice; switching the tool off takes it away again.
    app.remove();
    const again = await openApp(services);
    await until(() => again.chat!.shadowRoot!.querySelector('details[part="tool-call"]'), 5000, 'card restored with the conversation');
    expect(again.enabledTools).toEqual(['current_time']);
    expect(again.chat!.tools.map((t) => t.name)).toEqual(['current_time']);
    q<HTMLInputElement>(again, 'input[name="tool"][value="current_time"]').click();
    await until(async () => (await getSetting<string[]>(db, TOOLS_KEY, ['x'])).length === 0, 5000, 'tool off saved');
    await again.updateComplete;
    expect(again.chat!.tools).toEqual([]);
    expect(again.chat!.params.logitBias?.[63]).toBe(-100);
  }, 180_000);
});
