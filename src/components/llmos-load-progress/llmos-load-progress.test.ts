import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import './define';
import type { LlmosLoadProgress } from './llmos-load-progress';
import { EngineClient } from '../../kernel/engine-client';
import { ERROR_TEXT, GgufError } from '../../errors';
import { TINY_URL } from '../../../test/helpers/engines';

async function mount(): Promise<LlmosLoadProgress> {
  const el = document.createElement('llmos-load-progress');
  document.body.append(el);
  await el.updateComplete;
  return el;
}
const q = <T extends Element = HTMLElement>(el: LlmosLoadProgress, sel: string) => el.shadowRoot!.querySelector<T>(sel);

afterEach(() => document.body.replaceChildren());

describe('<llmos-load-progress>', () => {
  test('idle renders nothing; progress shows phase, percent and bytes', async () => {
    const el = await mount();
    expect(el.shadowRoot!.children.length).toBe(0);
    expect(getComputedStyle(el).display).toBe('none');
    el.start('tiny.gguf');
    el.progress = { phase: 'download', loaded: 500_000, total: 1_000_000, fraction: 0.45 };
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('loading');
    expect(q<HTMLProgressElement>(el, 'progress')!.value).toBeCloseTo(0.45);
    expect(q(el, '[part="label"]')!.textContent).toMatch(/tiny\.gguf\s*Downloading 45% \(500 kB of 1\.0 MB\)/);
    el.done();
    await el.updateComplete;
    expect(q<HTMLProgressElement>(el, 'progress')!.value).toBe(1);
    expect(q(el, '[part="label"]')!.textContent).toContain('Ready');
  });

  test('a failure is shown in words with its code', async () => {
    const el = await mount();
    el.start('broken.gguf');
    el.fail(new GgufError('Bad magic: not a GGUF file', { id: 'broken' }));
    await el.updateComplete;
    const err = q(el, '[part="error"]')!;
    expect(err.getAttribute('role')).toBe('alert');
    expect(err.dataset.code).toBe('GGUF_INVALID');
    expect(err.textContent).toContain('Could not load broken.gguf.');
    expect(err.textContent).toContain(ERROR_TEXT.GGUF_INVALID);
    expect(err.textContent).toContain('Bad magic');
    expect(q(el, 'progress')).toBeNull();
  });
});

describe('<llmos-load-progress> fed by a real engine worker', () => {
  let client: EngineClient;
  beforeAll(async () => { client = await EngineClient.start(); });
  afterAll(() => client.terminate());

  test('a real load moves the bar monotonically to ready', async () => {
    const el = await mount();
    el.start('tiny.gguf');
    const values: number[] = [];
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: `${TINY_URL}?delayMs=5` }, { nThreads: 2, nCtx: 256 }, (p) => {
      el.progress = p;
      values.push(p.fraction);
    });
    el.done();
    await el.updateComplete;
    expect(values.length).toBeGreaterThan(2);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(q(el, '[part="label"]')!.textContent).toContain('Ready');
  });

  test('a real failed load (HTTP 404) is shown in words', async () => {
    const el = await mount();
    el.start('gone.gguf');
    const err = await client.load('wllama', { kind: 'gguf-url', id: 'gone', url: `${TINY_URL}?status=404` }, {}, (p) => { el.progress = p; })
      .catch((e: unknown) => e);
    el.fail(err);
    await el.updateComplete;
    const box = q(el, '[part="error"]')!;
    expect(box.dataset.code).toBe('NETWORK');
    expect(box.textContent).toContain(ERROR_TEXT.NETWORK);
  });
});
