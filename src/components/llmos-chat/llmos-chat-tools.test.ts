/**
 * `<llmos-chat>` with `tools`: the tool loop over a real kernel and the random-weight fixture (held to
 * valid calls by the grammar; a named `toolChoice` forces the call), the cards, and the history; plus
 * scripted-backend tests for what no random model can be made to do on cue (a call streamed in pieces,
 * Stop while a tool runs).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import './define';
import type { LlmosChat, RunnableTool } from './llmos-chat';
import type { ChatBackend } from './chat-backend';
import { KernelChatBackend } from './kernel-chat-backend';
import type { Kernel } from '../../kernel/kernel';
import { makeUsage, type GenerateRequest, type GenerateResult, type TokenEvent } from '../../protocol/engine';
import { BAN_NON_ASCII_BYTES, fixtureKernel } from '../../../test/helpers/api';
import type { LlmosDoneEvent, LlmosTokenEvent } from '../shared/generation-events';

const TOPIC = {
  type: 'object',
  properties: { topic: { enum: ['tea', 'coffee'] } },
  required: ['topic'],
  additionalProperties: false,
};

/** Records every request on its way to the real backend. */
function recording(base: ChatBackend): ChatBackend & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return { requests, generate: (req, onToken, signal) => { requests.push(structuredClone(req)); return base.generate(req, onToken, signal); } };
}

