/**
 * Log probabilities, the token limit and the early head of a non-streaming `/v1` answer, with real
 * inference (wllama in a worker) on the fixture models. Log probabilities use `tiny-utf8` (tiny.gguf's
 * weights, every token valid UTF-8 on its own) and no logit bias, so that greedy decoding picks the most
 * likely token of the distribution the log probabilities describe.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { GenerationError, InvalidRequestError } from '../../errors';
import type { Kernel } from '../../kernel/kernel';
import { GREEDY, fixtureKernel, idle } from '../../../test/helpers/api';
import { TINY_UTF8_URL } from '../../../test/helpers/engines';
import { setModelDefaults } from '../model-ref';
import { handleV1Request } from '../v1/v1-handler';
import { connect, type LlmOsClient } from './openai';
import type { ChatCompletionChunk, ChoiceLogprobs } from './openai-types';

const CTX = 512;
const UTF8 = 'tiny-utf8';
let kernel: Kernel;
let client: LlmOsClient;
const ask = { model: UTF8, messages: [{ role: 'user' as const, content: 'Say something.' }], temperature: 0 };

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: CTX });
  const size = Number((await fetch(TINY_UTF8_URL, { method: 'HEAD' })).headers.get('Content-Length'));
  kernel.registerModel({ id: UTF8, engine: 'wllama', source: { kind: 'gguf-url', id: UTF8, url: TINY_UTF8_URL }, weightBytes: size, nCtx: CTX });
  setModelDefaults(kernel, UTF8, { ignoreEos: true });
  client = connect({ appId: 'test.logprobs', kernel });
});
afterAll(() => kernel.shutdown());

const enc = new TextEncoder();

/** OpenAI's invariants of `choices[0].logprobs` for a greedy reply of `tokens` tokens with `n` alternatives each. */
function checkLogprobs(lp: ChoiceLogprobs | null | undefined, content: string, tokens: number, n: number) {
  expect(lp).toBeTruthy();
  expect(lp!.refusal).toBeNull();
  const entries = lp!.content!;
  expect(entries).toHaveLength(tokens);
  expect(entries.map((e) => e.token).join('')).toBe(content);
  for (const e of entries) {
    expect(e.logprob).toBeLessThanOrEqual(0);
    expect(e.logprob).toBeGreaterThan(-50);
    expect(e.bytes).toEqual([...enc.encode(e.token)]);
    expect(e.top_logprobs).toHaveLength(n);
    const tops = e.top_logprobs.map((t) => t.logprob);
    for (const t of e.top_logprobs) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.bytes).toEqual([...enc.encode(t.token)]);
    }
    // Most likely first; a distribution's top entries sum to at most 1.
    expect(tops).toEqual([...tops].sort((a, b) => b - a));
    expect(tops.reduce((s, l) => s + Math.exp(l), 0)).toBeLessThanOrEqual(1 + 1e-4);
    if (n > 0) {
      // Greedy: the chosen token is the most likely one.
      expect(e.token).toBe(e.top_logprobs[0]!.token);
      expect(e.logprob).toBeCloseTo(Math.max(...tops), 4);
    }
  }
}

