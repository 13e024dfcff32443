import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosModelImport } from './llmos-model-import';
import type { LlmosModelImportErrorEvent, LlmosModelImportedEvent } from './import-events';
import { ERROR_TEXT } from '../../errors';
import { ModelLibrary } from '../../models/model-library';
import { deleteLlmOsDb } from '../../storage/db';
import { TINY_URL } from '../../../test/helpers/engines';

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
const tinyFile = async () => new File([await (await fetch(TINY_URL)).blob()], 'tiny.gguf');

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
    const dt = new DataTransfer();
    dt.items.add(new File(['{"not": "a model"}'], 'notes.gguf'));
    input.files = dt.files;
    const failed = nextEvent<LlmosModelImportErrorEvent>(el, 'llmos-model-import-error');
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const ev = await failed;
    expect(ev.detail.error.code).toBe('GGUF_INVALID');
    await el.updateComplete;
    const status = q(el, '[part="status"]');
    expect(status.getAttribute('role')).toBe('alert');
    expect(status.dataset.code).toBe('GGUF_INVALID');
    expect(status.textContent).toContain(ERROR_TEXT.GGUF_INVALID);
    expect(await lib.list()).toEqual([]);
  });

  test('without a library the picker is disabled', async () => {
    const el = document.createElement('llmos-model-import');
    document.body.append(el);
    await el.updateComplete;
    expect(q<HTMLInputElement>(el, 'input').disabled).toBe(true);
    expect(await el.import(await tinyFile())).toBeNull();
  });
});
