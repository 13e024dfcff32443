import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import type { Kernel } from '../../kernel/kernel';
import { BAN_BYTES, fixtureKernel, idle, v1Fetch } from '../../../test/helpers/api';
import { connect, type LlmOsClient } from '../openai/openai';
import { handleV1Request, type V1Request } from './v1-handler';

let kernel: Kernel;
let client: LlmOsClient;
beforeAll(async () => {
  // One job per slot: the queue fills behind one running job.
  kernel = await fixtureKernel({ queueLimit: 1, jobsPerSlot: 1 });
  client = connect({ appId: 'test.v1', kernel });
});
afterAll(() => kernel.shutdown());

/** Run one request through the handler and collect the response as a fetch `Response` would carry it. */
async function call(req: V1Request, signal = new AbortController().signal) {
  let status = 0;
  let headers: Record<string, string> = {};
  let text = '';
  let ended = 0;
  await handleV1Request(client, req, { head: (s, h) => { status = s; headers = h; }, chunk: (t) => { text += t; }, end: () => { ended++; } }, signal);
  expect(ended).toBe(1);
  return { status, headers, text };
}
const post = (body: unknown) => call({ method: 'POST', path: '/v1/chat/completions', body: typeof body === 'string' ? body : JSON.stringify(body) });
const chat = { model: 'tiny', messages: [{ role: 'user', content: 'hi' }], temperature: 0, logit_bias: BAN_BYTES };

/** A `fetch` that answers `/v1` with the handler, as the service worker does: lets the real `openai` client run. */
const handlerFetch: typeof fetch = (input, init) => v1Fetch(client)(input, init);

describe('/v1 HTTP semantics', () => {
  test('GET /v1/models and /v1/models/{id}', async () => {
    const r = await call({ method: 'GET', path: '/v1/models', body: null });
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toBe('application/json');
    const list = JSON.parse(r.text);
    expect(list.object).toBe('list');
    expect(list.data.map((m: { id: string }) => m.id).sort()).toEqual(['tiny', 'tiny-b']);
    expect(JSON.parse((await call({ method: 'GET', path: '/v1/models/tiny', body: null })).text)).toMatchObject({ id: 'tiny', object: 'model' });
    expect((await call({ method: 'GET', path: '/v1/models/nope', body: null })).status).toBe(404);
    expect((await call({ method: 'POST', path: '/v1/models', body: '{}' })).status).toBe(405);
  });

  test('malformed bodies are 400 with an OpenAI-style error body; unknown routes 404', async () => {
    for (const [body, code] of [['{not json', 'invalid_json'], ['[1,2]', 'invalid_request'], [{ model: 'tiny' }, 'invalid_request'], [{ ...chat, temperature: 'hot' }, 'invalid_request']] as const) {
      const r = await post(body);
      expect(r.status).toBe(400);
      const err = JSON.parse(r.text).error;
      expect(err).toMatchObject({ type: 'invalid_request_error', code });
      expect(typeof err.message).toBe('string');
    }
    expect(JSON.parse((await post({ ...chat, temperature: 'hot' })).text).error.param).toBe('temperature');
    expect((await post({ ...chat, model: 'missing' })).status).toBe(404);
    expect((await call({ method: 'GET', path: '/v1/chat/completions', body: null })).status).toBe(405);
    expect((await call({ method: 'GET', path: '/v1/embeddings', body: null })).status).toBe(404);
  });

  test('POST /v1/chat/completions answers JSON, or SSE ending in data: [DONE]', async () => {
    const r = await post({ ...chat, max_tokens: 5 });
    expect(r.status).toBe(200);
    const completion = JSON.parse(r.text);
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'tiny', usage: { completion_tokens: 5 } });
    const s = await post({ ...chat, max_tokens: 5, stream: true });
    expect(s.status).toBe(200);
    expect(s.headers['Content-Type']).toMatch(/^text\/event-stream/);
    const events = s.text.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(completion.choices[0].message.content);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
  });

  test('a full queue is 503 with an OpenAI-style error', async () => {
    const running = await client.chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'a' }], max_tokens: 300, stream: true });
    const queued = client.chat.completions.create({ ...chat, max_tokens: 2 } as never);
    const r = await post({ ...chat, max_tokens: 2 });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text).error).toMatchObject({ type: 'server_error', code: 'queue_full' });
    running.controller.abort();
    await Promise.allSettled([queued]);
    await idle(kernel);
  });

  test('the real openai client parses the JSON and the SSE stream', async () => {
    const openai = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, fetch: handlerFetch, maxRetries: 0 });
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('tiny');
    const whole = await openai.chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 } as never) as OpenAI.ChatCompletion;
    expect(whole.choices[0]!.finish_reason).toBe('length');
    const stream = await openai.chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'hi' }], max_tokens: 6, stream: true } as never) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
    let text = '';
    let finish: string | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe('length');
    await expect(openai.chat.completions.create({ model: 'tiny', messages: [] })).rejects.toMatchObject({ status: 400 });
  });

  test('the openai client sees OpenAI semantics: usage chunk, model_not_found, 422 without retries, top_logprobs rules, created', async () => {
    const openai = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, fetch: handlerFetch });
    const models = await openai.models.list();
    const now = Math.floor(Date.now() / 1000);
    for (const m of models.data) expect(m.created).toBeGreaterThan(now - 24 * 3600);

    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const stream = await openai.chat.completions.create({
      ...chat, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, stream: true, stream_options: { include_usage: true },
    } as never) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 4 });

    await expect(openai.chat.completions.create({ ...chat, model: 'nope' } as never)).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    // OpenAI's rules (log probabilities themselves: openai-logprobs.test.ts).
    await expect(openai.chat.completions.create({ ...chat, top_logprobs: 2 } as never)).rejects.toMatchObject({ status: 400, param: 'top_logprobs' });
    await expect(openai.chat.completions.create({ ...chat, logprobs: true, top_logprobs: 21 } as never)).rejects.toMatchObject({ status: 400, param: 'top_logprobs' });

    // Output failing its schema: 422, which the client does not retry — one request, one generation.
    let generations = 0;
    const off = kernel.events.on('job-finished', () => { generations++; });
    const schema = { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'], additionalProperties: false, not: { required: ['a'] } };
    const err = await openai.chat.completions.create({
      ...chat, max_tokens: 40, response_format: { type: 'json_schema', json_schema: { name: 'impossible', schema } },
    } as never).then(() => null, (e) => e);
    off();
    expect(err).toMatchObject({ status: 422, code: 'output_invalid' });
    expect(generations).toBe(1);
  });
});

