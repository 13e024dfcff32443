/**
 * Malformed JSON and SSE bodies at the OpenAI-compatible `/v1` endpoint (the page-side handler the
 * service worker relays to — the relay's own 400 for a non-JSON body is covered on the built app in
 * test/e2e/faults.spec.ts), on a real kernel with a real engine worker. Every malformed body is an
 * HTTP 400 with an OpenAI-style error naming the field; nothing reaches the kernel; a stream that fails
 * after it started ends with a `data: {error}` event the real `openai` client throws; the endpoint keeps
 * serving.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import OpenAI from 'openai';
import { connect, type LlmOsClient } from '../../src/api/openai/openai';
import { handleV1Request, type V1Request } from '../../src/api/v1/v1-handler';
import { ERROR_TEXT } from '../../src/errors';
import { EngineClient } from '../../src/kernel/engine-client';
import type { Kernel } from '../../src/kernel/kernel';
import { BAN_BYTES, fixtureKernel, idle } from '../helpers/api';
import { crashWorker, spawnTestEngineWorker } from '../helpers/engines';
import { faultCase } from './reliability';

let kernel: Kernel;
let client: LlmOsClient;
const workers: EngineClient[] = [];
beforeAll(async () => {
  kernel = await fixtureKernel({ maxRetries: 0, createEngine: async () => { const c = await EngineClient.start(spawnTestEngineWorker()); workers.push(c); return c; } });
  client = connect({ appId: 'test.v1-faults', kernel });
});
afterAll(() => kernel.shutdown());

async function call(req: V1Request, signal = new AbortController().signal, onChunk: (t: string) => void = () => {}) {
  let status = 0;
  let headers: Record<string, string> = {};
  let text = '';
  let ended = 0;
  await handleV1Request(client, req, { head: (s, h) => { status = s; headers = h; }, chunk: (t) => { text += t; onChunk(t); }, end: () => { ended++; } }, signal);
  expect(ended).toBe(1);
  return { status, headers, text };
}
const post = (body: unknown, signal?: AbortSignal, onChunk?: (t: string) => void) =>
  call({ method: 'POST', path: '/v1/chat/completions', body: typeof body === 'string' ? body : JSON.stringify(body) }, signal, onChunk);
const chat = { model: 'tiny', messages: [{ role: 'user', content: 'hi' }], temperature: 0, logit_bias: BAN_BYTES, max_tokens: 3 };

/** A 400 with an OpenAI-style error body; `code` is an LLM OS code (with UI words) or an endpoint code. */
function expect400(r: { status: number; headers: Record<string, string>; text: string }, code: string, param?: string) {
  expect(r.status).toBe(400);
  expect(r.headers['Content-Type']).toBe('application/json');
  const err = JSON.parse(r.text).error;
  expect(err).toMatchObject({ type: 'invalid_request_error', code });
  expect(typeof err.message).toBe('string');
  if (param !== undefined) expect(err.param).toBe(param);
  if (code !== 'invalid_json') expect(ERROR_TEXT[code.toUpperCase()]).toBeTruthy();
}