async function mount(attrs: Record<string, string> = {}): Promise<LlmosChat> {
  const el = document.createElement('llmos-chat');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const cards = (el: LlmosChat) => [...el.shadowRoot!.querySelectorAll<HTMLDetailsElement>('details[part="tool-call"]')];
const part = (card: Element, name: string) => card.querySelector<HTMLElement>(`[part="${name}"]`)!;
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

afterEach(() => document.body.replaceChildren());

describe('<llmos-chat> tools over a real kernel and the tiny fixture', () => {
  let kernel: Kernel;
  let backend: KernelChatBackend;
  beforeAll(async () => {
    kernel = await fixtureKernel({ nCtx: 1024 });
    backend = new KernelChatBackend({ kernel, model: 'tiny', appId: 'test.chat-tools' });
  });
  afterAll(() => {
    backend.close();
    kernel.shutdown();
  });

  /**
   * Greedy, non-ASCII byte tokens banned (a call needs the ASCII ones); the call is forced, and one call
   * per reply (a greedy random model would chain calls to the token limit). The model default
   * `ignoreEos` stays on: the element turns it off where tools are offered, or the call could not end.
   */
  async function toolChat(tools: RunnableTool[]) {
    const chat = await mount({ 'max-tokens': '100', 'max-tool-rounds': '1' });
    const rec = recording(backend);
    chat.backend = rec;
    chat.params = { temperature: 0, logitBias: BAN_NON_ASCII_BYTES, toolChoice: { name: 'lookup' }, parallelToolCalls: false };
    chat.tools = tools;
    return { chat, requests: rec.requests };
  }

  test('a forced call runs the real tool; its card shows the arguments and the result as text; the history keeps both', async () => {
    const w = window as unknown as { __pwned?: number };
    delete w.__pwned;
    const seen: Record<string, unknown>[] = [];
    const RESULT = '<img src=x onerror="window.__pwned=1"> is brewed hot';
    const { chat, requests } = await toolChat([{
      name: 'lookup', description: 'Facts about a drink', parameters: TOPIC,
      execute: (args) => { seen.push(args); return `${String(args['topic'])} ${RESULT}`; },
    }]);
    const done: LlmosDoneEvent[] = [];
    chat.addEventListener('llmos-done', (e) => done.push(e));
    const tokens: string[] = [];
    chat.addEventListener('llmos-token', (e: LlmosTokenEvent) => tokens.push(e.detail.token.text));
    const r = await chat.send('Tell me about tea');
    await chat.updateComplete;

    // The tool really ran, once, with arguments that satisfy its schema.
    expect(seen).toHaveLength(1);
    expect(['tea', 'coffee']).toContain(seen[0]!['topic']);
    expect(Object.keys(seen[0]!)).toEqual(['topic']);
    // Two kernel jobs: the call (tools offered, the choice forced), then the answer (no tools).
    expect(requests).toHaveLength(2);
    expect(requests[0]!.tools!.map((t) => t.name)).toEqual(['lookup']);
    expect(requests[0]!.toolChoice).toEqual({ name: 'lookup' });
    expect(requests[0]!.ignoreEos).toBe(false);
    expect(requests[1]!.tools).toBeUndefined();
    expect(requests[1]!.toolChoice).toBeUndefined();
    expect(requests[1]!.messages!.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);

    // The card: name and state in the summary, closed until opened; arguments and result as text.
    const [card, ...more] = cards(chat);
    expect(more).toHaveLength(0);
    expect(card!.open).toBe(false);
    expect(card!.dataset.state).toBe('done');
    expect(norm(card!.querySelector('summary')!.textContent!)).toBe('Tool lookup Done');
    expect(JSON.parse(part(card!, 'tool-arguments').textContent!)).toEqual(seen[0]);
    expect(part(card!, 'tool-result').textContent).toBe(`${String(seen[0]!['topic'])} ${RESULT}`);
    expect(chat.shadowRoot!.querySelector('img')).toBeNull();
    await new Promise((res) => setTimeout(res, 100));
    expect(w.__pwned).toBeUndefined();
    card!.querySelector('summary')!.click();
    expect(card!.open).toBe(true);

    // The reply ends in text: the second generation's, streamed (the call's own text is never shown).
    expect(r!.stopReason).toBe('length');
    expect(done).toHaveLength(1);
    expect(done[0]!.detail.result.text).toBe(r!.text);
    const reply = chat.shadowRoot!.querySelectorAll('.message.assistant [part="content"]');
    expect(reply).toHaveLength(1);
    expect(norm(reply[0]!.textContent!)).toBe(norm(r!.text));
    expect(tokens.join('')).toBe(r!.text);
    expect(tokens.join('')).not.toContain('<tool_call>');

    // The conversation: the call and its result sit between the question and the answer.
    const m = chat.messages;
    expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const call = m[1]!.toolCalls![0]!;
    expect(call.name).toBe('lookup');
    expect(JSON.parse(call.arguments)).toEqual(seen[0]);
    expect(m[2]).toEqual({ role: 'tool', content: `${String(seen[0]!['topic'])} ${RESULT}`, toolCallId: call.id, name: 'lookup' });
    expect(m[3]).toEqual({ role: 'assistant', content: r!.text, computedOn: { kind: 'device' } });

    // A follow-up sends them too.
    chat.tools = [];
    chat.params = { temperature: 0, logitBias: BAN_NON_ASCII_BYTES };
    chat.maxTokens = 4;
    await chat.send('And coffee?');
    expect(requests[2]!.messages!.map((x) => x.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    expect(requests[2]!.messages![1]!.toolCalls).toEqual([call]);
    expect(cards(chat)).toHaveLength(1);
  }, 180_000);

  test('an execute that throws shows a failed card, the model is told, and the reply still ends in text', async () => {
    let ran = 0;
    const { chat, requests } = await toolChat([{
      name: 'lookup', description: 'Facts about a drink', parameters: TOPIC,
      execute: () => { ran++; throw new Error('the drinks database is down'); },
    }]);
    const errors: Event[] = [];
    chat.addEventListener('llmos-error', (e) => errors.push(e));
    const r = await chat.send('Tell me about coffee');
    await chat.updateComplete;
    expect(ran).toBe(1);
    expect(errors).toHaveLength(0);
    expect(r!.stopReason).toBe('length');
    expect(r!.text.length).toBeGreaterThan(0);

    const [card] = cards(chat);
    expect(card!.dataset.state).toBe('error');
    expect(norm(card!.querySelector('summary')!.textContent!)).toBe('Tool lookup Failed');
    expect(card!.querySelector('.tool-label:last-of-type')!.textContent).toBe('Error');
    expect(part(card!, 'tool-result').textContent).toBe('Error: Error: the drinks database is down');
    // The model got the failure as the call's result, and answered after it.
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages!.at(-1)).toMatchObject({ role: 'tool', content: 'Error: Error: the drinks database is down' });
    expect(chat.entries.at(-1)!.state).toBe('done');
    expect(chat.messages.at(-1)).toEqual({ role: 'assistant', content: r!.text, computedOn: { kind: 'device' } });
  }, 180_000);
});

/**
 * Test double, clearly not a model: answers each request with the next scripted reply, in small chunks,
 * and honours the abort signal.
 */
class ScriptedBackend implements ChatBackend {
  readonly requests: GenerateRequest[] = [];
  constructor(private readonly replies: string[], private readonly chunk = 5) {}

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
    this.requests.push(request);
    const text = this.replies[this.requests.length - 1] ?? 'done';
    const t0 = performance.now();
    let index = 0;
    for (let i = 0; i < text.length && !signal.aborted; i += this.chunk) {
      await new Promise((r) => setTimeout(r, 0));
      onToken({ text: text.slice(i, i + this.chunk), index: index++ });
    }
    return { text, stopReason: signal.aborted ? 'abort' : 'stop', usage: makeUsage(t0, t0, performance.now(), 5, index) };
  }
}

const CALL = '<tool_call>\n{"name": "lookup", "arguments": {"topic": "tea"}}\n</tool_call>';

describe('<llmos-chat> tools with a scripted backend', () => {
  test('tools go to the backend only when set; the call text never shows; a saved transcript loads with its cards', async () => {
    const chat = await mount();
    const plain = new ScriptedBackend(['hi']);
    chat.backend = plain;
    await chat.send('no tools yet');
    expect(plain.requests[0]!.tools).toBeUndefined();

    const backend = new ScriptedBackend([CALL, 'Tea is **nice**.']);
    chat.backend = backend;
    chat.tools = [{ name: 'lookup', parameters: TOPIC, execute: (a) => ({ topic: a['topic'], note: 'green' }) }];
    const shown: string[] = [];
    chat.addEventListener('llmos-messages-change', () => { shown.push(chat.entries.at(-1)!.content); });
    const r = await chat.send('tea?');
    await chat.updateComplete;
    expect(r!.text).toBe('Tea is **nice**.');
    expect(backend.requests[0]!.tools).toEqual([{ name: 'lookup', description: undefined, parameters: TOPIC }]);
    expect(backend.requests[0]!.toolChoice).toBeUndefined();
    for (const s of shown) expect(s).not.toContain('tool_call');
    expect(chat.shadowRoot!.querySelector('.message.assistant:last-of-type strong')!.textContent).toBe('nice');
    expect(part(cards(chat)[0]!, 'tool-arguments').textContent).toBe('{\n  "topic": "tea"\n}');
    expect(part(cards(chat)[0]!, 'tool-result').textContent).toBe('{\n  "topic": "tea",\n  "note": "green"\n}');

    // What a host saves, loaded into a new chat, gives the same conversation and the same cards.
    const saved = structuredClone(chat.transcript);
    expect(saved.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'tool', 'assistant']);
    const again = await mount();
    again.load(saved);
    await again.updateComplete;
    expect(again.messages).toEqual(saved);
    const [card] = cards(again);
    expect(card!.dataset.state).toBe('done');
    expect(norm(card!.querySelector('summary')!.textContent!)).toBe('Tool lookup Done');
    expect(again.shadowRoot!.querySelectorAll('.message.assistant')).toHaveLength(2);
  });

  test('Stop while a tool runs: the card says it did not finish, the reply stops, and nothing more is generated', async () => {
    const chat = await mount();
    const backend = new ScriptedBackend([CALL, 'never']);
    chat.backend = backend;
    let release = () => {};
    chat.tools = [{
      name: 'lookup', parameters: TOPIC,
      execute: (_a, { signal }) => new Promise((resolve) => { release = () => resolve('late'); signal?.addEventListener('abort', () => resolve('late')); }),
    }];
    const sent = chat.send('tea?');
    await expect.poll(() => cards(chat).length).toBe(1);
    await chat.updateComplete;
    expect(cards(chat)[0]!.dataset.state).toBe('running');
    expect(cards(chat)[0]!.getAttribute('aria-busy')).toBe('true');
    chat.stop();
    release();
    expect(await sent).toBeNull();
    await chat.updateComplete;
    expect(backend.requests).toHaveLength(1);
    expect(cards(chat)[0]!.dataset.state).toBe('stopped');
    expect(norm(cards(chat)[0]!.querySelector('summary')!.textContent!)).toBe('Tool lookup Not finished');
    expect(chat.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!.dataset.code).toBe('ABORTED');
    expect(chat.busy).toBe(false);
  });
});
