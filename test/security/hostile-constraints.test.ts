/**
 * Untrusted computation stays off the page and bounded (issue 13, item 2). Hostile JSON schemas and
 * RegExps — the exponential shape (`type: ["object","object",…]` at every level, which once built a
 * 332 MB grammar on the page's main thread), 3 000 optional properties (quadratic), deep nesting, a huge
 * enum, a long RegExp — sent through every door (kernel.submit, connect(), the Prompt API polyfill,
 * `/v1`, the engine worker itself) end in bounded time with a typed error naming the limit, while a
 * `PerformanceObserver('longtask')` on the page sees no task over 200 ms. Output validation that runs
 * away (a backtracking RegExp, a schema whose `$ref`/`anyOf` branches multiply) is ended by the
 * constraint worker's time limit; a chat template that loops is ended by the render limits in the
 * engine worker. Real kernel, real engine worker, tiny fixture model.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { connect, type LlmOsClient } from '../../src/api/openai/openai';
import { createLanguageModelClass, type LanguageModelClass } from '../../src/api/prompt-api/language-model-polyfill';
import { randomFixtureDefaults } from '../../src/api/model-ref';
import { validateOutput } from '../../src/api/structured/structured-output';
import { handleV1Request } from '../../src/api/v1/v1-handler';
import { InvalidRequestError, LlmOsError, OutputValidationError } from '../../src/errors';
import { EngineClient } from '../../src/kernel/engine-client';
import type { Kernel } from '../../src/kernel/kernel';
import { CONSTRAINT_LIMITS } from '../../src/protocol/constraint-limits';
import { CHATML_TEMPLATE, TINY_SPEC, buildTinyLlamaGguf } from '../fixtures/gguf-writer';
import { fixtureKernel, GREEDY } from '../helpers/api';
import { greedy } from '../helpers/engines';
import { faultCase } from '../faults/reliability';

/** Nested objects whose `type` repeats "object" `copies` times at each of `levels` levels (< 1 KB). */
function exponentialSchema(levels = 13, copies = 4): Record<string, unknown> {
  let s: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) s = { type: Array(copies).fill('object'), properties: { a: s } };
  return s;
}
const HOSTILE: [string, () => Record<string, unknown>, string][] = [
  ['3 000 optional properties (quadratic)', () => ({ type: 'object', properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: 'string' }])) }), 'schemaProperties'],
  ['nesting 500 levels deep', () => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 500; i++) s = { type: 'object', properties: { a: s }, required: ['a'] };
    return s;
  }, 'schemaDepth'],
  ['an enum of 20 000 values', () => ({ enum: Array.from({ length: 20_000 }, (_, i) => `v${i}`) }), 'enumValues'],
  ['a 1 MB description', () => ({ type: 'object', description: 'x'.repeat(1024 * 1024) }), 'schemaBytes'],
  ['an anyOf of 10 000 branches', () => ({ anyOf: Array.from({ length: 10_000 }, (_, i) => ({ const: i })) }), 'alternatives'],
];
const LONG_REGEXP = new RegExp(`(?:${'ab|'.repeat(2000)}c)`);

interface Watched<T> { value: T | undefined; error: unknown; longestMs: number; ms: number }

/** Long tasks of the page over this are a freeze (issue 13). */
const LONG_TASK_MS = 200;

/**
 * Run `fn` while watching the page's long tasks; resolves with its outcome, the longest task and the
 * time. A run that saw a long task is run once more and that second run counts: work our code does on
 * the page is deterministic and shows in both, while the two shared cores of CI (often 5–7 runnable
 * processes) can stall any task at random once.
 */
async function watched<T>(fn: () => Promise<T> | T): Promise<Watched<T>> {
  const first = await watchOnce(fn);
  return first.longestMs < LONG_TASK_MS ? first : watchOnce(fn);
}

async function watchOnce<T>(fn: () => Promise<T> | T): Promise<Watched<T>> {
  // Collect the garbage of earlier cases now (Chromium runs with --expose-gc), not inside the watch, and
  // let the caller's own task (building the schema) end before the observer starts.
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 0));
  const seen: number[] = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const t0 = performance.now();
  let value: T | undefined;
  let error: unknown;
  try {
    value = await fn();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  // Long-task entries are delivered after the task: let them arrive.
  await new Promise((r) => setTimeout(r, 100));
  for (const e of observer.takeRecords()) seen.push(e.duration);
  observer.disconnect();
  return { value, error, longestMs: Math.max(0, ...seen), ms };
}

function expectLimit(err: unknown, limit: string): InvalidRequestError {
  expect(err, String(err)).toBeInstanceOf(InvalidRequestError);
  const e = err as InvalidRequestError;
  expect(e.details).toMatchObject({ limit, max: CONSTRAINT_LIMITS[limit as keyof typeof CONSTRAINT_LIMITS] });
  expect(e.details['value']).toBeGreaterThanOrEqual(e.details['max'] as number);
  expect(e.message).toContain(limit);
  return e;
}

