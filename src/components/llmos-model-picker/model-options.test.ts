/**
 * Model choosers group models by where they run: "On this device" and "On servers" (an optgroup each,
 * once any model runs on a server), a server model labelled with its servers' names.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { html, render } from 'lit';
import { renderModelOptions, type ChoosableModel } from './model-options';

afterEach(() => document.body.replaceChildren());

function select(models: ChoosableModel[], selected: string | null): HTMLSelectElement {
  const host = document.createElement('div');
  document.body.append(host);
  render(html`<select>${renderModelOptions(models, selected)}</select>`, host);
  return host.querySelector('select')!;
}

const local: ChoosableModel[] = [{ id: 'tiny', name: 'Fixture tiny' }, { id: 'qwen', name: 'Qwen 0.5B' }];
const remote: ChoosableModel[] = [
  { id: 'remote:llama3.2', name: 'llama3.2', servers: ['Ollama box', 'vLLM'] },
  { id: 'remote:qwen2.5', name: 'qwen2.5', servers: ['Ollama box'] },
];

describe('renderModelOptions', () => {
  test('device models first, then server models, each group labelled; server models name their servers; the selection holds', () => {
    const s = select([...remote, ...local], 'remote:qwen2.5');
    const groups = [...s.querySelectorAll('optgroup')];
    expect(groups.map((g) => g.label)).toEqual(['On this device', 'On servers']);
    expect([...groups[0]!.querySelectorAll('option')].map((o) => [o.value, o.textContent])).toEqual([['tiny', 'Fixture tiny'], ['qwen', 'Qwen 0.5B']]);
    expect([...groups[1]!.querySelectorAll('option')].map((o) => [o.value, o.textContent])).toEqual([
      ['remote:llama3.2', 'llama3.2 — on Ollama box, vLLM'], ['remote:qwen2.5', 'qwen2.5 — on Ollama box'],
    ]);
    expect(s.value).toBe('remote:qwen2.5');
    expect(s.selectedOptions[0]!.dataset.where).toBe('server');
  });

  test('flat while every model runs on this device; only "On servers" when none does', () => {
    const flat = select(local, 'qwen');
    expect(flat.querySelectorAll('optgroup')).toHaveLength(0);
    expect([...flat.options].map((o) => o.value)).toEqual(['tiny', 'qwen']);
    expect(flat.value).toBe('qwen');
    const servers = select(remote, null);
    expect([...servers.querySelectorAll('optgroup')].map((g) => g.label)).toEqual(['On servers']);
  });
});
