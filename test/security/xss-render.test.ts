/**
 * Model output carrying script, HTML and link payloads renders inert in the real `<llmos-chat>` (this
 * page has no Content-Security-Policy, so only the sanitiser stands between the payload and the page):
 *  - every payload of the corpus, as a stored reply, and
 *  - the same payloads *streamed by a real model* (the tiny fixture, forced by a GBNF grammar to emit
 *    them token by token) through a real kernel, watched after every DOM mutation.
 * No script runs (a flag the payloads set stays unset, no dialog opens), the page does not navigate,
 * and the rendered DOM holds no active element, handler or dangerous URL; clicking every link does not
 * navigate this page.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import '../../src/components/llmos-chat/define';
import type { LlmosChat } from '../../src/components/llmos-chat/llmos-chat';
import { KernelChatBackend } from '../../src/components/llmos-chat/kernel-chat-backend';
import type { Kernel } from '../../src/kernel/kernel';
import { faultCase } from '../faults/reliability';
import { fixtureKernel } from '../helpers/api';
import { XSS_PAYLOADS, literalGrammar, unsafeNodes } from './payloads';

type Flags = { __xss?: unknown; alert: (m?: unknown) => void; confirm: (m?: unknown) => boolean; prompt: (m?: unknown) => string | null };
const w = window as unknown as Flags;
const dialogs: unknown[] = [];
const saved = { alert: w.alert, confirm: w.confirm, prompt: w.prompt };
const href = location.href;
let kernel: Kernel;
let chat: LlmosChat;

beforeAll(async () => {
  w.alert = (m) => void dialogs.push(m);
  w.confirm = (m) => { dialogs.push(m); return false; };
  w.prompt = (m) => { dialogs.push(m); return null; };
  kernel = await fixtureKernel({ nCtx: 2048 });
  chat = document.createElement('llmos-chat') as LlmosChat;
  document.body.append(chat);
  await chat.updateComplete;
});
afterAll(() => {
  Object.assign(w, saved);
  chat.remove();
  kernel.shutdown();
});

/** Let handlers that would fire (onerror, onload, ontoggle, autofocus) have their chance. */
const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100)));

/** Every rendered message body (the chat's own controls are not model output). */
const bodies = () => [...chat.shadowRoot!.querySelectorAll('.message [part="content"]')];

function expectInert() {
  expect(bodies().flatMap((b) => unsafeNodes(b))).toEqual([]);
  expect(w.__xss).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(location.href).toBe(href);
}

/** Click every link of the reply; a click may open a new tab (target=_blank) but never navigates this page. */
function clickAll(root: ParentNode): string[] {
  const hrefs: string[] = [];
  const stop = (ev: Event) => { hrefs.push((ev.target as Element).closest('a')?.getAttribute('href') ?? ''); ev.preventDefault(); };
  root.addEventListener('click', stop);
  for (const a of root.querySelectorAll('a')) a.click();
  root.removeEventListener('click', stop);
  return hrefs;
}

describe('untrusted model output renders inert', () => {
  faultCase('security: model output', `${XSS_PAYLOADS.length} script/HTML/link payloads as a stored reply in <llmos-chat>`, 'no script, dialog or navigation; no active element, handler or javascript:/data: URL', async () => {
    for (const payload of XSS_PAYLOADS) {
      chat.load([{ role: 'user', content: 'say it' }, { role: 'assistant', content: `Here it is:\n\n${payload}\n\nthe end` }]);
      await chat.updateComplete;
      await settle();
      const reply = chat.shadowRoot!.querySelector('.message.assistant [part="content"]')!;
      expect(reply, payload).toBeTruthy();
      expect(unsafeNodes(reply), payload).toEqual([]);
      expect(w.__xss, payload).toBeUndefined();
      for (const h of clickAll(reply)) expect(h, payload).toMatch(/^(https?:|mailto:|#|\/|\.{0,2}\/|[^:]*$)/i);
    }
    expectInert();
  });

  faultCase('security: model output', 'the payloads streamed token by token by a real model through the kernel', 'inert after every DOM mutation, partial markup included', async () => {
    const text = [0, 1, 2, 4, 9, 12].map((i) => XSS_PAYLOADS[i]).join('\n\n');
    chat.load([]);
    chat.backend = new KernelChatBackend({ kernel, model: 'tiny', appId: 'test.xss' });
    // The model is forced by a grammar to say exactly the payloads; EOS ends it once they are out.
    chat.params = { grammar: literalGrammar(text), ignoreEos: false, temperature: 0 };
    chat.maxTokens = 1500;
    const violations: string[] = [];
    let checks = 0;
    const watch = new MutationObserver(() => {
      checks++;
      for (const b of bodies()) violations.push(...unsafeNodes(b));
      if (w.__xss !== undefined) violations.push(`flag ${String(w.__xss)}`);
    });
    watch.observe(chat.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
    const result = await chat.send('Repeat the payloads.');
    watch.disconnect();
    await settle();
    expect(result?.stopReason).toBe('stop');
    expect(result?.text).toBe(text);
    expect(checks).toBeGreaterThan(40); // it really streamed
    expect(violations).toEqual([]);
    const reply = chat.shadowRoot!.querySelector('.message.assistant [part="content"]')!;
    expect(reply.textContent).toContain('onerror'); // shown as text, not run
    clickAll(reply);
    expectInert();
  }, 120_000);
});
