/**
 * Damaged records in IndexedDB, written straight into the app's database with idb (as an old version, a
 * DevTools edit or an extension could leave them): the UI that reads them — the Chat app, the model
 * library element (model records, chunks and its settings) — renders what is readable, skips the
 * damaged record with exactly one console warning, shows a notice offering to delete it, and Delete
 * removes it (a model record with its chunks). No uncaught error reaches the page.
 */
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';
import '../../src/apps/chat/define';
import '../../src/desktop/llmos-model-library/define';
import type { LlmosChatApp } from '../../src/apps/chat/llmos-chat-app';
import type { LlmosModelLibrary } from '../../src/desktop/llmos-model-library/llmos-model-library';
import { putConversation } from '../../src/storage/conversations';
import type { LlmOsDatabase } from '../../src/storage/db';
import { putModel } from '../../src/storage/model-records';
import { disposeServices, mount, testServices, until } from '../helpers/desktop';
import { addRecord } from '../helpers/storage';
import { faultCase } from './reliability';

type Services = Awaited<ReturnType<typeof testServices>>;
let services: Services;
let warn: MockInstance<typeof console.warn>;
const uncaught: unknown[] = [];
const onError = (e: ErrorEvent | PromiseRejectionEvent) => { uncaught.push('reason' in e ? e.reason : e.error); };

beforeEach(async () => {
  services = await testServices();
  uncaught.length = 0;
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onError);
  warn = vi.spyOn(console, 'warn');
});
afterEach(async () => {
  warn.mockRestore();
  removeEventListener('error', onError);
  removeEventListener('unhandledrejection', onError);
  document.body.replaceChildren();
  await disposeServices(services);
});

/** Write a record as is, past every type (what a damaged database holds). */
const rawPut = (db: LlmOsDatabase, store: 'conversations' | 'models' | 'settings' | 'chunks', value: object) => db.put(store, value as never);
const damagedWarnings = () => warn.mock.calls.filter((c) => String(c[0]).includes('skipped a damaged'));
const notice = (el: HTMLElement) => el.shadowRoot!.querySelector('llmos-damaged-records')!.shadowRoot!;

async function openChat(): Promise<LlmosChatApp> {
  const pid = services.kernel.spawn({ name: 'Chat', appId: 'chat' }, { priority: 'interactive' });
  const app = await mount<LlmosChatApp>('llmos-chat-app', { services, pid });
  await app.ready;
  await app.updateComplete;
  return app;
}

async function openLibrary(): Promise<LlmosModelLibrary> {
  const el = await mount<LlmosModelLibrary>('llmos-model-library', { services });
  await until(() => el.entries, 15_000, 'library list');
  await el.updateComplete;
  return el;
}

/** Click the notice's Delete for a key and wait until the notice is gone. */
async function deleteFromNotice(host: HTMLElement, key: string): Promise<void> {
  const root = notice(host);
  [...root.querySelectorAll('button')].find((b) => b.getAttribute('aria-label')?.includes(key))!.click();
  await until(() => !root.querySelector('[part="notice"]'), 5000, 'notice gone');
}

const conversations: [string, object][] = [
  ['a conversation whose messages is not an array', { messages: { 0: 'not', length: 1 } }],
  ['a conversation whose messages hold a non-object', { messages: [null, { role: 'user', content: 'x' }] }],
  ['a conversation without a title or dates', { title: undefined, createdAt: 'yesterday', updatedAt: undefined }],
];
for (const [name, damage] of conversations) {
  faultCase('stored records', `Chat: ${name}`, 'Chat opens the readable conversations; the damaged one is skipped with one console warning and a notice that deletes it; nothing uncaught', async () => {
    const db = await services.db();
    await putConversation(db, { id: 'good', appId: 'chat', title: 'Readable', messages: [{ role: 'user', content: 'still here' }], createdAt: 1, updatedAt: 1 });
    await rawPut(db, 'conversations', { id: 'bad', appId: 'chat', title: 'Damaged', messages: [], createdAt: 2, updatedAt: 2, ...damage });
    const app = await openChat();
    expect(app.conversations.map((c) => c.id)).toEqual(['good']);
    expect(app.current?.id).toBe('good');
    expect(app.chat!.transcript.map((m) => m.content)).toEqual(['still here']);
    expect(notice(app).querySelector('[part="notice"]')!.textContent).toContain('A saved conversation is damaged and was skipped.');
    expect(damagedWarnings()).toHaveLength(1);
    expect(String(damagedWarnings()[0]![0])).toContain('"bad"');
    // Reading again (a second window) warns no more.
    await openChat();
    expect(damagedWarnings()).toHaveLength(1);
    await deleteFromNotice(app, '"bad"');
    expect(await db.get('conversations', 'bad')).toBeUndefined();
    expect(await db.get('conversations', 'good')).toBeDefined();
    expect(uncaught).toEqual([]);
  });
}

