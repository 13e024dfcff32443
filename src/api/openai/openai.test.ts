import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AbortError, InvalidRequestError, LlmOsError, OutputValidationError, PermissionError } from '../../errors';
import type { KernelEventMap } from '../../kernel/events';
import type { Kernel } from '../../kernel/kernel';
import { BAN_BYTES, GREEDY, fixtureKernel, idle } from '../../../test/helpers/api';
import { setAppPolicy } from '../app-identity';
import { connect, type LlmOsClient } from './openai';
import type { ChatCompletionChunk } from './openai-types';

let kernel: Kernel;
let client: LlmOsClient;
const messages = [{ role: 'system' as const, content: 'You are terse.' }, { role: 'user' as const, content: 'Say something.' }];

beforeAll(async () => {
  kernel = await fixtureKernel();
  client = connect({ appId: 'test.openai', kernel });
});
afterAll(() => kernel.shutdown());

async function drain(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('chat.completions.create', () => {
  test('non-streaming returns an OpenAI ChatCompletion', async () => {
    const r = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, ...GREEDY });
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.object).toBe('chat.completion');
    expect(r.created).toBeGreaterThan(1_700_000_000);
    expect(r.created).toBeLessThanOrEqual(Date.now() / 1000);
    expect(r.model).toBe('tiny');
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]!.index).toBe(0);
    expect(r.choices[0]!.message.role).toBe('assistant');
    expect(r.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage.completion_tokens).toBe(8);
    expect(r.usage.prompt_tokens).toBeGreaterThan(5);
    expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens + 8);
    // The same prompt again: all of it but the last token comes from the engine's cache, as OpenAI reports it.
    const again = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 1, ...GREEDY });
    expect(again.usage.prompt_tokens_details).toEqual({ cached_tokens: again.usage.prompt_tokens - 1 });
  });

  test('streaming yields chat.completion.chunk objects: role first, content deltas, then finish_reason; usage only when asked', async () => {
    const whole = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 12, ...GREEDY });
    const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 12, stream: true, ...GREEDY });
    const chunks = await drain(stream);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-/);
    for (const c of chunks) {
      expect(c.object).toBe('chat.completion.chunk');
      expect(c.model).toBe('tiny');
      expect(c.choices).toHaveLength(1);
    }
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const middle = chunks.slice(1, -1);
    expect(middle.length).toBeGreaterThan(1);
    for (const c of middle) {
      expect(c.choices[0]!.finish_reason).toBeNull();
      expect(typeof c.choices[0]!.delta.content).toBe('string');
    }
    // Without stream_options no chunk carries usage (OpenAI omits the field).
    for (const c of chunks) expect('usage' in c).toBe(false);
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.delta).toEqual({});
    expect(last.choices[0]!.finish_reason).toBe('length');
    // Same greedy text streamed and whole.
    expect(middle.map((c) => c.choices[0]!.delta.content).join('')).toBe(whole.choices[0]!.message.content);

    // With include_usage: every chunk has usage null, and one more chunk with no choices carries it.
    const withUsage = await drain(await client.chat.completions.create({
      model: 'tiny', messages, max_tokens: 12, stream: true, stream_options: { include_usage: true }, ...GREEDY,
    }));
    const final = withUsage.at(-1)!;
    expect(final.choices).toEqual([]);
    expect(final.usage).toMatchObject({ completion_tokens: 12 });
    expect(final.usage!.total_tokens).toBe(final.usage!.prompt_tokens + 12);
    for (const c of withUsage.slice(0, -1)) expect(c.usage).toBeNull();
    expect(withUsage.at(-2)!.choices[0]!.finish_reason).toBe('length');
  });

  test('abort mid-stream makes the iteration throw AbortError and cancels the kernel job', async () => {
    const ctrl = new AbortController();
    const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 400, stream: true, ...GREEDY }, { signal: ctrl.signal });
    let seen = 0;
    const err = await (async () => {
      for await (const c of stream) {
        if (c.choices[0]!.delta.content) seen++;
        if (seen === 2) ctrl.abort(new Error('user pressed stop'));
      }
    })().then(() => null, (e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.name).toBe('AbortError');
    expect(err.code).toBe('ABORTED');
    expect((err.cause as Error).message).toBe('user pressed stop');
    expect(seen).toBeLessThan(10);
    await idle(kernel);
  });

  test('abort of a non-streaming request rejects with AbortError; an already aborted signal rejects at once', async () => {
    const ctrl = new AbortController();
    const p = client.chat.completions.create({ model: 'tiny', messages, max_tokens: 400, signal: ctrl.signal, ...GREEDY });
    // Abort once the job runs (not inside the job-started event itself: see the report on EngineClient).
    const off = kernel.events.on('job-started', () => setTimeout(() => ctrl.abort(), 200));
    await expect(p).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    off();
    await expect(client.chat.completions.create({ model: 'tiny', messages, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    await idle(kernel);
  });

  test('stream.controller.abort() and breaking out of the loop both cancel the job', async () => {
    // How each job ended, as the kernel reports it. `ignoreEos` (the fixture default) makes a job run to
    // max_tokens: a job ending before its 400 tokens with stop reason `abort` (not `length`) was cancelled.
    const ended: KernelEventMap['job-finished'][] = [];
    const off = kernel.events.on('job-finished', (d) => { ended.push(d); });
    const create = () => client.chat.completions.create({ model: 'tiny', messages, max_tokens: 400, stream: true, ...GREEDY });
    const expectCancelled = async (count: number) => {
      await idle(kernel);
      expect(ended).toHaveLength(count);
      expect(ended[count - 1]).toMatchObject({ ok: true, stopReason: 'abort' });
      expect(ended[count - 1]!.tokens).toBeLessThan(400);
    };
    try {
      // Leaving at the first chunk (the role), before the job's tokens are read: only the stream's own
      // cancel ends the job (the token stream was never iterated, so its return() cannot).
      for await (const c of await create()) {
        expect(c.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
        break;
      }
      await expectCancelled(1);
      // Leaving at the first content delta, mid-generation.
      for await (const c of await create()) if (c.choices[0]!.delta.content) break;
      await expectCancelled(2);
      const s = await create();
      s.controller.abort();
      await expect(drain(s)).rejects.toBeInstanceOf(AbortError);
      await expectCancelled(3);
    } finally {
      off();
    }
  });

  test('malformed requests are InvalidRequestErrors naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ messages }, 'model'],
      [{ model: 'tiny', messages: [] }, 'messages'],
      [{ model: 'tiny', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'tiny', messages, temperature: 3 }, 'temperature'],
      [{ model: 'tiny', messages, max_tokens: 0 }, 'max_tokens'],
      [{ model: 'tiny', messages, n: 2 }, 'n'],
      [{ model: 'tiny', messages, tools: 'all' }, 'tools'],
      [{ model: 'tiny', messages, functions: [] }, 'functions'],
      [{ model: 'tiny', messages, response_format: { type: 'xml' } }, 'response_format.type'],
      [{ model: 'tiny', messages, logit_bias: { x: 1 } }, 'logit_bias'],
    ];
    for (const [body, field] of cases) {
      const err = await client.chat.completions.create(body as never).then(() => null, (e) => e);
      expect(err, field).toBeInstanceOf(InvalidRequestError);
      expect(err.details.field).toBe(field);
    }
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' });
  });
});

