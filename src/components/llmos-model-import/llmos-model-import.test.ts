import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosModelImport } from './llmos-model-import';
import type { LlmosModelImportErrorEvent, LlmosModelImportedEvent } from './import-events';
import { ERROR_TEXT } from '../../errors';
import { ModelLibrary } from '../../models/model-library';
import { deleteLlmOsDb } from '../../storage/db';
import { TINY_B_URL, TINY_URL } from '../../../test/helpers/engines';
import { TINY_MMPROJ_URL } from '../../../test/helpers/images';

let lib: ModelLibrary;
let dbName: string;
beforeEach(async () => {
  dbName = `llmos-test-${crypto.randomUUID()}`;
  lib = await ModelLibrary.open({ dbName, catalog: [], chunkSize: 256 * 1024 });
});
afterEach(async () => {
  document.body.replaceChildren();
  lib.close();
  await deleteLlmOsDb(dbName);
});

async function mount(): Promise<LlmosModelImport> {
  const el = document.createElement('llmos-model-import');
  el.library = lib;
  document.body.append(el);
  await el.updateComplete;
  return el;
}
const q = <T extends Element = HTMLElement>(el: LlmosModelImport, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const nextEvent = <T extends Event>(el: Element, type: string) => new Promise<T>((r) => el.addEventListener(type, (e) => r(e as T), { once: true }));
const fileOf = async (url: string, name: string) => new File([await (await fetch(url)).blob()], name);
const tinyFile = () => fileOf(TINY_URL, 'tiny.gguf');
const pick = (input: HTMLInputElement, files: File[]) => {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
};

describe('<llmos-model-import>', () => {
  test('dropping a GGUF file imports it into the library and says so', async () => {
    const el = await mount();
    const dt = new DataTransfer();
    dt.items.add(await tinyFile());
    const zone = q(el, '[part="zone"]');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(el.hasAttribute('dragging')).toBe(true);
    const imported = nextEvent<LlmosModelImportedEvent>(document.body, 'llmos-model-imported');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    const ev = await imported;
    expect(ev.detail.fileName).toBe('tiny.gguf');
    expect(ev.detail.entry).toMatchObject({ state: 'cached', origin: 'import', quantisation: 'F32' });
    await el.updateComplete;
    expect(el.hasAttribute('dragging')).toBe(false);
    expect(q(el, '[part="status"]').dataset.state).toBe('done');
    expect((await lib.list()).map((e) => e.id)).toEqual([ev.detail.entry.id]);
  });

  test('picking a non-GGUF file shows the typed error and stores nothing', async () => {
    const el = await mount();
    const input = q<HTMLInputElement>(el, 'input[type="file"]');
    expect(input.accept).toBe('.gguf');
    expect(input.labels?.[0]?.textContent).toContain('choose files');
    const failed = nextEvent<LlmosModelImportErrorEvent>(el, 'llmos-model-import-error');
    pick(input, [new File(['{"not": "a model"}'], 'notes.gguf')]);
    const ev = await failed;
    expect(ev.detail.error.code).toBe('GGUF_INVALID');
    await el.updateComplete;
    const status = q(el, '[part="status"]');
    expect(status.getAttribute('role')).toBe('alert');
    expect(status.dataset.code).toBe('GGUF_INVALID');
    expect(status.textContent).toContain(ERROR_TEXT.GGUF_INVALID);
    expect(await lib.list()).toEqual([]);
  });

  test('picking a model and its vision projector (any order) imports both; the entry accepts images', async () => {
    const el = await mount();
    const imported = nextEvent<LlmosModelImportedEvent>(el, 'llmos-model-imported');
    pick(q<HTMLInputElement>(el, 'input[part="input"]'), [await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf'), await tinyFile()]);
    const ev = await imported;
    expect(ev.detail.fileName).toBe('tiny-mmproj.gguf + tiny.gguf');
    expect(ev.detail.entry).toMatchObject({ state: 'cached', inputs: ['text', 'image'] });
    await el.updateComplete;
    expect(q(el, '[part="status"]').textContent).toMatch(/accepts images/);
    expect(el.shadowRoot!.querySelector('[part="projector-input"]')).toBeNull(); // it has one already
    const source = await lib.source(ev.detail.entry.id);
    expect(source.kind === 'gguf-blobs' && source.projector?.length).toBeGreaterThan(0);
  });

  test('after a text-only import, the labelled second picker adds a vision projector; a wrong file is refused', async () => {
    const el = await mount();
    const first = nextEvent<LlmosModelImportedEvent>(el, 'llmos-model-imported');
    pick(q<HTMLInputElement>(el, 'input[part="input"]'), [await tinyFile()]);
    const { entry } = (await first).detail;
    expect(entry.inputs).toEqual(['text']);
    await el.updateComplete;
    const second = q<HTMLInputElement>(el, 'input[part="projector-input"]');
    expect(second.labels?.[0]?.textContent).toContain(`Add a vision projector (mmproj) to ${entry.name}`);
    expect(second.accept).toBe('.gguf');
    // Keyboard: the picker is a real, focusable file input.
    second.focus();
    expect(el.shadowRoot!.activeElement).toBe(second);

    const failed = nextEvent<LlmosModelImportErrorEvent>(el, 'llmos-model-import-error');
    pick(second, [await fileOf(TINY_B_URL, 'tiny-b.gguf')]);
    expect((await failed).detail.error.code).toBe('GGUF_INVALID');
    await el.updateComplete;
    expect(q(el, '[part="status"]').dataset.code).toBe('GGUF_INVALID');
    expect((await lib.get(entry.id))!.inputs).toEqual(['text']);

    // The picker stays after a refusal: the right file is accepted, and the picker goes away.
    const attached = nextEvent<LlmosModelImportedEvent>(el, 'llmos-model-imported');
    pick(q<HTMLInputElement>(el, 'input[part="projector-input"]'), [await fileOf(TINY_MMPROJ_URL, 'tiny-mmproj.gguf')]);
    expect((await attached).detail.entry).toMatchObject({ id: entry.id, inputs: ['text', 'image'] });
    await el.updateComplete;
    expect(q(el, '[part="status"]').textContent).toMatch(/accepts images/);
    expect(el.shadowRoot!.querySelector('[part="projector-input"]')).toBeNull();
    expect((await lib.list()).map((e) => e.id)).toEqual([entry.id]); // still one model
  });

  test('without a library the picker is disabled', async () => {
    const el = document.createElement('llmos-model-import');
    document.body.append(el);
    await el.updateComplete;
    expect(q<HTMLInputElement>(el, 'input').disabled).toBe(true);
    expect(await el.import(await tinyFile())).toBeNull();
  });
});
