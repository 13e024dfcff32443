/**
 * Tool calling with the official `openai` client against `/v1` (the page-side handler, as the service
 * worker relays it) and real inference: the random-weight fixture models are held to valid calls by the
 * grammar, so every call must parse, satisfy its tool's schema and go round the client's own loop.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type OpenAI from 'openai';
import type { Kernel } from '../../kernel/kernel';
import { BAN_NON_ASCII_BYTES, fixtureKernel, openAiOver } from '../../../test/helpers/api';
import { connect, type LlmOsClient } from './openai';

const WEATHER_PARAMS = {
  type: 'object',
  properties: { city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] }, unit: { enum: ['c', 'f'] }, note: { type: 'string', maxLength: 6 } },
  required: ['city', 'unit', 'note'],
  additionalProperties: false,
};
const weather: OpenAI.ChatCompletionTool = { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: WEATHER_PARAMS } };
const clock: OpenAI.ChatCompletionTool = {
  type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: { zone: { enum: ['utc', 'local'] } }, required: ['zone'] } },
};
const ask = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
/** Greedy; non-ASCII byte tokens banned (random weights would write invalid UTF-8, see BAN_NON_ASCII_BYTES). */
const base = { model: 'tiny', messages: ask, temperature: 0, max_tokens: 200, logit_bias: BAN_NON_ASCII_BYTES };

/** The arguments satisfy WEATHER_PARAMS (checked here by hand, not by the code under test). */
function expectWeatherArgs(args: string) {
  const v = JSON.parse(args) as Record<string, unknown>;
  expect(Object.keys(v).sort()).toEqual(['city', 'note', 'unit']);
  expect(['Paris', 'Oslo', 'Lima']).toContain(v['city']);
  expect(['c', 'f']).toContain(v['unit']);
  expect(typeof v['note']).toBe('string');
  expect((v['note'] as string).length).toBeLessThanOrEqual(6);
}

let kernel: Kernel;
let client: LlmOsClient;
let openai: OpenAI;
beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 1024 });
  const url = '/fixtures/tiny-qwen-tools.gguf';
  const size = Number((await fetch(url, { method: 'HEAD' })).headers.get('Content-Length'));
  kernel.registerModel({ id: 'tiny-qwen', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny-qwen', url }, weightBytes: size, nCtx: 1024 });
  client = connect({ appId: 'test.tools', kernel });
  openai = openAiOver(client);
});
afterAll(() => kernel.shutdown());