describe('malformed JSON bodies', () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const cases: [string, unknown, string, string?][] = [
    ['not JSON', '{not json', 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['JSON null', 'null', 'invalid_request'],
    ['a JSON array', '[1,2]', 'invalid_request'],
    ['a JSON string', '"chat please"', 'invalid_request'],
    ['200 000 levels of nesting', deep, 'invalid_request'],
    ['no model', { messages: chat.messages }, 'invalid_request', 'model'],
    ['no messages', { model: 'tiny' }, 'invalid_request', 'messages'],
    ['empty messages', { ...chat, messages: [] }, 'invalid_request', 'messages'],
    ['an unknown role', { ...chat, messages: [{ role: 'root', content: 'x' }] }, 'invalid_request', 'messages[0].role'],
    ['non-string content', { ...chat, messages: [{ role: 'user', content: { html: '<b>' } }] }, 'invalid_request', 'messages[0].content'],
    ['temperature "hot"', { ...chat, temperature: 'hot' }, 'invalid_request', 'temperature'],
    ['max_tokens -1', { ...chat, max_tokens: -1 }, 'invalid_request', 'max_tokens'],
    ['max_tokens 10^12', { ...chat, max_tokens: 1e12 }, 'invalid_request', 'max_tokens'],
    ['n = 3', { ...chat, n: 3 }, 'invalid_request', 'n'],
    ['a tool named "rm -rf /"', { ...chat, tools: [{ type: 'function', function: { name: 'rm -rf /' } }] }, 'invalid_request', 'tools[0].function.name'],
    ['tool_choice naming no tool', { ...chat, tools: [{ type: 'function', function: { name: 'rm' } }], tool_choice: { type: 'function', function: { name: 'sudo' } } }, 'invalid_request', 'tool_choice'],
    ['the deprecated functions', { ...chat, functions: [{ name: 'rm' }] }, 'invalid_request', 'functions'],
    ['response_format xml', { ...chat, response_format: { type: 'xml' } }, 'invalid_request', 'response_format.type'],
    ['logit_bias out of range', { ...chat, logit_bias: { 5: 1000 } }, 'invalid_request', 'logit_bias'],
    ['a 10 MB message', { ...chat, messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }] }, 'invalid_request'],
    ['stream is "yes"', { ...chat, stream: 'yes' }, 'invalid_request', 'stream'],
    ['stream with bad messages (answered as JSON, not SSE)', { ...chat, stream: true, messages: 'hi' }, 'invalid_request', 'messages'],
    ['stream with a JSON schema that is not an object', { ...chat, stream: true, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: [1] } } }, 'invalid_request', 'response_format.json_schema.schema'],
  ];
  for (const [name, body, code, param] of cases) {
    faultCase('/v1 endpoint', `POST /v1/chat/completions: ${name}`, `400 ${code}${param ? ` (param ${param})` : ''}; nothing queued`, async () => {
      const before = kernel.events.history().filter((e) => e.type === 'job-queued').length;
      expect400(await post(body), code, param);
      expect(kernel.events.history().filter((e) => e.type === 'job-queued').length).toBe(before);
    });
  }

  faultCase('/v1 endpoint', 'a body with __proto__ and constructor keys', 'no prototype pollution; answered normally', async () => {
    const r = await post(`{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},${JSON.stringify(chat).slice(1)}`);
    expect(r.status).toBe(200);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(r.text).usage.completion_tokens).toBe(3);
  });
});

describe('SSE streams that go wrong', () => {
  faultCase('/v1 endpoint', 'SSE: the engine worker dies mid-stream', 'stream ends with data: {error} (worker_crashed); the openai client throws it; the endpoint serves on', async () => {
    let n = 0;
    const r = await post({ ...chat, max_tokens: 300, stream: true }, undefined, () => {
      if (++n === 4) crashWorker(workers.find((w) => w.alive)!);
    });
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toMatch(/^text\/event-stream/);
    const events = r.text.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(2);
    expect(events.slice(0, -1).every((e) => JSON.parse(e.slice(6)).object === 'chat.completion.chunk')).toBe(true);
    const last = JSON.parse(events.at(-1)!.slice(6));
    expect(last.error).toMatchObject({ code: 'worker_crashed', type: 'server_error' });
    expect(ERROR_TEXT.WORKER_CRASHED).toBeTruthy();
    expect(r.text).not.toContain('[DONE]');
    // The same failure seen by the real openai client: the iteration throws.
    const body = r.text;
    const openai = new OpenAI({
      baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, maxRetries: 0,
      fetch: async () => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    });
    const stream = await openai.chat.completions.create({ ...chat, stream: true } as never) as unknown as AsyncIterable<unknown>;
    await expect((async () => { for await (const _c of stream) { /* read */ } })()).rejects.toThrow();
    expect(JSON.parse((await post(chat)).text).usage.completion_tokens).toBe(3);
  }, 60_000);

  faultCase('/v1 endpoint', 'SSE: the HTTP caller goes away mid-stream', 'the job is cancelled (kernel idle); at most the chunks in flight arrive after the abort', async () => {
    const ctrl = new AbortController();
    let chunksAtAbort = -1;
    let chunks = 0;
    const r = await post({ ...chat, max_tokens: 2000, stream: true }, ctrl.signal, () => {
      if (++chunks === 5) { chunksAtAbort = chunks; ctrl.abort(); }
    });
    expect(r.status).toBe(200);
    // At most the chunks already on their way when the caller left (one token's, plus the one in the
    // relay's channel) arrive after the abort; the job itself stops within a token (checked below).
    expect(chunks - chunksAtAbort).toBeLessThanOrEqual(2);
    await idle(kernel);
    const finished = kernel.events.history().filter((e) => e.type === 'job-finished').at(-1)!.detail as { stopReason: string; tokens: number };
    expect(finished.stopReason).toBe('abort');
    expect(finished.tokens).toBeLessThan(50);
  }, 60_000);
});
