import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosModelLibrary } from './llmos-model-library';
import type { LlmosDeleteRequestEvent } from '../../components/shared/desktop-events';
import { etaWords } from './library-words';
import { TINY_URL } from '../../../test/helpers/engines';
import { imageUrl, TINY_MMPROJ_URL } from '../../../test/helpers/images';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;
const row = (el: LlmosModelLibrary, id: string) => el.shadowRoot!.querySelector<HTMLElement>(`li[data-model="${CSS.escape(id)}"]`);
const button = (el: LlmosModelLibrary, id: string, action: string) => row(el, id)?.querySelector<HTMLButtonElement>(`[data-action="${action}"]`) ?? null;

describe('<llmos-model-library> over a real model store (fixtures served by the test server)', () => {
  let services: Services;
  // 1 MiB chunks: a cancelled download keeps whole chunks, so a few MB make it `partial`.
  beforeEach(async () => { services = await testServices({ probeFixtures: true, libraryOptions: { chunkSize: 1024 * 1024 } }); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  async function open(): Promise<LlmosModelLibrary> {
    const el = await mount<LlmosModelLibrary>('llmos-model-library', { services });
    await until(() => el.entries, 15_000, 'library list');
    await el.updateComplete;
    return el;
  }

  test('lists catalog models and storage; download with progress → on this device → usable by the apps; delete after confirming', async () => {
    const el = await open();
    expect(row(el, 'fixture-tiny')!.dataset.state).toBe('remote');
    expect(el.shadowRoot!.querySelector('[part="storage"]')!.textContent).toMatch(/used of/);
    expect(el.shadowRoot!.querySelector('.persist')!.getAttribute('data-persisted')).toMatch(/true|false/);
    const fractions: number[] = [];
    services.downloads.addEventListener('change', () => {
      const p = services.downloads.get('fixture-tiny')?.progress;
      if (p) fractions.push(p.fraction);
    });
    button(el, 'fixture-tiny', 'download')!.click();
    await until(() => row(el, 'fixture-tiny')?.dataset.state === 'cached', 30_000, 'cached');
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!);
    // The apps can use it now: it is registered with the kernel.
    await until(() => services.models().some((m) => m.id === 'fixture-tiny' && m.fixture), 5000, 'registered');
    expect(services.kernel.registeredModels().map((m) => m.id)).toContain('fixture-tiny');
    expect(el.shadowRoot!.querySelector('ul[aria-label="On this device"] li[data-model="fixture-tiny"]')).not.toBeNull();

    // Delete asks first; a listener may refuse; Keep keeps; Delete deletes.
    button(el, 'fixture-tiny', 'delete')!.click();
    await el.updateComplete;
    const confirm = row(el, 'fixture-tiny')!.querySelector('[role="group"]')!;
    expect(confirm.textContent).toMatch(/Delete 1\.1 MB\?/);
    const refuse = (e: LlmosDeleteRequestEvent) => { expect(e.detail).toMatchObject({ kind: 'model', id: 'fixture-tiny' }); e.preventDefault(); };
    el.addEventListener('llmos-delete-request', refuse, { once: true });
    confirm.querySelector<HTMLButtonElement>('button.danger')!.click();
    await new Promise((r) => setTimeout(r, 200));
    expect(row(el, 'fixture-tiny')!.dataset.state).toBe('cached');
    button(el, 'fixture-tiny', 'delete')!.click();
    await el.updateComplete;
    row(el, 'fixture-tiny')!.querySelector<HTMLButtonElement>('[role="group"] button.danger')!.click();
    await until(() => row(el, 'fixture-tiny')?.dataset.state === 'remote', 10_000, 'deleted');
  });

  test('a slow download shows bytes, rate and ETA; Cancel keeps what arrived; Resume finishes it', async () => {
    const el = await open();
    const form = el.shadowRoot!.querySelector<HTMLFormElement>('form.url')!;
    form.querySelector('input')!.value = new URL('/fixtures/bench-40m.gguf?delayMs=4', location.href).href;
    form.requestSubmit();
    const id = await until(() => el.entries?.find((e) => e.origin === 'url')?.id, 10_000, 'url entry');
    await until(() => (services.downloads.get(id)?.progress?.loaded ?? 0) > 2 * 1024 * 1024, 60_000, 'progress');
    await el.updateComplete;
    const bar = row(el, id)!.querySelector('progress')!;
    expect(Number(bar.value)).toBeGreaterThan(0);
    expect(row(el, id)!.querySelector('.progress .detail')!.textContent).toMatch(/MB \/ 4\d\.\d MB · .*\/s( · ETA \d+ (s|min))?/);
    button(el, id, 'cancel')!.click();
    await until(() => !services.downloads.get(id)?.running, 10_000, 'cancelled');
    await until(() => row(el, id)?.dataset.state === 'partial', 10_000, 'partial');
    await el.updateComplete;
    const resume = button(el, id, 'download')!;
    expect(resume.textContent!.trim()).toBe('Resume');
    expect(services.downloads.get(id)!.error).toBeNull(); // a cancel is not an error
    resume.click();
    await until(() => row(el, id)?.dataset.state === 'cached', 120_000, 'resumed to the end');
  });

  test('import a local .gguf; a file that is not GGUF is refused in words and stores nothing', async () => {
    const el = await open();
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
    const pick = (file: File) => {
      const dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      input.dispatchEvent(new Event('change'));
    };
    pick(new File(['definitely not a model'], 'notes.gguf'));
    await until(() => el.shadowRoot!.querySelector('[role="alert"][data-code="GGUF_INVALID"]'), 10_000, 'refusal');
    expect(el.entries!.some((e) => e.origin === 'import')).toBe(false);

    pick(new File([await (await fetch(TINY_URL)).blob()], 'my-model.gguf'));
    await until(() => el.entries?.some((e) => e.origin === 'import' && e.state === 'cached'), 15_000, 'imported');
    await until(() => services.models().some((m) => m.id.startsWith('import:')), 5000, 'usable');
  });

  test('a vision model: badge, one row for model + projector, registered with the kernel as taking images (text models not)', async () => {
    const el = await open();
    const vision = row(el, 'fixture-tiny-vision')!;
    expect(vision.querySelector('.badge.vision')!.textContent).toBe('Vision');
    expect(row(el, 'fixture-tiny')!.querySelector('.badge.vision')).toBeNull();
    expect(vision.querySelector('.facts')!.textContent).toMatch(/1\.2 MB/); // 1.06 MB model + 0.18 MB projector
    button(el, 'fixture-tiny-vision', 'download')!.click();
    button(el, 'fixture-tiny', 'download')!.click();
    await until(() => ['fixture-tiny-vision', 'fixture-tiny'].every((id) => row(el, id)?.dataset.state === 'cached'), 30_000, 'cached');
    expect(el.shadowRoot!.querySelectorAll('li[data-model^="fixture-tiny-vision"]')).toHaveLength(1); // no projector row
    await until(() => services.models().some((m) => m.id === 'fixture-tiny-vision'), 5000, 'usable');
    const byId = (id: string) => services.kernel.registeredModels().find((m) => m.id === id)!;
    expect(byId('fixture-tiny-vision')).toMatchObject({ engine: 'wllama', inputs: ['text', 'image'] });
    expect(byId('fixture-tiny').inputs).toEqual(['text']);
    expect(services.models().find((m) => m.id === 'fixture-tiny-vision')).toMatchObject({ vision: true, fixture: true });
    expect(services.models().find((m) => m.id === 'fixture-tiny')!.vision).toBe(false);
    // The kernel now refuses images for the text model at once, and runs them on the vision model.
    const pid = services.kernel.spawn({ name: 'test' }, { priority: 'interactive' });
    const images = [await imageUrl('#e11')];
    expect(() => services.kernel.submit({ pid, model: 'fixture-tiny', messages: [{ role: 'user', content: 'x', images }] })).toThrow(/does not accept images/);
    const params = { ...services.paramsFor('fixture-tiny-vision'), maxTokens: 4 };
    const job = services.kernel.submit({ pid, model: 'fixture-tiny-vision', messages: [{ role: 'user', content: 'x', images }], params });
    expect((await job.result).usage.promptTokens).toBeGreaterThanOrEqual(16);
  });

  test('importing a model with its projector (picked together) makes a vision model the apps can use', async () => {
    const el = await open();
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.multiple).toBe(true);
    const dt = new DataTransfer();
    dt.items.add(new File([await (await fetch(TINY_MMPROJ_URL)).blob()], 'tiny-mmproj.gguf'));
    dt.items.add(new File([await (await fetch(TINY_URL)).blob()], 'my-model.gguf'));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    const id = await until(() => el.entries?.find((e) => e.origin === 'import' && e.state === 'cached')?.id, 15_000, 'imported');
    await el.updateComplete;
    expect(row(el, id)!.querySelector('.badge.vision')).not.toBeNull();
    expect(el.entries!.filter((e) => e.origin === 'import')).toHaveLength(1);
    await until(() => services.models().find((m) => m.id === id)?.vision, 5000, 'usable with images');
  });

  test('ETA words', () => {
    expect([etaWords(null), etaWords(0.2), etaWords(42), etaWords(130), etaWords(7200)]).toEqual(['', 'ETA 1 s', 'ETA 42 s', 'ETA 2 min', 'ETA 2.0 h']);
  });
});
