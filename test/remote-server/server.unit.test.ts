/**
 * The OpenAI-compatible test server (`server.ts`, started through the manager on 127.0.0.1:4191) checked
 * with the official `openai` client, as the remote engine's tests will use it: the models list, streaming
 * identical to non-streaming at temperature 0, assistant prefill that continues a cut reply exactly,
 * JSON-schema output, forced tool calls, API keys, 429 with Retry-After, a client disconnect recorded, and
 * a real server death mid-stream. Also that `readChatStream` reads this server's streams.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MANAGER_URL, startManager, type ServerInfo } from './manager.ts';
import { readChatStream } from '../../src/engines/remote/openai-stream.ts';

const KEY = 'sk-test-remote-123';
const NAMES = { open: 'unit-open', keyed: 'unit-keyed', die: 'unit-die' };
let stopManager: () => Promise<void>;
let open: ServerInfo;
let keyed: ServerInfo;
let dying: ServerInfo;

async function manager<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${MANAGER_URL}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}
const control = (s: ServerInfo, body: unknown) => fetch(`http://127.0.0.1:${s.port}/__control`, { method: 'POST', body: JSON.stringify(body) });
interface RecordJson { method: string; path: string; headers: Record<string, string>; body: unknown; status: number; clientDisconnected: boolean; tokensSent: number }
const requests = async (s: ServerInfo) => (await (await fetch(`http://127.0.0.1:${s.port}/__control/requests`)).json()) as RecordJson[];
const client = (s: ServerInfo, apiKey = 'unused') => new OpenAI({ baseURL: s.url, apiKey, maxRetries: 0 });

beforeAll(async () => {
  stopManager = await startManager(); // reuses the run's manager (Vitest global setup) when it is up
  [open, keyed, dying] = await Promise.all([
    manager<ServerInfo>('/start', { name: NAMES.open }),
    manager<ServerInfo>('/start', { name: NAMES.keyed, apiKey: KEY }),
    manager<ServerInfo>('/start', { name: NAMES.die }),
  ]);
}, 90_000);

afterAll(async () => {
  for (const name of Object.values(NAMES)) await manager('/kill', { name }).catch(() => {});
  await stopManager?.();
});

const USER = (content: string) => [{ role: 'user' as const, content }];

describe('the OpenAI-compatible test server', () => {
  test('lists its model', async () => {
    const list = await client(open).models.list();
    expect(list.data.map((m) => ({ id: m.id, object: m.object, owned_by: m.owned_by }))).toEqual([{ id: 'tiny-chars', object: 'model', owned_by: 'llmos-test' }]);
  });

  test('streaming greedy output is identical to non-streaming, usage included', async () => {
    const req = { model: 'tiny-chars', messages: USER('once upon a time'), temperature: 0, max_tokens: 24 };
    const whole = await client(open).chat.completions.create(req);
    const stream = await client(open).chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(whole.choices[0]!.message.content!.length).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe(whole.choices[0]!.finish_reason);
    expect(usage).toEqual(whole.usage);
    expect(chunks).toBeGreaterThanOrEqual(whole.usage!.completion_tokens / 2); // about one chunk per token
    // Our parser reads the same stream to the same text.
    const res = await fetch(`${open.url}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...req, stream: true }) });
    let parsed = '';
    for await (const c of readChatStream(res.body!)) parsed += c.content;
    expect(parsed).toBe(text);
  });

  test('assistant prefill continues a cut reply exactly (tiny-chars)', async () => {
    const max = 32;
    let prompt = '';
    let full = '';
    let k = 0;
    for (const p of ['once upon a time', 'go on', '1 2 3', 'abc']) {
      const r = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER(p), temperature: 0, max_tokens: max });
      full = r.choices[0]!.message.content!;
      // A prefix of plain ASCII characters: one token each, and a clean UTF-8 boundary.
      k = Math.min(8, [...full].findIndex((ch) => ch.charCodeAt(0) >= 0x80) >>> 0);
      if (k >= 4 && full.length > k + 4) { prompt = p; break; }
    }
    expect(prompt, 'a prompt whose greedy reply starts with ASCII').not.toBe('');
    const rest = await client(open).chat.completions.create({
      model: 'tiny-chars', temperature: 0, max_tokens: max - k,
      messages: [...USER(prompt), { role: 'assistant', content: full.slice(0, k) }],
    });
    expect(rest.choices[0]!.message.content).toBe(full.slice(k));
  });

  test('response_format json_schema: output parses and matches the schema', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' }, color: { enum: ['red', 'green', 'blue'] } }, required: ['ok', 'color'], additionalProperties: false };
    const r = await client(open).chat.completions.create({
      model: 'tiny-chars', messages: USER('a colour, please'), temperature: 0, max_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    const value = JSON.parse(r.choices[0]!.message.content!) as { ok: unknown; color: unknown };
    expect(Object.keys(value).sort()).toEqual(['color', 'ok']);
    expect(typeof value.ok).toBe('boolean');
    expect(['red', 'green', 'blue']).toContain(value.color);
    const obj = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('json'), temperature: 0, max_tokens: 48, response_format: { type: 'json_object' } });
    expect(obj.choices[0]!.message.content!.trimStart()[0]).toBe('{');
  });

  test('a forced tool call comes back with parseable arguments, streamed as fragments and whole', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { unit: { enum: ['c', 'f'] }, rain: { type: 'boolean' } }, required: ['unit', 'rain'] } } },
    ];
    const stream = await client(open).chat.completions.create({
      model: 'tiny-chars', messages: USER('weather?'), temperature: 0, max_tokens: 64, stream: true,
      tools, tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    let id = '';
    let name = '';
    let args = '';
    let fragments = 0;
    let finish: string | null = null;
    for await (const c of stream) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        expect(t.index).toBe(0);
        if (t.id) id = t.id;
        if (t.function?.name) name = t.function.name;
        if (t.function?.arguments) { args += t.function.arguments; fragments++; }
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(id).toMatch(/^call_/);
    expect(name).toBe('get_weather');
    expect(fragments).toBeGreaterThan(3);
    expect(finish).toBe('tool_calls');
    const parsed = JSON.parse(args) as { unit: unknown; rain: unknown };
    expect(['c', 'f']).toContain(parsed.unit);
    expect(typeof parsed.rain).toBe('boolean');
    const whole = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('weather?'), temperature: 0, max_tokens: 64, tools: tools.slice(1), tool_choice: 'required' });
    const call = whole.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual(parsed); // greedy: the same call
    const auto = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('weather?'), max_tokens: 8, tools });
    expect(auto.choices[0]!.message.tool_calls ?? []).toEqual([]);
  });

  test('with --api-key: 401 and an OpenAI error body without the key; the key is what was sent', async () => {
    await expect(client(keyed, 'wrong').models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    const raw = await fetch(`${keyed.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    const ok = await client(keyed, KEY).chat.completions.create({ model: 'tiny-chars', messages: USER('hi'), max_tokens: 2 });
    expect(ok.choices).toHaveLength(1);
    const last = (await requests(keyed)).at(-1)!;
    expect(last).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200 });
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(last.body).toMatchObject({ model: 'tiny-chars', max_tokens: 2 });
  });

  test('rateLimit: 429 with Retry-After (exposed to browsers), then served again', async () => {
    await control(open, { rateLimit: { count: 1, retryAfterS: 7 } });
    const err = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('hi'), max_tokens: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    await control(open, { rateLimit: { count: 1, retryAfterS: 3 }, fail: { count: 1, status: 503 } });
    const res = await fetch(`${open.url}/chat/completions`, { method: 'POST', headers: { Origin: 'http://other.test' }, body: '{}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://other.test');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const failed = await fetch(`${open.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ error: { type: 'server_error' } });
    const ok = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('hi'), max_tokens: 2 });
    expect(ok.choices).toHaveLength(1);
  });

  test('a client that disconnects mid-stream is recorded, and generation stops', async () => {
    const max = 60;
    await fetch(`http://127.0.0.1:${open.port}/__control/requests?clear=1`);
    await control(open, { tokenDelayMs: 40 });
    try {
      const stream = await client(open).chat.completions.create({ model: 'tiny-chars', messages: USER('abc'), temperature: 0, max_tokens: max, stream: true });
      let n = 0;
      for await (const c of stream) {
        if (c.choices[0]?.delta.content) n++;
        if (n === 3) { stream.controller.abort(); break; }
      }
      let rec: RecordJson | undefined;
      for (let i = 0; i < 50 && !rec?.clientDisconnected; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rec = (await requests(open)).find((r) => r.path === '/v1/chat/completions');
      }
      expect(rec?.clientDisconnected).toBe(true);
      const sentThen = rec!.tokensSent;
      expect(sentThen).toBeGreaterThanOrEqual(3);
      expect(sentThen).toBeLessThan(max / 2);
      await new Promise((r) => setTimeout(r, 300)); // it would have written ~7 more tokens meanwhile
      expect((await requests(open)).find((r) => r.path === '/v1/chat/completions')!.tokensSent).toBe(sentThen);
    } finally {
      await control(open, { tokenDelayMs: 0 });
    }
  });

  test('dieAfterTokens: the process SIGKILLs itself mid-stream; the client sees the stream break', async () => {
    await control(dying, { dieAfterTokens: 5, tokenDelayMs: 20 });
    const stream = await client(dying).chat.completions.create({ model: 'tiny-chars', messages: USER('abc'), temperature: 0, max_tokens: 60, stream: true });
    let text = '';
    let finish: string | null = null;
    const err = await (async () => {
      for await (const c of stream) {
        text += c.choices[0]?.delta.content ?? '';
        finish = c.choices[0]?.finish_reason ?? finish;
      }
    })().catch((e: unknown) => e);
    expect(err, 'the stream must fail, not end').toBeInstanceOf(Error);
    expect(finish).toBeNull();
    expect(text.length).toBeGreaterThan(0);
    let listed = true;
    for (let i = 0; i < 40 && listed; i++) {
      listed = (await manager<{ servers: ServerInfo[] }>('/list')).servers.some((s) => s.name === NAMES.die);
      if (listed) await new Promise((r) => setTimeout(r, 50));
    }
    expect(listed, 'the manager saw the process exit').toBe(false);
    await expect(fetch(`${dying.url}/models`)).rejects.toThrow();
  });
});
