import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Kernel } from '../kernel/kernel';
import { fixtureKernel } from '../../test/helpers/api';
import { TINY_B_URL } from '../../test/helpers/engines';
import { randomFixtureDefaults } from '../api/model-ref';
import { setSharedKernel } from '../api/shared-kernel';
import type { LlmosRequestLoadEvent } from '../components/llmos-model-picker/request-load-event';

/** A tag some other library already owns on this page. */
class Foreign extends HTMLElement {}
customElements.define('llmos-task-manager', Foreign);

let kernel: Kernel;
let lib: typeof import('./elements');
beforeAll(async () => {
  kernel = await fixtureKernel();
  setSharedKernel(kernel);
  lib = await import('./elements');
});
afterAll(() => {
  setSharedKernel(null);
  kernel.shutdown();
});

test('the library defines only the tags that are free', () => {
  expect(customElements.get('llmos-task-manager')).toBe(Foreign);
  expect(customElements.get('llmos-chat')).toBe(lib.LlmosChat);
  expect(customElements.get('llmos-prompt')).toBe(lib.LlmosPrompt);
  expect(customElements.get('llmos-model-picker')).toBe(lib.LlmosModelPicker);
  // Defining again is a no-op, not an error.
  expect(lib.defineElements()).toEqual([]);
  // The APIs come with it.
  expect(typeof lib.connect).toBe('function');
  expect(typeof lib.installLanguageModelPolyfill).toBe('function');
  expect(typeof lib.serveKernelToServiceWorker).toBe('function');
});

test('the task APIs come with the library: installed on globalThis, each instance a process of the shared kernel', async () => {
  const g = globalThis as Record<string, unknown>;
  const saved = g.Summarizer;
  try {
    const { polyfills } = lib.installBuiltInAi({ model: 'tiny', maxOutputTokens: 4, params: { temperature: 0, logitBias: randomFixtureDefaults().logitBias! }, force: true, only: ['Summarizer'] });
    expect(g.Summarizer).toBe(polyfills.Summarizer);
    const s = await polyfills.Summarizer.create({ type: 'headline' });
    expect(kernel.ps().some((p) => p.appId === 'llmos.summarizer' && p.state !== 'exited')).toBe(true);
    expect((await s.summarize('The shop opens at nine on weekdays.')).length).toBeGreaterThan(0);
    s.destroy();
    expect(kernel.ps().some((p) => p.appId === 'llmos.summarizer' && p.state !== 'exited')).toBe(false);
  } finally {
    g.Summarizer = saved;
  }
});

test('<llmos-chat model> runs standalone on the shared kernel as its own process', async () => {
  const chat = document.createElement('llmos-chat') as InstanceType<typeof lib.LlmosChat>;
  chat.setAttribute('model', 'tiny');
  chat.setAttribute('max-tokens', '6');
  chat.params = { temperature: 0, logitBias: randomFixtureDefaults().logitBias! };
  document.body.append(chat);
  const result = await chat.send('Hello there');
  expect(result?.usage.completionTokens).toBe(6);
  const proc = kernel.ps().find((p) => p.name === '<llmos-chat>')!;
  expect(proc).toMatchObject({ appId: location.origin, priority: 'interactive' });
  // Changing the app id moves the element to a new process; the old one ends.
  chat.setAttribute('app-id', 'test.embedded-chat');
  await chat.updateComplete;
  await chat.send('Again');
  expect(kernel.ps().find((p) => p.pid === proc.pid)!.state).toBe('exited');
  expect(kernel.ps().filter((p) => p.appId === 'test.embedded-chat' && p.state !== 'exited')).toHaveLength(1);
  chat.remove();
});

test('a picker sets the model of the elements its for attribute names, unless the pick is refused', async () => {
  document.body.insertAdjacentHTML('beforeend', '<llmos-prompt id="p1" manual></llmos-prompt><llmos-prompt id="p2" manual></llmos-prompt><llmos-model-picker for="p1 p2"></llmos-model-picker>');
  const picker = document.querySelector('llmos-model-picker')!;
  const pick = () => picker.dispatchEvent(new lib.LlmosRequestLoadEvent({ engine: 'wllama', origin: 'url', label: 'tiny-b.gguf', source: { kind: 'gguf-url', id: 'tiny-b', url: TINY_B_URL } }));
  const refuse = (e: LlmosRequestLoadEvent) => e.preventDefault();
  document.addEventListener('llmos-request-load', refuse);
  pick();
  await new Promise((r) => setTimeout(r, 300));
  expect(document.getElementById('p1')!.getAttribute('model')).toBeNull();
  document.removeEventListener('llmos-request-load', refuse);
  pick();
  await expect.poll(() => ['p1', 'p2'].map((id) => document.getElementById(id)!.getAttribute('model'))).toEqual([TINY_B_URL, TINY_B_URL]);
  // Registered from its header (weights are fetched only when a model runs).
  expect(kernel.registeredModels().find((m) => m.id === TINY_B_URL)).toMatchObject({ engine: 'wllama' });
  expect(kernel.models().map((m) => m.id)).not.toContain(TINY_B_URL);
});
