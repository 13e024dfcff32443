/**
 * The Prompt API's tools (`create({tools: [{name, description, inputSchema, execute}]})`): the session
 * runs the calls itself and answers in text. The random-weight fixture cannot be asked to call a tool,
 * so these sessions come from a polyfill whose embedder sets `toolChoice: 'required'` and one round
 * (LLM OS extensions of `createLanguageModelClass`'s options): every round offering tools must call one,
 * and the last round (without tools) answers — the whole loop runs, on real inference.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import type { SubmitRequest } from '../../kernel/types';
import { BAN_NON_ASCII_BYTES, fixtureKernel } from '../../../test/helpers/api';
import { createLanguageModelClass, type LanguageModelClass } from './language-model-polyfill';

let kernel: Kernel;
let LM: LanguageModelClass;
const sent: SubmitRequest[] = [];
const schema = { type: 'object', properties: { city: { enum: ['Paris', 'Oslo'] } }, required: ['city'], additionalProperties: false };

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 1024 });
  const submit = kernel.submit.bind(kernel);
  kernel.submit = (req) => { sent.push(req); return submit(req); };
  LM = createLanguageModelClass({
    kernel, model: 'tiny', defaultTemperature: 0, maxOutputTokens: 120, maxToolRounds: 1,
    params: { logitBias: Object.fromEntries(Object.entries(BAN_NON_ASCII_BYTES).map(([k, v]) => [Number(k), v])), toolChoice: 'required', parallelToolCalls: false },
  });
});
afterAll(() => kernel.shutdown());

describe('Prompt API tools', () => {
  test('the session calls execute with schema-valid arguments, feeds the results back and answers in text', async () => {
    const calls: unknown[] = [];
    const session = await LM.create({
      tools: [{
        name: 'getWeather', description: 'The weather in a city.', inputSchema: schema,
        async execute(args: Record<string, unknown>) { calls.push(args); return `Sunny in ${String(args['city'])}`; },
      }],
    } as never);
    const before = sent.length;
    const reply = await session.prompt('What is the weather in Paris?');
    expect(typeof reply).toBe('string');
    // One round offers the tool (it must call it, once), the next answers without tools.
    expect(calls).toHaveLength(1);
    for (const a of calls) expect(['Paris', 'Oslo']).toContain((a as { city: string }).city);
    const generations = sent.slice(before).filter((r) => (r.params?.maxTokens ?? 0) > 1);
    expect(generations.map((r) => (r.params?.tools ?? []).length)).toEqual([1, 0]);
    // The last generation saw every call and every result.
    const last = generations.at(-1)!.messages!;
    expect(last.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(calls.map((a) => `Sunny in ${(a as { city: string }).city}`));
    expect(last.filter((m) => m.toolCalls?.length).length).toBe(calls.length);
    // The conversation keeps them: the next prompt is sent with the calls, results and reply.
    // The tools' prompt is outside the window (as the template's overhead is); the steps are inside it.
    expect(session.contextUsage).toBeLessThanOrEqual(session.contextWindow);
    const before2 = sent.length;
    await session.prompt('And tomorrow?');
    const next = sent.slice(before2).find((r) => (r.params?.maxTokens ?? 0) > 1)!.messages!;
    expect(next.filter((m) => m.role === 'tool').length).toBeGreaterThanOrEqual(calls.length);
    session.destroy();
  });

  test('an execute that throws is reported to the model as the result, and the prompt still answers', async () => {
    const session = await LM.create({
      tools: [{ name: 'broken', description: 'Always fails.', inputSchema: schema, execute: () => Promise.reject(new RangeError('no data')) }],
    } as never);
    const before = sent.length;
    expect(typeof await session.prompt('Try the tool.')).toBe('string');
    const last = sent.slice(before).filter((r) => (r.params?.maxTokens ?? 0) > 1).at(-1)!.messages!;
    const results = last.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r).toBe('Error: RangeError: no data');
    session.destroy();
  });

  test('malformed tools are TypeErrors, as Chromium\'s WPT has them; a tool without execute is offered, its calls answered with an error', async () => {
    const ok = { name: 't', description: 'd', inputSchema: schema, execute: () => '' };
    for (const bad of [
      { ...ok, description: undefined }, { ...ok, execute: 5 }, { ...ok, inputSchema: { type: 'nonsense' } }, { ...ok, inputSchema: { properties: {} } },
      { ...ok, inputSchema: { type: 'object', properties: { a: { type: 'text' } } } }, { ...ok, name: 'has space' }, { ...ok, name: '' }, { ...ok, description: '' },
    ]) await expect(LM.create({ tools: [bad] } as never)).rejects.toBeInstanceOf(TypeError);
    await expect(LM.create({ tools: [ok, ok] } as never)).rejects.toBeInstanceOf(TypeError);
    const session = await LM.create({ tools: [{ ...ok, execute: undefined }] } as never);
    const before = sent.length;
    await session.prompt('Use it.');
    const last = sent.slice(before).filter((r) => (r.params?.maxTokens ?? 0) > 1).at(-1)!.messages!;
    expect(last.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['Error: Error: t has no execute function: the page runs it']);
    session.destroy();
  });
});
