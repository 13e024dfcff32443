/**
 * Image attachment in `<llmos-chat>`: picked, pasted and dropped images are decoded and scaled down,
 * shown, removable, sent with the message to a real vision model (tiny.gguf + its projector in a wllama
 * worker), and kept out of requests when the chat does not accept images.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import './define';
import type { LlmosChat } from './llmos-chat';
import type { ChatBackend } from './chat-backend';
import { EngineClient } from '../../kernel/engine-client';
import type { GenerateRequest, GenerateResult, TokenEvent } from '../../protocol/engine';
import { greedy, TINY_URL } from '../../../test/helpers/engines';
import { imageBlob, TINY_MMPROJ_URL } from '../../../test/helpers/images';

const { prompt: _prompt, maxTokens: _max, ...GREEDY } = greedy();

/** Records each request, then lets the real engine answer it. */
class Recording implements ChatBackend {
  readonly requests: GenerateRequest[] = [];
  readonly results: GenerateResult[] = [];
  constructor(private readonly engine: ChatBackend) {}
  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
    this.requests.push(structuredClone(request));
    const r = await this.engine.generate(request, onToken, signal);
    this.results.push(r);
    return r;
  }
}

async function mount(acceptsImages: boolean, backend: ChatBackend): Promise<LlmosChat> {
  const el = document.createElement('llmos-chat');
  el.acceptsImages = acceptsImages;
  el.backend = backend;
  el.params = GREEDY;
  el.maxTokens = 6;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const q = <T extends Element = HTMLElement>(el: LlmosChat, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const pendingImgs = (el: LlmosChat) => [...el.shadowRoot!.querySelectorAll<HTMLImageElement>('[part="pending"] img')];

function filesEvent(type: 'paste' | 'drop', files: File[]): Event {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  return type === 'paste'
    ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true })
    : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => document.body.replaceChildren());

describe('<llmos-chat> image attachment with a real vision model', () => {
  let client: EngineClient;
  beforeAll(async () => {
    client = await EngineClient.start();
    const info = await client.load('wllama', { kind: 'gguf-url', id: 'tiny-vision', url: TINY_URL, projectorUrl: TINY_MMPROJ_URL }, { nThreads: 2, nCtx: 512 });
    expect(info.inputs).toContain('image');
  });
  afterAll(() => client.terminate());

  test('a picked image is scaled down, shown, sent before the text, and seen by the model', async () => {
    const backend = new Recording(client);
    const el = await mount(true, backend);
    const attach = q<HTMLInputElement>(el, '[part="attach"] input[type="file"]');
    expect(attach).not.toBeNull();
    const dt = new DataTransfer();
    dt.items.add(new File([await imageBlob('#c33', 3000, 2000, 'image/jpeg')], 'photo.jpg', { type: 'image/jpeg' }));
    attach!.files = dt.files;
    attach!.dispatchEvent(new Event('change'));
    await until(() => el.images.length === 1);
    await el.updateComplete;
    expect(pendingImgs(el)).toHaveLength(1);
    // Scaled down to at most 1024 px a side before it is kept or sent.
    const shown = pendingImgs(el)[0]!;
    await shown.decode();
    expect(Math.max(shown.naturalWidth, shown.naturalHeight)).toBe(1024);
    expect(el.images[0]!.startsWith('data:image/jpeg;base64,')).toBe(true);

    const sentUrl = el.images[0]!;
    const withImage = await el.send('what is this');
    expect(withImage?.usage.completionTokens).toBe(6);
    expect(backend.requests[0]!.messages!.at(-1)).toMatchObject({ role: 'user', content: 'what is this', images: [sentUrl] });
    expect(el.images).toEqual([]);
    expect(el.shadowRoot!.querySelectorAll('.message.user .attachments img')).toHaveLength(1);
    expect(el.messages[0]!.images).toHaveLength(1);
    // The sent image opens full size in a modal dialog, and closes again.
    el.shadowRoot!.querySelector<HTMLButtonElement>('.message.user .attachments button[aria-label="View image 1"]')!.click();
    await until(() => el.shadowRoot!.querySelector<HTMLDialogElement>('dialog.viewer')!.open);
    const viewer = el.shadowRoot!.querySelector<HTMLDialogElement>('dialog.viewer')!;
    expect(viewer.querySelector('img')!.getAttribute('src')).toBe(sentUrl);
    viewer.querySelector<HTMLButtonElement>('form button')!.click();
    await until(() => !viewer.open && el.viewing === null);
    // The same words without the image: fewer prompt tokens (the image was 16 of them).
    const plain = await client.generate({ ...GREEDY, maxTokens: 6, messages: [{ role: 'user', content: 'what is this' }] }, () => {});
    expect(withImage!.usage.promptTokens - plain.usage.promptTokens).toBeGreaterThanOrEqual(16);
  });

  test('paste and drop attach images; each can be removed; an image alone can be sent', async () => {
    const backend = new Recording(client);
    const el = await mount(true, backend);
    const png = (c: string) => imageBlob(c, 64, 48).then((b) => new File([b], `${c}.png`, { type: 'image/png' }));
    const pasted = filesEvent('paste', [await png('#a00')]);
    q(el, 'textarea')!.dispatchEvent(pasted);
    expect(pasted.defaultPrevented).toBe(true);
    q(el, 'form[part="form"]')!.dispatchEvent(filesEvent('drop', [await png('#0a0'), await png('#00a')]));
    await until(() => el.images.length === 3);
    await el.updateComplete;
    const removes = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="pending"] button.remove')];
    expect(removes.map((b) => b.getAttribute('aria-label'))).toEqual(['Remove image 1', 'Remove image 2', 'Remove image 3']);
    const kept = [el.images[0], el.images[2]];
    removes[1]!.click();
    await el.updateComplete;
    expect(el.images).toEqual(kept);
    const r = await el.send('');
    expect(r?.stopReason).toBe('length');
    expect(backend.requests[0]!.messages!.at(-1)!.images).toEqual(kept);
  });

  test('a file that is not an image is refused in words; nothing is attached', async () => {
    const el = await mount(true, new Recording(client));
    await el.attachFiles([new File(['just text'], 'notes.png', { type: 'image/png' })]);
    await el.updateComplete;
    expect(el.images).toEqual([]);
    expect(q(el, '[part="error"]')?.textContent).toMatch(/notes\.png is not an image this browser can decode/);
  });

  test('without accepts-images: no attach button, and the history is sent without its images', async () => {
    const backend = new Recording(client);
    const el = await mount(false, backend);
    expect(q(el, '[part="attach"]')).toBeNull();
    const url = (await import('../../protocol/image-input')).blobToDataUrl;
    el.load([{ role: 'user', content: 'look', images: [await url(await imageBlob('#888'))] }, { role: 'assistant', content: 'a grey square' }]);
    await el.send('and now?');
    expect(backend.requests[0]!.messages!.every((m) => m.images === undefined)).toBe(true);
    // The transcript still shows and keeps the image.
    expect(el.messages[0]!.images).toHaveLength(1);
  });
});
