import { describe, expect, test } from 'vitest';
import { InvalidRequestError } from '../../errors';
import { registrationInputs } from '../model-inputs';
import { parseChatRequest } from './openai-request';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const JPEG = 'data:image/jpeg;base64,/9j/4AAQ';

describe('parseChatRequest: image_url parts', () => {
  test('images go to ChatMessage.images in order, before the joined text', () => {
    const r = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be ' }, { type: 'text', text: 'brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'A: ' }, { type: 'image_url', image_url: { url: PNG } }, { type: 'text', text: 'B: ' }, { type: 'image_url', image_url: { url: JPEG, detail: 'low' } }] },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(r.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'A: B: ', images: [PNG, JPEG] },
      { role: 'assistant', content: 'ok' },
    ]);
    expect(r.images).toEqual([
      { message: 1, url: PNG, field: 'messages[1].content[1].image_url.url' },
      { message: 1, url: JPEG, field: 'messages[1].content[3].image_url.url' },
    ]);
    expect(parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).images).toEqual([]);
  });

  test('remote, malformed and misplaced images name the field', () => {
    const field = (content: unknown, role = 'user') => {
      try {
        parseChatRequest({ model: 'm', messages: [{ role, content }] });
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidRequestError);
        return (e as InvalidRequestError).details;
      }
      throw new Error('accepted');
    };
    const img = (url: unknown, detail?: unknown) => [{ type: 'image_url', image_url: { url, ...(detail ? { detail } : {}) } }];
    expect(field(img('https://example.com/a.png'))).toEqual({ field: 'messages[0].content[0].image_url.url', reason: 'remote-url' });
    expect(field(img('HTTP://example.com/a.png')).reason).toBe('remote-url');
    expect(field(img('blob:https://x/1')).field).toBe('messages[0].content[0].image_url.url');
    expect(field(img('data:image/png;base64,%%%')).field).toBe('messages[0].content[0].image_url.url');
    expect(field(img(42)).field).toBe('messages[0].content[0].image_url.url');
    expect(field(img(PNG, 'max')).field).toBe('messages[0].content[0].image_url.detail');
    expect(field(img(PNG), 'system').field).toBe('messages[0].content[0]');
    expect(field(img(PNG), 'assistant').field).toBe('messages[0].content[0]');
    expect(field([{ type: 'text', text: 1 }]).field).toBe('messages[0].content[0].text');
    expect(field([{ type: 'file', file: {} }]).field).toBe('messages[0].content[0].type');
    expect(field(Array.from({ length: 17 }, () => img(PNG)[0])).field).toBe('messages');
  });
});

describe('registrationInputs', () => {
  const url = { kind: 'gguf-url' as const, id: 'a', url: '/a.gguf' };
  test('declared inputs win; a wllama GGUF takes images exactly with a projector; otherwise unknown', () => {
    expect(registrationInputs({ engine: 'wllama', source: url, inputs: ['text', 'image'] })).toEqual(['text', 'image']);
    expect(registrationInputs({ engine: 'wllama', source: url })).toEqual(['text']);
    expect(registrationInputs({ engine: 'wllama', source: { ...url, projectorUrl: '/p.gguf' } })).toEqual(['text', 'image']);
    expect(registrationInputs({ engine: 'wllama', source: { kind: 'gguf-blobs', id: 'b', blobs: [], projector: [new Blob(['x'])] } })).toEqual(['text', 'image']);
    expect(registrationInputs({ engine: 'wllama', source: async () => url })).toBeUndefined();
    expect(registrationInputs({ engine: 'webllm', source: { kind: 'mlc', id: 'x' } })).toBeUndefined();
    const vlm = { model: 'm', model_id: 'x', model_lib: 'l', model_type: 2 };
    expect(registrationInputs({ engine: 'webllm', source: { kind: 'mlc', id: 'x', record: vlm } })).toEqual(['text', 'image']);
    expect(registrationInputs({ engine: 'webllm', source: { kind: 'mlc', id: 'x', record: { ...vlm, model_type: 0 } } })).toEqual(['text']);
  });
});