let kernel: Kernel;
let pid: number;
let client: LlmOsClient;
let LM: LanguageModelClass;
beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 512 });
  pid = kernel.spawn({ name: 'hostile constraints', appId: 'test.hostile' }, { priority: 'normal' });
  client = connect({ appId: 'test.hostile-client', kernel });
  LM = createLanguageModelClass({ kernel, model: 'tiny', params: { logitBias: randomFixtureDefaults().logitBias }, defaultTemperature: 0, maxOutputTokens: 8 });
  // Warm the model and the constraint worker: the measured calls should not include a first load.
  await kernel.submit({ pid, model: 'tiny', prompt: 'warm', params: { ...randomFixtureDefaults(), maxTokens: 1 } }).result;
  await validateOutput('{}', { kind: 'json' });
});
afterAll(() => { client.close(); kernel.shutdown(); });

describe('the long-task observer is live', () => {
  faultCase('containment', 'control: a 300 ms busy loop on the page', 'seen as a long task (the watch below can fail)', async () => {
    const r = await watched(() => { const end = performance.now() + 300; while (performance.now() < end) { /* busy */ } });
    expect(r.longestMs).toBeGreaterThan(250);
  });
});

describe('hostile schemas at every door: a typed error naming the limit, no long task', () => {
  for (const [name, make, limit] of HOSTILE) {
    faultCase('containment', `schema with ${name}`, `InvalidRequestError {limit: ${limit}} from kernel.submit, connect(), /v1 (400 with param) and the Prompt API (NotSupportedError); < 1 s each; no page task > 200 ms`, async () => {
      const schema = make();
      const submit = await watched(() => kernel.submit({ pid, model: 'tiny', messages: [{ role: 'user', content: 'x' }], params: { jsonSchema: schema } }));
      expectLimit(submit.error, limit);
      const openai = await watched(() => client.chat.completions.create({
        model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 4, response_format: { type: 'json_schema', json_schema: { name: 'h', schema } }, ...GREEDY,
      }));
      expect(expectLimit(openai.error, limit).details['field']).toBe('response_format.json_schema.schema');
      let status = 0;
      let body = '';
      const request = JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 4, response_format: { type: 'json_schema', json_schema: { name: 'h', schema } } });
      const v1 = await watched(() => handleV1Request(client, { method: 'POST', path: '/v1/chat/completions', body: request },
        { head: (s) => { status = s; }, chunk: (t) => { body += t; }, end: () => {} }, new AbortController().signal));
      expect(status).toBe(400);
      expect(JSON.parse(body).error).toMatchObject({ code: 'invalid_request', param: 'response_format.json_schema.schema', message: expect.stringContaining(limit) });
      const session = await LM.create();
      const prompt = await watched(() => session.prompt('x', { responseConstraint: schema }));
      expect(prompt.error).toBeInstanceOf(DOMException);
      expect((prompt.error as DOMException).name).toBe('NotSupportedError');
      expectLimit((prompt.error as { cause: unknown }).cause, limit);
      for (const [door, r] of Object.entries({ submit, openai, v1, prompt })) {
        expect(r.ms, door).toBeLessThan(1000);
        expect(r.longestMs, door).toBeLessThan(LONG_TASK_MS);
      }
      expect(kernel.jobs()).toEqual([]);
    });
  }

  faultCase('containment', 'a RegExp of 6 000 characters (Prompt API, engine worker)', 'NotSupportedError (cause {limit: regexpSource}); InvalidRequestError from the worker; no page task > 200 ms', async () => {
    const session = await LM.create();
    const r = await watched(() => session.prompt('x', { responseConstraint: LONG_REGEXP }));
    expect((r.error as DOMException).name).toBe('NotSupportedError');
    expectLimit((r.error as { cause: unknown }).cause, 'regexpSource');
    const direct = await watched(() => kernel.submit({ pid, model: 'tiny', prompt: 'x', params: { regexp: { source: LONG_REGEXP.source, flags: '' } } }));
    expectLimit(direct.error, 'regexpSource');
    expect(Math.max(r.longestMs, direct.longestMs)).toBeLessThan(LONG_TASK_MS);
  });

  faultCase('containment', 'a schema within the input limits whose grammar would pass 256 KB', 'the engine worker stops compiling at grammarBytes: InvalidRequestError from the job; the page compiles nothing', async () => {
    // Each backslash is escaped twice (JSON, then GBNF), and optional properties repeat in the tails.
    const schema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, { const: '\\'.repeat(4000) }])) };
    const r = await watched(() => kernel.submit({ pid, model: 'tiny', messages: [{ role: 'user', content: 'x' }], params: { ...randomFixtureDefaults(), jsonSchema: schema, maxTokens: 4 } }).result);
    expectLimit(r.error, 'grammarBytes');
    expect(r.longestMs).toBeLessThan(LONG_TASK_MS);
  });

  faultCase('containment', 'the exponential shape (type: ["object" ×4] at 13 levels, < 1 KB) through connect()', 'type lists de-duplicated in the engine worker: the job runs and ends (valid JSON, a length-cut reply, or OutputValidationError) in bounded time; no page task > 200 ms', async () => {
    const schema = exponentialSchema();
    expect(JSON.stringify(schema).length).toBeLessThan(1024);
    const r = await watched(() => client.chat.completions.create({
      model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 8, response_format: { type: 'json_schema', json_schema: { name: 'exp', schema } }, ...GREEDY,
    }));
    if (r.error) expect(r.error, String(r.error)).toBeInstanceOf(OutputValidationError);
    // Cut off by max_tokens it comes back as it is, as OpenAI answers; ended by itself it is JSON.
    else if (r.value!.choices[0]!.finish_reason !== 'length') expect(JSON.parse(r.value!.choices[0]!.message.content!)).toBeTypeOf('object');
    expect(r.longestMs).toBeLessThan(LONG_TASK_MS);
    expect(r.ms).toBeLessThan(30_000);
  });
});

