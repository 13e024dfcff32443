/**
 * Image input through the developer APIs, with real inference: `connect()` / `/v1/chat/completions`
 * (`image_url` parts) and the Prompt API polyfill (`{type: 'image', value}`), on the vision fixture
 * (tiny.gguf + its random-weight projector: 32×32 px → 16 image tokens) next to text-only models.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { InvalidRequestError, UnsupportedInputError } from '../errors';
import { Kernel } from '../kernel/kernel';
import { memorySettingsStore } from '../kernel/settings-store';
import { GREEDY } from '../../test/helpers/api';
import { TINY_URL } from '../../test/helpers/engines';
import { imageBlob, imageUrl, TINY_MMPROJ_URL } from '../../test/helpers/images';
import { createLanguageModelClass, type LanguageModelClass } from './prompt-api/language-model-polyfill';
import type { LanguageModelMessage } from './prompt-api/prompt-input';
import { randomFixtureDefaults, setModelDefaults } from './model-ref';
import { connect, type LlmOsClient } from './openai/openai';
import type { ChatCompletionCreateParams } from './openai/openai-types';
import { handleV1Request, type V1Request } from './v1/v1-handler';

const IMAGE_TOKENS = 16;
const UNKNOWN = ['unknown', 'unknown-list', 'unknown-availability', 'unknown-prompt'];
let kernel: Kernel;
let client: LlmOsClient;
let red: string;
let green: string;

beforeAll(async () => {
  kernel = new Kernel({ settings: memorySettingsStore() });
  const weightBytes = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
  const common = { engine: 'wllama' as const, weightBytes, nCtx: 512 };
  kernel.registerModel({ ...common, id: 'vision', source: { kind: 'gguf-url', id: 'vision', url: TINY_URL, projectorUrl: TINY_MMPROJ_URL }, inputs: ['text', 'image'] });
  kernel.registerModel({ ...common, id: 'text-only', source: { kind: 'gguf-url', id: 'text-only', url: TINY_URL }, inputs: ['text'] });
  // Registered without `inputs`, their source behind a function: nothing tells what they take until an engine
  // loads them (then the kernel keeps what the engine said). One per test that needs a model not loaded yet.
  for (const id of UNKNOWN) kernel.registerModel({ ...common, id, source: async () => ({ kind: 'gguf-url', id, url: TINY_URL }) });
  for (const id of ['vision', 'text-only', ...UNKNOWN]) setModelDefaults(kernel, id, { ignoreEos: true });
  await kernel.ready;
  client = connect({ appId: 'test.vision', kernel });
  [red, green] = await Promise.all([imageUrl('#e11'), imageUrl('#1e1')]);
});
afterAll(() => kernel.shutdown());

const withImages = (model: string, ...urls: string[]): ChatCompletionCreateParams => ({
  model, max_tokens: 10, ...GREEDY,
  messages: [
    { role: 'system', content: 'You describe pictures.' },
    { role: 'user', content: [{ type: 'text', text: 'What is ' }, ...urls.map((url) => ({ type: 'image_url' as const, image_url: { url } })), { type: 'text', text: 'in this picture?' }] },
  ],
});
const answer = async (p: ChatCompletionCreateParams) => {
  const r = await client.chat.completions.create({ ...p, stream: false });
  return { text: r.choices[0]!.message.content, usage: r.usage };
};
const failure = (p: unknown) => client.chat.completions.create(p as ChatCompletionCreateParams).then(() => null, (e: unknown) => e as InvalidRequestError);

describe('connect(): image_url parts', () => {
  test('the model sees the image: more prompt tokens, output decided by the picture', async () => {
    const plain = await answer(withImages('vision'));
    const r1 = await answer(withImages('vision', red));
    const g = await answer(withImages('vision', green));
    const r2 = await answer(withImages('vision', red));
    expect(r1.usage.prompt_tokens - plain.usage.prompt_tokens).toBeGreaterThanOrEqual(IMAGE_TOKENS);
    expect(r1.usage.completion_tokens).toBe(10);
    expect(r1.text).not.toBe(plain.text);
    expect(g.text).not.toBe(r1.text);
    expect(r2.text).toBe(r1.text);
    // Two images: another 16 at least; streaming gives the same text as the whole answer.
    const two = await answer(withImages('vision', red, green));
    expect(two.usage.prompt_tokens - r1.usage.prompt_tokens).toBeGreaterThanOrEqual(IMAGE_TOKENS);
    let streamed = '';
    for await (const c of await client.chat.completions.create({ ...withImages('vision', red), stream: true })) streamed += c.choices[0]!.delta.content ?? '';
    expect(streamed).toBe(r1.text);
  });

  test('a model registered as text-only refuses at once with UnsupportedInputError, without loading', async () => {
    const loaded = kernel.models().map((m) => m.id);
    const err = await failure(withImages('text-only', red));
    expect(err).toBeInstanceOf(UnsupportedInputError);
    expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', details: { input: 'image', modelId: 'text-only', field: 'messages[1].content[1].image_url.url' } });
    expect(kernel.models().map((m) => m.id)).toEqual(loaded);
    expect(kernel.jobs()).toHaveLength(0);
    // Text still works on it.
    expect((await answer(withImages('text-only'))).usage.completion_tokens).toBe(10);
  });

  test('a model of unknown inputs is tried: its engine refuses the image with the same typed error', async () => {
    const err = await failure(withImages('unknown', red));
    expect(err).toBeInstanceOf(UnsupportedInputError);
    expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', details: { input: 'image', modelId: 'unknown' } });
    // Loaded once, it is known: models.list() says so, and the next image is refused before any job.
    const { data } = await client.models.list();
    expect(data.find((m) => m.id === 'unknown')!.input_modalities).toEqual(['text']);
    expect(await failure(withImages('unknown', red))).toBeInstanceOf(UnsupportedInputError);
    expect(kernel.jobs()).toHaveLength(0);
  });

  test('malformed, remote, misplaced or undecodable images are InvalidRequestErrors naming the field', async () => {
    const part = 'messages[1].content[1]';
    const cases: [unknown, string][] = [
      [withImages('vision', 'data:image/png;base64,@@not base64@@'), `${part}.image_url.url`],
      [withImages('vision', 'data:image/png;base64,'), `${part}.image_url.url`],
      [withImages('vision', 'data:text/plain;base64,aGk='), `${part}.image_url.url`],
      [withImages('vision', `data:image/png;base64,${btoa('definitely not a png')}`), `${part}.image_url.url`],
      [withImages('vision', 'https://example.com/cat.png'), `${part}.image_url.url`],
      [{ ...withImages('vision'), messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: red, detail: 'ultra' } }] }] }, 'messages[0].content[0].image_url.detail'],
      [{ ...withImages('vision'), messages: [{ role: 'user', content: [{ type: 'image_url', image_url: red }] }] }, 'messages[0].content[0].image_url'],
      [{ ...withImages('vision'), messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: red } }] }, { role: 'user', content: 'hi' }] }, 'messages[0].content[0]'],
      [{ ...withImages('vision'), messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'image_url', image_url: { url: red } }] }] }, 'messages[1].content[0]'],
      [{ ...withImages('vision'), messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type'],
      [withImages('vision', ...Array.from({ length: 17 }, () => red)), 'messages'],
    ];
    for (const [body, field] of cases) {
      const err = await failure(body);
      expect(err, field).toBeInstanceOf(InvalidRequestError);
      expect(err!.details.field, field).toBe(field);
    }
    expect((await failure(withImages('vision', 'http://intranet/secret.png')))!.details).toMatchObject({ reason: 'remote-url' });
    // wllama cannot combine images with a grammar: said before anything streams.
    const json = await failure({ ...withImages('vision', red), response_format: { type: 'json_object' } });
    expect(json).toBeInstanceOf(UnsupportedInputError);
    expect(json!.details.field).toBe('response_format');
    expect(kernel.jobs()).toHaveLength(0);
  });

  test('models.list() tells which models take images', async () => {
    const { data } = await client.models.list();
    const by = Object.fromEntries(data.map((m) => [m.id, m.input_modalities]));
    expect(by).toMatchObject({ vision: ['text', 'image'], 'text-only': ['text'] });
    expect(by['unknown-list']).toBeUndefined();
  });
});

describe('/v1/chat/completions with images', () => {
  async function call(req: V1Request) {
    let status = 0;
    let text = '';
    await handleV1Request(client, req, { head: (s) => { status = s; }, chunk: (t) => { text += t; }, end: () => {} }, new AbortController().signal);
    return { status, body: JSON.parse(text) };
  }
  const post = (body: unknown) => call({ method: 'POST', path: '/v1/chat/completions', body: JSON.stringify(body) });

  test('400s: text-only model (input_unsupported), remote URL, bad data URL — OpenAI-style with param', async () => {
    const t = await post(withImages('text-only', red));
    expect(t.status).toBe(400);
    expect(t.body.error).toMatchObject({ type: 'invalid_request_error', code: 'input_unsupported', param: 'messages[1].content[1].image_url.url' });
    const remote = await post(withImages('vision', 'https://example.com/cat.png'));
    expect(remote.status).toBe(400);
    expect(remote.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'messages[1].content[1].image_url.url' });
    expect(remote.body.error.message).toMatch(/data:image/);
    expect((await post(withImages('vision', 'data:image/png;base64,!!'))).status).toBe(400);
    const models = await call({ method: 'GET', path: '/v1/models/vision', body: null });
    expect(models.body).toMatchObject({ id: 'vision', input_modalities: ['text', 'image'] });
  });

  test('the real openai client sends an image_url and gets what connect() answers', async () => {
    const handlerFetch: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const body = init?.body ?? (input instanceof Request ? await input.text() : null);
      let status = 200;
      let text = '';
      await handleV1Request(client, { method: init?.method ?? 'GET', path: url.pathname, body: typeof body === 'string' ? body : null }, {
        head: (s) => { status = s; }, chunk: (t) => { text += t; }, end: () => {},
      }, new AbortController().signal);
      return new Response(text, { status, headers: { 'Content-Type': 'application/json' } });
    };
    const openai = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, fetch: handlerFetch, maxRetries: 0 });
    const params = withImages('vision', green);
    const viaHttp = await openai.chat.completions.create(params as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(viaHttp.choices[0]!.message.content).toBe((await answer(params)).text);
    await expect(openai.chat.completions.create(withImages('text-only', green) as OpenAI.ChatCompletionCreateParamsNonStreaming))
      .rejects.toMatchObject({ status: 400, code: 'input_unsupported' });
  });
});

describe('Prompt API: image content', () => {
  let LM: LanguageModelClass;
  let TextLM: LanguageModelClass;
  let redPng: Blob;
  const ask = (value: unknown, text = 'What is in this picture?'): LanguageModelMessage[] =>
    [{ role: 'user', content: [{ type: 'text', value: text }, { type: 'image', value }] }];
  beforeAll(async () => {
    const options = { kernel, params: randomFixtureDefaults(), defaultTemperature: 0, maxOutputTokens: 8 };
    LM = createLanguageModelClass({ ...options, model: 'vision' });
    TextLM = createLanguageModelClass({ ...options, model: 'text-only' });
    redPng = await imageBlob('#e11');
  });

  test('availability() and create() follow what the model takes', async () => {
    expect(await LM.availability({ expectedInputs: [{ type: 'image' }] })).not.toBe('unavailable');
    expect(await LM.availability({ expectedInputs: [{ type: 'text', languages: ['en'] }, { type: 'image' }] })).not.toBe('unavailable');
    expect(await LM.availability({ expectedInputs: [{ type: 'audio' }] })).toBe('unavailable');
    expect(await LM.availability({ expectedOutputs: [{ type: 'image' }] })).toBe('unavailable');
    expect(await TextLM.availability({ expectedInputs: [{ type: 'image' }] })).toBe('unavailable');
    expect(await TextLM.availability()).not.toBe('unavailable');
    await expect(TextLM.create({ expectedInputs: [{ type: 'image' }] })).rejects.toMatchObject({ name: 'NotSupportedError' });
    // Unknown inputs: available as the model is (its engine decides when an image arrives).
    const Unknown = createLanguageModelClass({ kernel, model: 'unknown-availability' });
    expect(await Unknown.availability({ expectedInputs: [{ type: 'image' }] })).not.toBe('unavailable');
  });

  test('prompt() with an image: every kind of image value reaches the model as the same picture', async () => {
    const session = await LM.create({ expectedInputs: [{ type: 'image' }] });
    const plain = await (await session.clone()).prompt('What is in this picture?');
    const fromBlob = await (await session.clone()).prompt(ask(redPng));
    const fromGreen = await (await session.clone()).prompt(ask(await imageBlob('#1e1')));
    expect(fromBlob).not.toBe(plain);
    expect(fromGreen).not.toBe(fromBlob);

    const bitmap = await createImageBitmap(redPng);
    const offscreen = new OffscreenCanvas(bitmap.width, bitmap.height);
    offscreen.getContext('2d')!.drawImage(bitmap, 0, 0);
    const canvas = document.createElement('canvas');
    Object.assign(canvas, { width: bitmap.width, height: bitmap.height });
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    const imageData = offscreen.getContext('2d')!.getImageData(0, 0, bitmap.width, bitmap.height);
    const img = new Image();
    img.src = URL.createObjectURL(redPng); // not awaited: the polyfill waits for it to decode
    const bytes = await redPng.arrayBuffer();
    const padded = new Uint8Array(bytes.byteLength + 7);
    padded.set(new Uint8Array(bytes), 7);
    const values: [string, unknown][] = [
      ['File', new File([redPng], 'red.png', { type: 'image/png' })], ['ArrayBuffer', bytes], ['Uint8Array view with offset', padded.subarray(7)],
      ['ImageBitmap', bitmap], ['OffscreenCanvas', offscreen], ['HTMLCanvasElement', canvas], ['ImageData', imageData], ['HTMLImageElement', img],
    ];
    for (const [kind, value] of values) expect(await (await session.clone()).prompt(ask(value)), kind).toBe(fromBlob);
    // The caller's bitmap is not consumed.
    expect(bitmap.width).toBeGreaterThan(0);
    URL.revokeObjectURL(img.src);
  });

  test('context accounting counts the image as the engine reports it; the image stays in the conversation', async () => {
    const session = await LM.create({ expectedInputs: [{ type: 'image' }] });
    const text = await session.measureContextUsage('What is in this picture?');
    const image = await session.measureContextUsage(ask(redPng));
    expect(image - text).toBeGreaterThanOrEqual(IMAGE_TOKENS);
    const before = session.contextUsage;
    await session.append(ask(redPng));
    expect(session.contextUsage).toBe(before + image);
    // A follow-up prompt still sees the picture: it differs from the same follow-up after another picture.
    const other = await LM.create({ expectedInputs: [{ type: 'image' }] });
    await other.append(ask(await imageBlob('#1e1')));
    expect(await session.prompt('And now?')).not.toBe(await other.prompt('And now?'));
    // initialPrompts may hold images too.
    const primed = await LM.create({ expectedInputs: [{ type: 'image' }], initialPrompts: ask(redPng) });
    expect(primed.contextUsage).toBe(image);
  });

  test('errors as the explainer names them; a failed prompt leaves no trace', async () => {
    const undeclared = await LM.create();
    await expect(undeclared.prompt(ask(redPng))).rejects.toMatchObject({ name: 'NotSupportedError' });
    await expect(LM.create({ initialPrompts: ask(redPng) })).rejects.toMatchObject({ name: 'NotSupportedError' });
    const session = await LM.create({ expectedInputs: [{ type: 'image' }] });
    const usage = session.contextUsage;
    await expect(session.prompt(ask('not an image'))).rejects.toBeInstanceOf(TypeError);
    await expect(session.prompt(ask(42))).rejects.toBeInstanceOf(TypeError);
    await expect(session.prompt([{ role: 'user', content: [{ type: 'text', value: redPng }] }])).rejects.toBeInstanceOf(TypeError);
    for (const garbage of [new Blob(['not an image'], { type: 'image/png' }), new TextEncoder().encode('still not an image').buffer]) {
      const err = await session.prompt(ask(garbage)).then(() => null, (e: unknown) => e as DOMException);
      expect(err).toBeInstanceOf(DOMException);
      expect(err!.name).toBe('EncodingError');
    }
    const closed = await createImageBitmap(redPng);
    closed.close();
    await expect(session.prompt(ask(closed))).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(session.prompt([{ role: 'assistant', content: [{ type: 'image', value: redPng }] }])).rejects.toMatchObject({ name: 'NotSupportedError' });
    await expect(session.append([{ role: 'system', content: [{ type: 'image', value: redPng }] }])).rejects.toMatchObject({ name: 'NotSupportedError' });
    await expect(session.prompt([{ role: 'user', content: Array.from({ length: 17 }, () => ({ type: 'image' as const, value: redPng })) }]))
      .rejects.toMatchObject({ name: 'NotSupportedError' });
    // The image goes with the constraint's guidance text, and wllama cannot combine images with a grammar.
    const constrained = await session.prompt(ask(redPng), { responseConstraint: /(yes|no)/ }).then(() => null, (e: unknown) => e as DOMException & { cause: unknown });
    expect(constrained!.name).toBe('NotSupportedError');
    expect(constrained!.cause).toMatchObject({ code: 'INPUT_UNSUPPORTED', details: { input: 'image+grammar' } });
    expect(session.contextUsage).toBe(usage);
    // A model whose engine turns the image down: NotSupportedError, the LLM OS error as its cause.
    const Unknown = createLanguageModelClass({ kernel, model: 'unknown-prompt', params: randomFixtureDefaults(), maxOutputTokens: 4 });
    const u = await Unknown.create({ expectedInputs: [{ type: 'image' }] });
    const err = await u.prompt(ask(redPng)).then(() => null, (e: unknown) => e as DOMException & { cause: unknown });
    expect(err!.name).toBe('NotSupportedError');
    expect(err!.cause).toBeInstanceOf(UnsupportedInputError);
    expect(await session.prompt(ask(redPng))).toBeTypeOf('string');
  });
});