describe('structured output', () => {
  test('a JSON schema the random model cannot satisfy is a typed OutputValidationError, never its output', async () => {
    // `not` is ignored by the engine's grammar but checked afterwards: no object can satisfy this schema.
    const schema = { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'], additionalProperties: false, not: { required: ['a'] } };
    const response_format = { type: 'json_schema' as const, json_schema: { name: 'impossible', schema } };
    const err = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 40, response_format, ...GREEDY }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(OutputValidationError);
    expect(err).toBeInstanceOf(LlmOsError);
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(['schema', 'not-json']).toContain(err.details.reason);
    // Streaming: the role chunk, then the typed error — no content delta ever carries the invalid output.
    const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 40, response_format, stream: true, ...GREEDY });
    const got: ChatCompletionChunk[] = [];
    const serr = await (async () => { for await (const c of stream) got.push(c); })().then(() => null, (e) => e);
    expect(serr).toBeInstanceOf(OutputValidationError);
    expect(got.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('');
  });

  test('presence_penalty and frequency_penalty reach the engine: a greedy reply repeats itself less', async () => {
    const words = async (extra: Record<string, number>) => {
      const r = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 48, ...GREEDY, ...extra });
      return r.choices[0]!.message.content!.split(/\s+/).filter(Boolean);
    };
    const distinct = (w: string[]) => new Set(w).size / w.length;
    const plain = await words({});
    const penalised = await words({ frequency_penalty: 2, presence_penalty: 2 });
    expect(penalised).not.toEqual(plain);
    expect(distinct(penalised)).toBeGreaterThan(distinct(plain));
    // Out of OpenAI's range: refused, naming the field.
    await expect(words({ presence_penalty: 3 })).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'presence_penalty' } });
  });

  test('output cut off by max_tokens comes back as it is, with finish_reason length (as OpenAI answers)', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny', messages, max_tokens: 3, response_format: { type: 'json_object' }, ...GREEDY,
    });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage.completion_tokens).toBe(3);
    expect(() => JSON.parse(r.choices[0]!.message.content!)).toThrow();
  });

  test('the engine grammar makes even the random model produce schema-valid JSON', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const r = await client.chat.completions.create({
      model: 'tiny', messages, max_tokens: 48, response_format: { type: 'json_schema', json_schema: { name: 'flag', schema } }, ...GREEDY,
    });
    const value = JSON.parse(r.choices[0]!.message.content!);
    expect(typeof value.ok).toBe('boolean');
    expect(Object.keys(value)).toEqual(['ok']);
  });

  test('an invalid schema is refused as an invalid request', async () => {
    await expect(client.chat.completions.create({
      model: 'tiny', messages, response_format: { type: 'json_schema', json_schema: { name: 'bad', schema: { type: 'no-such-type' } } }, ...GREEDY,
    })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});

describe('models and per-app limits', () => {
  test('models.list() lists registered models in OpenAI shape, filtered by the app quota', async () => {
    const all = await client.models.list();
    expect(all.object).toBe('list');
    expect(all.data.map((m) => m.id).sort()).toEqual(['tiny', 'tiny-b']);
    expect(all.data[0]).toMatchObject({ object: 'model', owned_by: 'llmos-wllama' });
    const ids: string[] = [];
    for await (const m of all) ids.push(m.id);
    expect(ids).toHaveLength(2);
    setAppPolicy(kernel, 'test.restricted', { allowedModels: ['tiny-b'] });
    const restricted = connect({ appId: 'test.restricted', kernel });
    expect((await restricted.models.list()).data.map((m) => m.id)).toEqual(['tiny-b']);
    await expect(restricted.chat.completions.create({ model: 'tiny', messages })).rejects.toBeInstanceOf(PermissionError);
    restricted.close();
  });

  test('priority above the quota is a PermissionError at connect and per request', async () => {
    // Apps without a policy may not use realtime.
    expect(() => connect({ appId: 'test.greedy', kernel, priority: 'realtime' })).toThrow(PermissionError);
    const c = connect({ appId: 'test.greedy', kernel, priority: 'normal' });
    await expect(c.chat.completions.create({ model: 'tiny', messages, priority: 'realtime' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    // A host grant lifts it; an app cannot loosen its own quota by asking.
    setAppPolicy(kernel, 'test.os', { maxPriority: 'realtime' });
    const os = connect({ appId: 'test.os', kernel, priority: 'realtime' });
    expect(kernel.ps().find((p) => p.pid === os.pid)).toMatchObject({ appId: 'test.os', priority: 'realtime' });
    expect(() => connect({ appId: 'test.greedy', kernel, priority: 'realtime', quota: { maxPriority: 'realtime' } })).toThrow(PermissionError);
    c.close();
    os.close();
  });

  test('concurrent-job quota: a second request while one runs is refused with PermissionError', async () => {
    setAppPolicy(kernel, 'test.single', { maxConcurrentJobs: 1 });
    const c = connect({ appId: 'test.single', kernel });
    const first = await c.chat.completions.create({ model: 'tiny', messages, max_tokens: 400, stream: true, ...GREEDY });
    await expect(c.chat.completions.create({ model: 'tiny', messages, max_tokens: 4, ...GREEDY })).rejects.toBeInstanceOf(PermissionError);
    first.controller.abort();
    await expect(drain(first)).rejects.toBeInstanceOf(AbortError);
    const ok = await c.chat.completions.create({ model: 'tiny', messages, max_tokens: 2, logit_bias: BAN_BYTES, temperature: 0 });
    expect(ok.usage.completion_tokens).toBe(2);
    expect(kernel.ps().find((p) => p.pid === c.pid)?.appId).toBe('test.single');
    c.close();
    expect(kernel.ps().find((p) => p.pid === c.pid)?.state).toBe('exited');
  });
});