async function drain(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('logprobs', () => {
  test('non-streaming: one entry per token, top_logprobs alternatives, OpenAI shape', async () => {
    const r = await client.chat.completions.create({ ...ask, max_tokens: 8, logprobs: true, top_logprobs: 5 });
    expect(r.usage.completion_tokens).toBe(8);
    checkLogprobs(r.choices[0]!.logprobs, r.choices[0]!.message.content!, 8, 5);
    // Without logprobs, none (and the same greedy text).
    const plain = await client.chat.completions.create({ ...ask, max_tokens: 8 });
    expect(plain.choices[0]!.logprobs).toBeNull();
    expect(plain.choices[0]!.message.content).toBe(r.choices[0]!.message.content);
  });

  test('top_logprobs 0 (or omitted): the chosen tokens only, with the same log probabilities', async () => {
    const five = await client.chat.completions.create({ ...ask, max_tokens: 6, logprobs: true, top_logprobs: 5 });
    const zero = await client.chat.completions.create({ ...ask, max_tokens: 6, logprobs: true, top_logprobs: 0 });
    const omitted = await client.chat.completions.create({ ...ask, max_tokens: 6, logprobs: true });
    checkLogprobs(zero.choices[0]!.logprobs, zero.choices[0]!.message.content!, 6, 0);
    checkLogprobs(omitted.choices[0]!.logprobs, omitted.choices[0]!.message.content!, 6, 0);
    const a = five.choices[0]!.logprobs!.content!;
    zero.choices[0]!.logprobs!.content!.forEach((e, i) => {
      expect(e.token).toBe(a[i]!.token);
      expect(e.logprob).toBeCloseTo(a[i]!.logprob, 3);
    });
  });

  test('streaming: each content chunk carries its tokens; together they equal the non-streaming logprobs', async () => {
    const whole = await client.chat.completions.create({ ...ask, max_tokens: 8, logprobs: true, top_logprobs: 3 });
    const chunks = await drain(await client.chat.completions.create({ ...ask, max_tokens: 8, logprobs: true, top_logprobs: 3, stream: true }));
    for (const c of chunks) {
      const choice = c.choices[0]!;
      if (choice.delta.content) expect(choice.logprobs!.content!.map((e) => e.token).join('')).toBe(choice.delta.content);
      else expect(choice.logprobs).toBeNull();
    }
    const streamed = chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []);
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe(whole.choices[0]!.message.content);
    checkLogprobs({ content: streamed, refusal: null }, content, 8, 3);
    const expected = whole.choices[0]!.logprobs!.content!;
    streamed.forEach((e, i) => {
      expect(e.token).toBe(expected[i]!.token);
      expect(e.logprob).toBeCloseTo(expected[i]!.logprob, 3);
      expect(e.top_logprobs.map((t) => t.token)).toEqual(expected[i]!.top_logprobs.map((t) => t.token));
    });
  });

  test('OpenAI validation: top_logprobs needs logprobs: true and is an integer in [0, 20]', async () => {
    for (const [extra, field] of [
      [{ logprobs: 'yes' }, 'logprobs'],
      [{ top_logprobs: 2 }, 'top_logprobs'],
      [{ logprobs: false, top_logprobs: 2 }, 'top_logprobs'],
      [{ logprobs: true, top_logprobs: 21 }, 'top_logprobs'],
      [{ logprobs: true, top_logprobs: -1 }, 'top_logprobs'],
      [{ logprobs: true, top_logprobs: 2.5 }, 'top_logprobs'],
    ] as const) {
      const err = await client.chat.completions.create({ ...ask, max_tokens: 2, ...extra } as never).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).details['field']).toBe(field);
    }
    await idle(kernel);
  });

  test('the official openai client reads them through /v1, streaming and not', async () => {
    const openai = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, fetch: handlerFetch(client), maxRetries: 0 });
    const whole = await openai.chat.completions.create({ ...ask, max_tokens: 5, logprobs: true, top_logprobs: 4 });
    checkLogprobs(whole.choices[0]!.logprobs as ChoiceLogprobs, whole.choices[0]!.message.content!, 5, 4);
    const stream = await openai.chat.completions.create({ ...ask, max_tokens: 5, logprobs: true, top_logprobs: 4, stream: true });
    const tokens: string[] = [];
    for await (const c of stream) tokens.push(...(c.choices[0]?.logprobs?.content ?? []).map((e) => e.token));
    expect(tokens).toEqual(whole.choices[0]!.logprobs!.content!.map((e) => e.token));
    await expect(openai.chat.completions.create({ ...ask, max_tokens: 2, top_logprobs: 3 })).rejects.toMatchObject({ status: 400, param: 'top_logprobs' });
  });

  test('wllama: a byte token among the alternatives is a typed GenerationError, and the engine recovers', async () => {
    // tiny.gguf has the 128 lone-byte tokens ≥ 0x80 that llama.cpp (wllama 3.13) cannot write into its JSON.
    const err = await client.chat.completions.create({
      model: 'tiny', messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 20,
    }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationError);
    expect(err).toMatchObject({ code: 'GENERATION_FAILED', details: { reason: 'invalid-utf8-token', engine: 'wllama', logprobs: 20 } });
    const next = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ...GREEDY });
    expect(next.usage.completion_tokens).toBe(3);
  });
});

describe('max_tokens omitted', () => {
  test('generates to the end of the context (prompt + completion = the context), finish_reason length', async () => {
    const r = await client.chat.completions.create({ ...ask });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage.completion_tokens).toBeGreaterThan(256);
    expect(r.usage.total_tokens).toBe(CTX);
    // An explicit limit still holds.
    const capped = await client.chat.completions.create({ ...ask, max_tokens: 7 });
    expect(capped.usage.completion_tokens).toBe(7);
  });
});

describe('/v1 non-streaming answers', () => {
  /** Run a non-streaming request through the handler; note how many jobs were unfinished when the head went out. */
  async function timeline(body: Record<string, unknown>) {
    let jobsAtHead = -1;
    let status = 0;
    let text = '';
    await handleV1Request(client, { method: 'POST', path: '/v1/chat/completions', body: JSON.stringify(body) }, {
      head: (s) => { status = s; jobsAtHead = kernel.jobs().length; },
      chunk: (t) => { text += t; },
      end: () => {},
    }, new AbortController().signal);
    return { status, jobsAtHead, body: JSON.parse(text) };
  }

  test('start (200) at the first token, so that an aborted caller can cancel the job; with response_format only at the end', async () => {
    const early = await timeline({ ...ask, max_tokens: 40 });
    expect(early.status).toBe(200);
    expect(early.jobsAtHead).toBe(1);
    expect(early.body).toMatchObject({ object: 'chat.completion', usage: { completion_tokens: 40 } });
    // Output that must pass its response_format: the status (200 or 422) is known only at the end.
    const late = await timeline({ ...ask, max_tokens: 40, response_format: { type: 'json_object' } });
    expect(late.jobsAtHead).toBe(0);
    expect([200, 422]).toContain(late.status);
  });
});

/** A `fetch` answering `/v1` with the handler, as the service worker does (lets the real `openai` client run). */
function handlerFetch(c: LlmOsClient): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body ?? (input instanceof Request ? await input.text() : null);
    const stream = new TransformStream<Uint8Array, Uint8Array>();
    const writer = stream.writable.getWriter();
    return new Promise<Response>((resolve) => {
      void handleV1Request(c, { method: init?.method ?? 'GET', path: url.pathname, body: typeof body === 'string' ? body : null }, {
        head: (status, headers) => resolve(new Response(stream.readable, { status, headers })),
        chunk: (t) => void writer.write(enc.encode(t)),
        end: () => void writer.close(),
        fail: (message) => void writer.abort(new Error(message)),
      }, new AbortController().signal);
    });
  };
}