describe('output validation that runs away ends in the constraint worker', () => {
  /** `$defs` chained `n` deep, each an anyOf of two refs to the next: validation work doubles per level. */
  function branchingSchema(n: number): Record<string, unknown> {
    const $defs: Record<string, unknown> = { [`a${n}`]: { type: 'string' } };
    for (let i = 0; i < n; i++) $defs[`a${i}`] = { anyOf: [{ $ref: `#/$defs/a${i + 1}` }, { $ref: `#/$defs/a${i + 1}`, minimum: 0 }] };
    return { $defs, $ref: '#/$defs/a0' };
  }
  faultCase('containment', 'a backtracking RegExp ((a+)+$) against 40 a\'s and a !', `InvalidRequestError {limit: validationMs} after ≈ ${CONSTRAINT_LIMITS.validationMs} ms; no page task > 200 ms; the next check works`, async () => {
    const r = await watched(() => validateOutput(`${'a'.repeat(40)}!`, { kind: 'regexp', regexp: /(a+)+$/ }));
    expectLimit(r.error, 'validationMs');
    expect(r.ms).toBeLessThan(CONSTRAINT_LIMITS.validationMs + 2000);
    expect(r.longestMs).toBeLessThan(LONG_TASK_MS);
    await expect(validateOutput('aaa', { kind: 'regexp', regexp: /(a+)+$/ })).resolves.toBe('aaa');
  });
  faultCase('containment', 'a 1.5 KB schema whose $ref/anyOf branches double 20 times', 'a typed InvalidRequestError (too complex, or validationMs) in bounded time; no page task > 200 ms', async () => {
    const schema = branchingSchema(20);
    expect(JSON.stringify(schema).length).toBeLessThan(2048);
    const r = await watched(() => validateOutput('5', { kind: 'json', schema }));
    expect(r.error, String(r.error)).toBeInstanceOf(InvalidRequestError);
    expect(r.ms).toBeLessThan(CONSTRAINT_LIMITS.validationMs + 2000);
    expect(r.longestMs).toBeLessThan(LONG_TASK_MS);
    await expect(validateOutput('{"ok":true}', { kind: 'json', schema: { type: 'object' } })).resolves.toEqual({ ok: true });
  });
});

describe('a chat template that loops, rendered by our Jinja path in the engine worker', () => {
  const FOREVER = '{% for a in range(1000000) %}{% for b in range(1000000) %}{% endfor %}{% endfor %}';
  const NESTED = '{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}';
  let engine: EngineClient;
  beforeAll(async () => { engine = await EngineClient.start(); });
  afterAll(() => engine.terminate());

  // 81 M iterations of empty loops trip the step budget or the render time, whichever comes first on this machine.
  for (const [name, loop, limits] of [['range(10^6) × range(10^6)', FOREVER, ['templateItems']], ['range(9000) × range(9000)', NESTED, ['templateSteps', 'templateMs']]] as const) {
    faultCase('containment', `a template looping ${name} when the last message says "wedge" (constrained chat)`, `InvalidRequestError {limit: ${limits.join(' or ')}} within ≈ 1 s; the worker then answers other messages`, async () => {
      const template = `{% if 'wedge' in messages[-1]['content'] %}${loop}{% endif %}${CHATML_TEMPLATE}`;
      const gguf = buildTinyLlamaGguf({ ...TINY_SPEC, name: 'llmos-tiny-loop', chatTemplate: template });
      await engine.load('wllama', { kind: 'gguf-blobs', id: 'loop', blobs: [new Blob([gguf as BlobPart])] }, { nThreads: 2, nCtx: 256 });
      const ask = (content: string) => ({ ...greedy({ maxTokens: 3 }), prompt: undefined, messages: [{ role: 'user' as const, content }], jsonSchema: { type: 'object' }, ignoreEos: false });
      const t0 = performance.now();
      const err = await engine.generate(ask('please wedge'), () => {}).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(LlmOsError);
      const limit = String((err as LlmOsError).details['limit']);
      expect(limits as readonly string[]).toContain(limit);
      expectLimit(err, limit);
      expect(performance.now() - t0).toBeLessThan(CONSTRAINT_LIMITS.templateMs + 1500);
      const ok = await engine.generate(ask('hello'), () => {});
      expect(ok.usage.promptTokens).toBeGreaterThan(0);
    });
  }
});
