import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import { makeUsage, type GenerateRequest, type GenerateResult, type TokenEvent } from '../../protocol/engine';
import { fixtureKernel } from '../../../test/helpers/api';
import { randomFixtureDefaults } from '../../api/model-ref';
import type { ChatBackend } from '../llmos-chat/chat-backend';
import type { LlmosDoneEvent, LlmosErrorEvent } from '../shared/generation-events';
import type { LlmosRequestLoadEvent } from '../llmos-model-picker/request-load-event';
import './define';
import type { LlmosPrompt } from './llmos-prompt';

let kernel: Kernel;
beforeAll(async () => { kernel = await fixtureKernel(); });
afterAll(() => kernel.shutdown());

const { logitBias } = randomFixtureDefaults();

/** Create an element (not yet connected) on the test kernel. */
function make(attrs: Record<string, string>, text = 'Say something.'): LlmosPrompt {
  const el = document.createElement('llmos-prompt');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.textContent = text;
  el.kernel = kernel;
  el.params = { temperature: 0, logitBias };
  return el;
}

const done = (el: HTMLElement) => new Promise<LlmosDoneEvent>((resolve) => el.addEventListener('llmos-done', resolve, { once: true }));
const failed = (el: HTMLElement) => new Promise<LlmosErrorEvent>((resolve) => el.addEventListener('llmos-error', resolve, { once: true }));

describe('<llmos-prompt> standalone on a kernel', () => {
  test('asks its own text once connected and streams the answer in, as a process with its app id', async () => {
    const el = make({ model: 'tiny', 'app-id': 'test.prompt', 'max-tokens': '8', priority: 'normal' });
    el.id = 'q1';
    let tokens = 0;
    el.addEventListener('llmos-token', () => tokens++);
    const finished = done(el);
    document.body.append(el);
    const { detail } = await finished;
    expect(detail.result.stopReason).toBe('length');
    expect(detail.result.usage.completionTokens).toBe(8);
    expect(tokens).toBeGreaterThan(1);
    expect(el.answer).toBe(detail.result.text);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('[part="answer"]')!.textContent!.trim()).toBe(el.answer.trim());
    expect(root.querySelector('[part="status"]')!.textContent).toMatch(/Reached the token limit · 8 tokens/);
    const proc = kernel.ps().find((p) => p.appId === 'test.prompt')!;
    expect(proc).toMatchObject({ name: '<llmos-prompt>#q1', priority: 'normal', state: 'sleeping' });
    expect(proc.metrics.jobsFinished).toBe(1);
    el.remove();
    await expect.poll(() => kernel.ps().find((p) => p.pid === proc.pid)?.state).toBe('exited');
  });

  test('llmos-request-load is cancelable: a refusal fails in words and loads nothing; accepted, it loads', async () => {
    const el = make({ model: 'tiny-b', 'app-id': 'test.prompt-load', 'max-tokens': '4', manual: '' });
    document.body.append(el);
    const refuse = (e: LlmosRequestLoadEvent) => e.preventDefault();
    el.addEventListener('llmos-request-load', refuse);
    const err = failed(el);
    await el.run();
    expect((await err).detail.error.code).toBe('PERMISSION_DENIED');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('data-code')).toBe('PERMISSION_DENIED');
    expect(kernel.models().map((m) => m.id)).not.toContain('tiny-b');
    el.removeEventListener('llmos-request-load', refuse);
    const asked: string[] = [];
    el.addEventListener('llmos-request-load', (e) => asked.push(e.detail.label));
    const result = await el.run();
    expect(asked).toEqual(['tiny-b']);
    expect(result?.usage.completionTokens).toBe(4);
    expect(kernel.models().map((m) => m.id)).toContain('tiny-b');
    el.remove();
  });

  test('stop() ends the answer early with stop reason abort', async () => {
    const el = make({ model: 'tiny', 'app-id': 'test.prompt-stop', 'max-tokens': '200', manual: '' });
    document.body.append(el);
    el.addEventListener('llmos-token', () => { if (el.answer.length > 3) el.stop(); });
    const result = await el.run();
    expect(result?.stopReason).toBe('abort');
    expect(result!.usage.completionTokens).toBeLessThan(200);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).toMatch(/Stopped/);
    el.remove();
  });

  test('a new run replaces the one in progress: only the new answer is shown', async () => {
    const el = make({ model: 'tiny', 'app-id': 'test.prompt-replace', 'max-tokens': '6', manual: '' });
    document.body.append(el);
    const first = el.run('first question');
    const second = el.run('second question');
    const [a, b] = await Promise.all([first, second]);
    expect(a === null || a.stopReason === 'abort').toBe(true);
    expect(b?.stopReason).toBe('length');
    expect(el.answer).toBe(b!.text);
    expect(el.busy).toBe(false);
    el.remove();
  });
});

/** Test double, not a model: answers with fixed text in two tokens. */
class FixedBackend implements ChatBackend {
  requests: GenerateRequest[] = [];
  constructor(private readonly text: string) {}
  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void): Promise<GenerateResult> {
    this.requests.push(request);
    const half = Math.floor(this.text.length / 2);
    onToken({ text: this.text.slice(0, half), index: 0 });
    onToken({ text: this.text.slice(half), index: 1 });
    const t = performance.now();
    return { text: this.text, stopReason: 'stop', usage: makeUsage(t, t, t, 3, 2) };
  }
}

describe('<llmos-prompt> with a backend', () => {
  test('model output is rendered as sanitised markdown, never live HTML; prompt and system attributes are sent', async () => {
    const hostile = '**bold** <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [x](javascript:alert(1))';
    const backend = new FixedBackend(hostile);
    const el = document.createElement('llmos-prompt');
    el.setAttribute('prompt', 'From the attribute');
    el.setAttribute('system', 'Be brief.');
    const finished = done(el);
    el.backend = backend;
    document.body.append(el);
    await finished;
    await el.updateComplete;
    const answer = el.shadowRoot!.querySelector('[part="answer"]')!;
    expect(answer.querySelector('strong')?.textContent).toBe('bold');
    expect(answer.querySelector('img, script, [onerror]')).toBeNull();
    expect(answer.querySelector('a[href^="javascript"]')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect(backend.requests[0]!.messages).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'From the attribute' }]);
    el.remove();
  });

  test('without a model or backend, run() explains in words', async () => {
    const el = document.createElement('llmos-prompt');
    el.setAttribute('manual', '');
    document.body.append(el);
    const err = failed(el);
    expect(await el.run('hello')).toBeNull();
    expect((await err).detail.error.code).toBe('MODEL_NOT_LOADED');
    el.remove();
  });
});