describe('OpenAI tool calling through /v1 with the official client', () => {
  test("tool_choice 'required': finish_reason tool_calls, content null, calls that satisfy the schema", async () => {
    const r = await openai.chat.completions.create({ ...base, tools: [weather], tool_choice: 'required' });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const calls = choice.message.tool_calls!;
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const c of calls) {
      expect(c.id).toMatch(/^call_[0-9a-f]{24}$/);
      expect(c.type).toBe('function');
      if (c.type !== 'function') continue;
      expect(c.function.name).toBe('get_weather');
      expectWeatherArgs(c.function.arguments);
    }
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
  });

  test('a named function with parallel_tool_calls false: exactly that one call', async () => {
    const r = await openai.chat.completions.create({
      ...base, tools: [weather, clock], tool_choice: { type: 'function', function: { name: 'clock' } }, parallel_tool_calls: false,
    });
    const calls = r.choices[0]!.message.tool_calls!;
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c.type === 'function' && c.function.name).toBe('clock');
    expect(c.type === 'function' && ['utc', 'local']).toContain(c.type === 'function' ? JSON.parse(c.function.arguments).zone : null);
  });

  test('streamed: delta.tool_calls as OpenAI streams them, and the client assembles the same calls', async () => {
    const raw = await openai.chat.completions.create({
      ...base, tools: [weather], tool_choice: 'required', parallel_tool_calls: false, stream: true, stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of raw) chunks.push(c);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    // First piece: index, id, type and name, no arguments yet; then argument text only.
    expect(deltas[0]).toEqual({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.length).toBeGreaterThan(2);
    for (const d of deltas.slice(1)) expect(Object.keys(d).sort()).toEqual(['function', 'index']);
    expectWeatherArgs(deltas.map((d) => d.function?.arguments ?? '').join(''));
    expect(chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('')).toBe('');
    const finishing = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishing.map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls']);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);

    // The client's own stream helper accumulates the pieces into the final message.
    const helper = openai.chat.completions.stream({ ...base, tools: [weather], tool_choice: 'required', parallel_tool_calls: false });
    const final = await helper.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    // Greedy and seeded alike: the streamed arguments are the same as the assembled ones.
    expect(call.type === 'function' && call.function.arguments).toBe(deltas.map((d) => d.function?.arguments ?? '').join(''));
  });

  test("a round trip through the client's runTools loop: the call runs, its result is fed back as a tool message", async () => {
    const seen: unknown[] = [];
    const runner = openai.chat.completions.runTools({
      ...base,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      tools: [{
        type: 'function',
        function: { name: 'get_weather', description: 'Weather in a city', parameters: WEATHER_PARAMS, parse: JSON.parse, function: (args: unknown) => { seen.push(args); return { temperature: 21 }; } },
      }],
    });
    await runner.done();
    expect(seen).toHaveLength(1);
    expectWeatherArgs(JSON.stringify(seen[0]));
    const toolMsg = runner.messages.find((m) => m.role === 'tool');
    expect(toolMsg).toMatchObject({ role: 'tool', content: '{"temperature":21}' });
    // The conversation with the call and its result is a valid request: the model answers in text.
    const after = await openai.chat.completions.create({ ...base, max_tokens: 8, messages: runner.messages, tools: [weather], tool_choice: 'none' });
    expect(after.choices[0]!.message.tool_calls).toBeUndefined();
    expect(typeof after.choices[0]!.message.content).toBe('string');
    expect(after.usage!.prompt_tokens).toBeGreaterThan((await openai.chat.completions.create({ ...base, max_tokens: 1 })).usage!.prompt_tokens);
  });

  test("a template with its own tool format (Qwen 2.5's) gets valid calls too", async () => {
    const r = await openai.chat.completions.create({ ...base, model: 'tiny-qwen', tools: [weather], tool_choice: 'required', parallel_tool_calls: false });
    const calls = r.choices[0]!.message.tool_calls!;
    expect(calls).toHaveLength(1);
    expectWeatherArgs(calls[0]!.type === 'function' ? calls[0]!.function.arguments : '');
  });

  test("tool_choice 'auto' answers in text or in calls, never a broken mix; 'none' answers in text", async () => {
    for (const model of ['tiny-b']) {
      const r = await openai.chat.completions.create({ ...base, model, tools: [weather] });
      const { message, finish_reason } = r.choices[0]!;
      if (message.tool_calls?.length) {
        expect(finish_reason).toBe('tool_calls');
        for (const c of message.tool_calls) expectWeatherArgs(c.type === 'function' ? c.function.arguments : '');
      } else {
        expect(typeof message.content).toBe('string');
        expect(message.content!.startsWith('<')).toBe(false);
      }
    }
    const none = await openai.chat.completions.create({ ...base, max_tokens: 6, tools: [weather], tool_choice: 'none' });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.finish_reason).not.toBe('tool_calls');
  });

  test('malformed tool requests are 400s naming the field, before anything runs', async () => {
    const status = async (body: Record<string, unknown>) => {
      try {
        await openai.chat.completions.create({ ...base, ...body } as never);
        return null;
      } catch (e) {
        const err = e as { status?: number; param?: string; code?: string };
        return { status: err.status, param: err.param };
      }
    };
    expect(await status({ tools: [{ type: 'function', function: { name: 'no spaces' } }] })).toEqual({ status: 400, param: 'tools[0].function.name' });
    expect(await status({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } })).toEqual({ status: 400, param: 'tool_choice' });
    expect(await status({ tool_choice: 'required' })).toEqual({ status: 400, param: 'tool_choice' });
    expect(await status({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'text' } } } } }] }))
      .toEqual({ status: 400, param: 'tools[0].function.parameters' });
    expect(await status({ messages: [...ask, { role: 'tool', content: 'x' }] })).toEqual({ status: 400, param: 'messages[1].tool_call_id' });
    expect(await status({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }] }))
      .toEqual({ status: 400, param: 'messages[0].tool_calls[0].function.arguments' });
    expect(await status({ functions: [{ name: 'f' }] })).toEqual({ status: 400, param: 'functions' });
  });
});