const models: [string, object][] = [
  ['a model record without a size', { sizeBytes: undefined }],
  ['a model record whose size is a string', { sizeBytes: '1 MB' }],
  ['a model record whose header facts are not an object', { hyper: 'llama' }],
];
for (const [name, damage] of models) {
  faultCase('stored records', `Model library: ${name}`, 'the library lists every readable model; the damaged record is skipped with one console warning and a notice that deletes it and its chunks; nothing uncaught', async () => {
    const lib = await services.library();
    await addRecord(lib.db, 'url:good', '/fixtures/tiny.gguf', 1024, { name: 'Readable model', state: 'partial', sizeBytes: 4096, storedBytes: 1024 });
    const bad = await addRecord(lib.db, 'url:bad', '/fixtures/tiny.gguf', 1024, { name: 'Damaged model', state: 'partial', storedBytes: 1024 });
    await rawPut(lib.db, 'models', { ...bad, ...damage });
    await lib.db.put('chunks', { modelId: 'url:bad', index: 0, blob: new Blob(['x']), size: 1, sha256: 'x' });
    const el = await openLibrary();
    expect(el.entries!.map((e) => e.id)).toContain('url:good');
    expect(el.entries!.map((e) => e.id)).not.toContain('url:bad');
    expect(el.shadowRoot!.querySelector('li[data-model="url:good"]')).not.toBeNull();
    expect(notice(el).querySelector('[part="notice"]')!.textContent).toContain('A stored model record is damaged and was skipped.');
    expect(damagedWarnings()).toHaveLength(1);
    await el.refresh();
    expect(damagedWarnings()).toHaveLength(1);
    await deleteFromNotice(el, '"url:bad"');
    expect(await lib.db.get('models', 'url:bad')).toBeUndefined();
    expect(await lib.db.getAllKeys('chunks', IDBKeyRange.bound(['url:bad', 0], ['url:bad', Infinity]))).toEqual([]);
    expect(await lib.db.get('models', 'url:good')).toBeDefined();
    expect(uncaught).toEqual([]);
  });
}

faultCase('stored records', 'Model library: a stored chunk without its Blob', 'the model reads as missing that chunk (partial, never handed to an engine); one console warning; the notice deletes the chunk', async () => {
  const lib = await services.library();
  const rec = await addRecord(lib.db, 'url:m', '/fixtures/tiny.gguf', 4, { name: 'Chunked', state: 'cached', sizeBytes: 8, storedBytes: 8 });
  await lib.db.put('chunks', { modelId: 'url:m', index: 0, blob: new Blob(['GGUF']), size: 4, sha256: 'x' });
  await rawPut(lib.db, 'chunks', { modelId: 'url:m', index: 1, blob: 'not a blob', size: 4, sha256: 'x' });
  await putModel(lib.db, rec);
  const el = await openLibrary();
  const err = await lib.source('url:m').catch((e: unknown) => e);
  expect((err as { code: string }).code).toBe('MODEL_UNKNOWN');
  await until(() => el.entries?.find((e) => e.id === 'url:m')?.state === 'partial', 5000, 'partial');
  await el.updateComplete;
  expect(notice(el).querySelector('[part="item"]')!.getAttribute('data-store')).toBe('chunks');
  expect(damagedWarnings()).toHaveLength(1);
  await deleteFromNotice(el, '["url:m",1]');
  expect(await lib.db.getAllKeys('chunks', IDBKeyRange.bound(['url:m', 0], ['url:m', Infinity]))).toEqual([['url:m', 0]]);
  expect(uncaught).toEqual([]);
});

const settings: [string, unknown][] = [
  ['null', null],
  ['a string', 'yesterday'],
  ['a map with a non-number', { 'some-model': 'soon' }],
];
for (const [name, value] of settings) {
  faultCase('stored records', `Model library: its setting (WebLLM last use) is ${name}`, 'the library renders with the default; one console warning; a notice deletes the setting; nothing uncaught', async () => {
    const lib = await services.library();
    await rawPut(lib.db, 'settings', { key: 'models.webllmLastUsed', value, updatedAt: 1 });
    const el = await openLibrary();
    expect(el.entries!.length).toBeGreaterThan(0);
    expect(el.entries!.every((e) => e.lastUsed === null || typeof e.lastUsed === 'number')).toBe(true);
    expect(notice(el).querySelector('[part="notice"]')!.textContent).toContain('A stored setting is damaged; its default is used instead.');
    expect(damagedWarnings()).toHaveLength(1);
    await deleteFromNotice(el, '"models.webllmLastUsed"');
    expect(await lib.db.get('settings', 'models.webllmLastUsed')).toBeUndefined();
    expect(uncaught).toEqual([]);
  });
}
