import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import './define';
import type { LlmosModelPicker } from './llmos-model-picker';
import type { LlmosRequestLoadEvent, RequestLoadDetail } from './request-load-event';
import { TINY_URL } from '../../../test/helpers/engines';

async function mount(setup: (el: LlmosModelPicker) => void = () => {}): Promise<LlmosModelPicker> {
  const el = document.createElement('llmos-model-picker');
  setup(el);
  document.body.append(el);
  await el.ready;
  await el.updateComplete;
  return el;
}

const q = <T extends Element = HTMLElement>(el: LlmosModelPicker, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const tabNames = (el: LlmosModelPicker) => [...el.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.textContent!.trim());

async function showTab(el: LlmosModelPicker, name: string): Promise<void> {
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find((t) => t.textContent!.trim() === name)!.click();
  await el.updateComplete;
}

let listeners = new AbortController();

/** Collect the requests the picker fires, as seen on `document` (optionally refusing them). */
function requests(refuse = false): RequestLoadDetail[] {
  const seen: RequestLoadDetail[] = [];
  document.addEventListener('llmos-request-load', (e: LlmosRequestLoadEvent) => {
    expect(e.cancelable).toBe(true);
    expect(e.composed).toBe(true);
    seen.push(e.detail);
    if (refuse) e.preventDefault();
  }, { signal: listeners.signal });
  return seen;
}

afterEach(() => {
  listeners.abort();
  listeners = new AbortController();
  document.body.replaceChildren();
});

describe('<llmos-model-picker>', () => {
  test('lists only the fixture models the server really serves, with their sizes', async () => {
    const el = await mount((p) => { p.fixtures = ['tiny.gguf', 'missing.gguf', 'tiny-b.gguf', 'bench-40m.gguf']; });
    expect(el.fixtureModels!.map((f) => f.name)).toEqual(['tiny.gguf', 'tiny-b.gguf', 'bench-40m.gguf']);
    const tinyBytes = (await (await fetch(TINY_URL)).arrayBuffer()).byteLength;
    expect(el.fixtureModels![0]!.bytes).toBe(tinyBytes);
    expect(tabNames(el)[0]).toBe('Test models');
    expect(q(el, '[role="tab"][aria-selected="true"]').textContent!.trim()).toBe('Test models');
    expect(el.shadowRoot!.querySelectorAll('.fixtures li')).toHaveLength(3);
  });

  test('a server answering with something that is not GGUF (SPA fallback) shows no fixtures', async () => {
    // `/package.json` answers 200 with JSON: it must not pass as a model.
    const el = await mount((p) => { p.fixtureBase = '/'; p.fixtures = ['package.json', 'no-such-model.gguf']; });
    expect(el.fixtureModels).toEqual([]);
    expect(tabNames(el)).toEqual(['GGUF URL', 'Local file', 'WebLLM']);
    expect(q(el, '[role="tab"][aria-selected="true"]').textContent!.trim()).toBe('GGUF URL');
  });

  test('Load on a fixture asks for a gguf-url source on wllama', async () => {
    const el = await mount();
    const seen = requests();
    q<HTMLButtonElement>(el, 'button[data-fixture="tiny.gguf"]').click();
    expect(seen).toEqual([{ engine: 'wllama', origin: 'fixture', label: 'tiny.gguf', source: { kind: 'gguf-url', id: 'tiny', url: '/fixtures/tiny.gguf' } }]);
    await el.updateComplete;
    expect(el.current).toBe('tiny.gguf');
  });

  test('a refused request (preventDefault) keeps the previous selection', async () => {
    const el = await mount();
    el.current = 'earlier.gguf';
    const seen = requests(true);
    q<HTMLButtonElement>(el, 'button[data-fixture="tiny-b.gguf"]').click();
    expect(seen).toHaveLength(1);
    expect(el.current).toBe('earlier.gguf');
  });

  test('a GGUF URL is validated, then requested', async () => {
    const el = await mount();
    await showTab(el, 'GGUF URL');
    const seen = requests();
    const input = q<HTMLInputElement>(el, 'input[name="url"]');
    for (const bad of ['javascript:alert(1)', 'ftp://example.com/m.gguf', '']) {
      input.value = bad;
      q<HTMLButtonElement>(el, 'form button[type="submit"]').click();
      await el.updateComplete;
      expect(seen).toEqual([]);
      expect(q(el, '#url-note').getAttribute('role')).toBe('alert');
      expect(input.getAttribute('aria-invalid')).toBe('true');
    }
    input.value = 'https://models.example/llama/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf';
    q<HTMLButtonElement>(el, 'form button[type="submit"]').click();
    expect(seen).toEqual([{
      engine: 'wllama', origin: 'url', label: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
      source: { kind: 'gguf-url', id: 'Qwen2.5-0.5B-Instruct-Q4_K_M', url: 'https://models.example/llama/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' },
    }]);
    await el.updateComplete;
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  test('a local .gguf file is passed on as the File itself (no copy, no upload)', async () => {
    const el = await mount();
    await showTab(el, 'Local file');
    const load = q<HTMLButtonElement>(el, '[data-tab="file"] button');
    expect(load.disabled).toBe(true);
    const file = new File([await (await fetch(TINY_URL)).blob()], 'my-model.gguf');
    const input = q<HTMLInputElement>(el, 'input[type="file"]');
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    const seen = requests();
    load.click();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ engine: 'wllama', origin: 'file', label: 'my-model.gguf', source: { kind: 'gguf-blobs', id: 'my-model' } });
    const blobs = (seen[0]!.source as { blobs: Blob[] }).blobs;
    expect(blobs).toHaveLength(1);
    expect(blobs[0]).toBe(input.files![0]);
  });

  test('WebLLM lists only what this adapter can run (SwiftShader: no shader-f16) and asks for an mlc source', async () => {
    const el = await mount();
    await showTab(el, 'WebLLM');
    const options = [...el.shadowRoot!.querySelectorAll<HTMLOptionElement>('select[name="webllm"] option')].map((o) => o.value);
    expect(options.length).toBeGreaterThan(10);
    expect(options.filter((id) => /q\d+f16/.test(id))).toEqual([]);
    expect(options).toContain('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(q(el, '[data-tab="webllm"] .note').textContent).toMatch(/shader-f16: no/);
    q<HTMLSelectElement>(el, 'select[name="webllm"]').value = 'SmolLM2-360M-Instruct-q4f32_1-MLC';
    const seen = requests();
    q<HTMLButtonElement>(el, '[data-tab="webllm"] button').click();
    expect(seen).toEqual([{ engine: 'webllm', origin: 'webllm', label: 'SmolLM2-360M-Instruct-q4f32_1-MLC', source: { kind: 'mlc', id: 'SmolLM2-360M-Instruct-q4f32_1-MLC' } }]);
  });

  test('vram-budget-mb filters WebLLM models by size', async () => {
    const el = await mount((p) => p.setAttribute('vram-budget-mb', '600'));
    await showTab(el, 'WebLLM');
    const options = [...el.shadowRoot!.querySelectorAll<HTMLOptionElement>('select[name="webllm"] option')].map((o) => o.value);
    expect(options).toEqual(['SmolLM2-360M-Instruct-q4f32_1-MLC']);
  });

  test('tabs follow the keyboard (arrows, Home, End) with focus', async () => {
    const el = await mount();
    q<HTMLElement>(el, '[role="tab"][aria-selected="true"]').focus();
    await userEvent.keyboard('{ArrowRight}');
    await el.updateComplete;
    const active = () => el.shadowRoot!.activeElement?.textContent?.trim();
    expect(q(el, '[role="tab"][aria-selected="true"]').textContent!.trim()).toBe('GGUF URL');
    await el.updateComplete;
    expect(active()).toBe('GGUF URL');
    await userEvent.keyboard('{End}');
    await el.updateComplete;
    await el.updateComplete;
    expect(active()).toBe('WebLLM');
    await userEvent.keyboard('{ArrowRight}');
    await el.updateComplete;
    await el.updateComplete;
    expect(active()).toBe('Test models');
    expect(q(el, '[role="tabpanel"]').getAttribute('aria-labelledby')).toBe('tab-fixtures');
  });

  test('disabled turns every Load button off', async () => {
    const el = await mount();
    el.disabled = true;
    await el.updateComplete;
    const loads = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="load"]')];
    expect(loads.length).toBe(3);
    expect(loads.every((b) => b.disabled)).toBe(true);
  });
});
