import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import type { SubmitRequest } from '../../kernel/types';
import type { ChatMessage } from '../../protocol/engine';
import { OutputValidationError } from '../../errors';
import { fixtureKernel, idle } from '../../../test/helpers/api';
import { randomFixtureDefaults } from '../model-ref';
import { createLanguageModelClass, type LanguageModelClass } from './language-model-polyfill';
import type { LanguageModelSession } from './language-model';

let kernel: Kernel;
let LM: LanguageModelClass;
/** Every request the polyfill submitted, in order. */
const sent: SubmitRequest[] = [];
const SYSTEM = { role: 'system' as const, content: 'You answer in few words.' };

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 512 });
  const submit = kernel.submit.bind(kernel);
  kernel.submit = (req) => { sent.push(req); return submit(req); };
  const { logitBias } = randomFixtureDefaults();
  LM = createLanguageModelClass({ kernel, model: 'tiny', params: { logitBias }, defaultTemperature: 0, maxOutputTokens: 6 });
});
afterAll(() => kernel.shutdown());

/** The last generation (not token count) the polyfill sent. */
const lastGeneration = (): SubmitRequest => [...sent].reverse().find((r) => (r.params?.maxTokens ?? 0) > 1)!;
/** Its conversation, and its parameters. */
const lastConversation = (): ChatMessage[] => lastGeneration().messages!;
const lastParams = () => lastGeneration().params;

async function readAll(stream: ReadableStream<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const c of stream as unknown as AsyncIterable<string>) chunks.push(c);
  return chunks;
}

describe('create() and availability()', () => {
  test('downloadprogress: first 0, last 1, monotonic ProgressEvents while the kernel loads the model', async () => {
    expect(await LM.availability()).toBe('downloadable');
    const seen: ProgressEvent[] = [];
    const session = await LM.create({ monitor: (m) => m.addEventListener('downloadprogress', (e) => seen.push(e as ProgressEvent)) });
    const loaded = seen.map((e) => e.loaded);
    expect(loaded[0]).toBe(0);
    expect(loaded.at(-1)).toBe(1);
    expect(loaded.length).toBeGreaterThan(2); // real load progress in between, mapped from the kernel
    for (let i = 1; i < loaded.length; i++) expect(loaded[i]).toBeGreaterThan(loaded[i - 1]!);
    for (const e of seen) {
      expect(Number.isInteger(e.loaded * 65536)).toBe(true); // multiples of 1/65536, as the explainer rounds
      expect(e).toBeInstanceOf(ProgressEvent);
      expect(e.type).toBe('downloadprogress');
      expect(e.total).toBe(1);
    }
    expect(await LM.availability()).toBe('available');
    // Nothing fires after create() settled.
    await session.prompt('hello');
    expect(seen.map((e) => e.loaded)).toEqual(loaded);
    // Already resident: exactly the two mandatory events, through the handler property too.
    const again: number[] = [];
    await LM.create({ monitor: (m) => { m.ondownloadprogress = (e) => again.push((e as ProgressEvent).loaded); } });
    expect(again).toEqual([0, 1]);
  });

  test('argument errors: RangeError for bad language tags and sampling values, TypeError for bad shapes', async () => {
    const badTag = { expectedInputs: [{ type: 'text' as const, languages: ['xx-invalid!'] }] };
    await expect(LM.create(badTag)).rejects.toBeInstanceOf(RangeError);
    await expect(LM.availability(badTag)).rejects.toBeInstanceOf(RangeError);
    await expect(LM.create({ expectedOutputs: [{ type: 'text', languages: ['en', 'not a tag'] }] })).rejects.toBeInstanceOf(RangeError);
    await expect(LM.create({ temperature: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(LM.create({ topK: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(LM.create({ expectedInputs: [{ type: 'video' as never }] })).rejects.toBeInstanceOf(TypeError);
    await expect(LM.create({ initialPrompts: 'hi' as never })).rejects.toBeInstanceOf(TypeError);
    expect(() => new (LM as unknown as new () => unknown)()).toThrow(TypeError);
    // availability() answers a value where create() would throw on sampling values (WPT availability).
    for (const o of [{ topK: -2 }, { topK: 0 }, { temperature: -0.5 }]) expect(await LM.availability(o)).toBe('unavailable');
  });

  test('WebIDL conversions: null, undefined, {} and numbers are prompts as strings; an iterable is a message list', async () => {
    const session = await LM.create();
    for (const input of [null, undefined, {}, 42]) {
      await expect(session.prompt(input as never)).resolves.toEqual(expect.any(String));
      expect(lastConversation().at(-1)).toEqual({ role: 'user', content: String(input) });
    }
    await expect(session.append(null as never)).resolves.toBeUndefined();
    const iterable = { *[Symbol.iterator]() { yield { role: 'user', content: 'from an iterable' }; } };
    await session.prompt(iterable as never);
    expect(lastConversation().at(-1)).toEqual({ role: 'user', content: 'from an iterable' });
    await expect(session.prompt(Symbol('no') as never)).rejects.toBeInstanceOf(TypeError);
    session.destroy();
  });

  test('unsupported inputs or languages are unavailable, and create() fails with NotSupportedError', async () => {
    expect(await LM.availability({ expectedInputs: [{ type: 'image' }] })).toBe('unavailable');
    await expect(LM.create({ expectedInputs: [{ type: 'audio' }] })).rejects.toMatchObject({ name: 'NotSupportedError' });
    const English = createLanguageModelClass({ kernel, model: 'tiny', languages: ['en'] });
    expect(await English.availability({ expectedInputs: [{ type: 'text', languages: ['en-GB'] }] })).toBe('available');
    expect(await English.availability({ expectedInputs: [{ type: 'text', languages: ['ja'] }] })).toBe('unavailable');
    expect(await createLanguageModelClass({ kernel, model: 'no-such-model' }).availability()).toBe('unavailable');
  });

  test('system prompts: only first, only once — TypeError otherwise; misplaced prefix is a SyntaxError', async () => {
    await expect(LM.create({ initialPrompts: [{ role: 'user', content: 'a' }, SYSTEM] })).rejects.toBeInstanceOf(TypeError);
    await expect(LM.create({ initialPrompts: [SYSTEM, SYSTEM] })).rejects.toBeInstanceOf(TypeError);
    const withSystem = await LM.create({ initialPrompts: [SYSTEM] });
    await expect(withSystem.prompt([{ role: 'system', content: 'again' }])).rejects.toBeInstanceOf(TypeError);
    await expect(withSystem.append([{ role: 'system', content: 'again' }])).rejects.toBeInstanceOf(TypeError);
    // A session without initial prompts takes its system prompt first in the first append (or prompt).
    const empty = await LM.create();
    await empty.append([SYSTEM, { role: 'user', content: 'hi' }]);
    await expect(empty.prompt([SYSTEM])).rejects.toBeInstanceOf(TypeError);
    await expect(empty.prompt([{ role: 'user', content: 'x', prefix: true }])).rejects.toMatchObject({ name: 'SyntaxError' });
    await expect(empty.prompt([{ role: 'assistant', content: 'x', prefix: true }, { role: 'user', content: 'y' }])).rejects.toMatchObject({ name: 'SyntaxError' });
    await expect(LM.create({ initialPrompts: [{ role: 'user', content: [{ type: 'image', value: new Blob() }] }] })).rejects.toMatchObject({ name: 'NotSupportedError' });
  });

  test('abort: create() rejects with the custom reason, also mid-way', async () => {
    const reason = new Error('changed my mind');
    await expect(LM.create({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const ctrl = new AbortController();
    const p = LM.create({ initialPrompts: [SYSTEM, { role: 'user', content: 'a long preamble of words '.repeat(4) }], signal: ctrl.signal });
    ctrl.abort(reason);
    await expect(p).rejects.toBe(reason);
    const q = LM.create({ signal: AbortSignal.abort() });
    await expect(q).rejects.toMatchObject({ name: 'AbortError' });
    await idle(kernel);
  });
});

describe('prompting', () => {
  let session: LanguageModelSession;
  beforeAll(async () => { session = await LM.create({ initialPrompts: [SYSTEM] }); });

  test('prompt() answers, and contextUsage grows within contextWindow; legacy names agree', async () => {
    const start = session.contextUsage;
    expect(start).toBeGreaterThan(5);
    // The allocated 512 less the tokens every request costs once (BOS, the opened assistant turn).
    expect(session.contextWindow).toBeLessThan(512);
    expect(session.contextWindow).toBeGreaterThan(480);
    const answer = await session.prompt('What is a kernel?');
    expect(typeof answer).toBe('string');
    expect(answer.length).toBeGreaterThan(0);
    expect(session.contextUsage).toBeGreaterThan(start);
    expect(session.contextUsage).toBeLessThanOrEqual(session.contextWindow);
    expect(session.inputUsage).toBe(session.contextUsage);
    expect(session.inputQuota).toBe(session.contextWindow);
    // The prompt went to the kernel as a job of the polyfill's process, with the whole conversation.
    expect(lastConversation()[0]).toEqual(SYSTEM);
    const proc = kernel.ps().find((p) => p.pid === sent.at(-1)!.pid)!;
    expect(proc).toMatchObject({ appId: 'llmos.prompt-api', priority: 'interactive' });
  });

  test('promptStreaming() is a ReadableStream of string chunks; clone() continues identically', async () => {
    const twin = await session.clone();
    expect(twin.contextUsage).toBe(session.contextUsage);
    const whole = await session.prompt('And a browser?');
    const stream = twin.promptStreaming('And a browser?');
    expect(stream).toBeInstanceOf(ReadableStream);
    const chunks = await readAll(stream);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => typeof c === 'string')).toBe(true);
    expect(chunks.join('')).toBe(whole);
    expect(twin.contextUsage).toBe(session.contextUsage);
  });

  test('append() adds exactly what measureContextUsage() measured; measuring adds nothing', async () => {
    const before = session.contextUsage;
    const measured = await session.measureContextUsage('Remember the word stream.');
    expect(measured).toBeGreaterThan(3);
    expect(session.contextUsage).toBe(before);
    expect(await session.measureInputUsage('Remember the word stream.')).toBe(measured);
    await session.append('Remember the word stream.');
    expect(session.contextUsage).toBe(before + measured);
  });

  test('abort of one prompt rejects with the reason and leaves no trace in the session', async () => {
    const before = session.contextUsage;
    const reason = new DOMException('stop', 'AbortError');
    const ctrl = new AbortController();
    // Abort once the kernel has started work for this prompt (a timer could fire after a fast reply ends).
    const off = kernel.events.on('job-started', () => ctrl.abort(reason));
    const p = session.prompt('Write a long story.', { signal: ctrl.signal });
    await expect(p).rejects.toBe(reason);
    off();
    expect(session.contextUsage).toBe(before);
    await idle(kernel);
  });

  test('cancelling or aborting a streaming prompt mid-reply errors the stream and keeps the session as it was', async () => {
    const before = session.contextUsage;
    const ctrl = new AbortController();
    const reader = session.promptStreaming('Tell a long story.', { signal: ctrl.signal }).getReader();
    expect(typeof (await reader.read()).value).toBe('string');
    ctrl.abort('enough');
    await expect(reader.read()).rejects.toBe('enough');
    const other = session.promptStreaming('Another long story.').getReader();
    await other.read();
    await other.cancel();
    await idle(kernel);
    expect(session.contextUsage).toBe(before);
    expect(kernel.jobs()).toHaveLength(0);
  });

  test('responseConstraint: JSON Schema and RegExp are enforced; impossible ones reject with SyntaxError', async () => {
    const s = await LM.create();
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const LMlong = createLanguageModelClass({ kernel, model: 'tiny', params: randomFixtureDefaults(), defaultTemperature: 0, maxOutputTokens: 40 });
    const roomy = await LMlong.create();
    const json = JSON.parse(await roomy.prompt('Is it ok?', { responseConstraint: schema }));
    expect(typeof json.ok).toBe('boolean');
    const word = await roomy.prompt('Yes or no?', { responseConstraint: /(yes|no)/ });
    expect(['yes', 'no']).toContain(word);
    const digits = await roomy.prompt('A number?', { responseConstraint: /[0-9]{3}-[a-c]{2}/, omitResponseConstraintInput: true });
    expect(digits).toMatch(/^[0-9]{3}-[a-c]{2}$/);
    const impossible = { ...schema, not: { required: ['ok'] } };
    const err = await roomy.prompt('Is it ok?', { responseConstraint: impossible }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe('SyntaxError');
    expect(err.cause).toBeInstanceOf(OutputValidationError);
    await expect(s.prompt('x', { responseConstraint: 42 as never })).rejects.toBeInstanceOf(TypeError);
    await expect(s.prompt('x', { omitResponseConstraintInput: true })).rejects.toBeInstanceOf(TypeError);
    const circular: Record<string, unknown> = { type: 'object' };
    circular['properties'] = { self: circular };
    await expect(s.prompt('x', { responseConstraint: circular })).rejects.toMatchObject({ name: 'NotSupportedError' });
  });

  test('destroy(): pending calls reject with InvalidStateError (as Chromium), later calls too, streams error', async () => {
    const s = await LM.create();
    const pending = s.prompt('Tell me everything.');
    const queued = s.prompt('And more.');
    const stream = s.promptStreaming('Stream it.');
    s.destroy();
    const calls = [pending, queued, readAll(stream), s.append('x'), s.measureContextUsage('x'), s.clone()];
    for (const p of calls) p.catch(() => {});
    for (const p of calls) {
      await expect(p).rejects.toMatchObject({ name: 'InvalidStateError', message: 'The model execution session has been destroyed.' });
    }
    expect(typeof s.contextWindow).toBe('number');
    await idle(kernel);
    // The create() signal destroys a session too, with its reason.
    const ctrl = new AbortController();
    const t = await LM.create({ signal: ctrl.signal });
    ctrl.abort('bye');
    await expect(t.prompt('x')).rejects.toBe('bye');
  });

  test('aborting right after the call (WPT testAbortPromise / testAbortReadableStream)', async () => {
    const s = await LM.create();
    const ctrl = new AbortController();
    const cloned = s.clone({ signal: ctrl.signal });
    ctrl.abort();
    await expect(cloned).rejects.toMatchObject({ name: 'AbortError' });
    await expect(s.clone({ signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // promptStreaming with an aborted signal throws at once; aborted after the call, the stream errors.
    expect(() => s.promptStreaming('x', { signal: ctrl.signal })).toThrow(expect.objectContaining({ name: 'AbortError' }));
    const custom = new AbortController();
    custom.abort(new DOMException('test', 'VersionError'));
    expect(() => s.promptStreaming('x', { signal: custom.signal })).toThrow(expect.objectContaining({ name: 'VersionError' }));
    const later = new AbortController();
    const stream = s.promptStreaming('x', { signal: later.signal });
    later.abort();
    await expect(stream.pipeTo(new WritableStream())).rejects.toMatchObject({ name: 'AbortError' });
    await idle(kernel);
  });
});

describe('accounting, sampling modes and languages (WPT ai/language-model deviations fixed)', () => {
  test('contextUsage is the sum of measurements: a prompt adds its input and its reply, the template overhead is counted once', async () => {
    const s = await LM.create();
    expect(s.contextUsage).toBe(0);
    const input = 'Please write a sentence in English.';
    const promptUsage = await s.measureContextUsage(input);
    const reply = await s.prompt(input);
    const replyUsage = await s.measureContextUsage([{ role: 'assistant', content: reply }]);
    expect(s.contextUsage).toBe(promptUsage + replyUsage);
    // The reply measured as a user message differs by the role header only (WPT allows 5).
    expect(Math.abs(s.contextUsage - (promptUsage + await s.measureContextUsage(reply)))).toBeLessThanOrEqual(5);
    // Measurements add up: two messages measure what each does alone (no second BOS or reply header).
    const a = await s.measureContextUsage('first part');
    const b = await s.measureContextUsage('second part');
    expect(await s.measureContextUsage([{ role: 'user', content: 'first part' }, { role: 'user', content: 'second part' }])).toBe(a + b);
    // And the window has the overhead taken off once: what the engine really holds fits its context.
    expect(s.contextWindow).toBeLessThan(512);
  });

  test('samplingMode: balanced by default, each mode samples with its own temperature and top-K, kept by clone()', async () => {
    const s = await LM.create();
    expect(s.samplingMode).toBe('balanced');
    await s.prompt('hi');
    expect(lastParams()).toMatchObject({ temperature: 0, topK: 40 }); // the configured defaults
    const greedy = await LM.create({ samplingMode: 'most-predictable' });
    await greedy.prompt('hi');
    expect(lastParams()).toMatchObject({ temperature: 0, topK: 1 });
    const creative = await LM.create({ samplingMode: 'most-creative' });
    expect((await creative.clone()).samplingMode).toBe('most-creative');
    await expect(LM.create({ samplingMode: 'wild' as never })).rejects.toBeInstanceOf(TypeError);
    await expect(LM.availability({ samplingMode: 'wild' as never })).rejects.toBeInstanceOf(TypeError);
    // Web-page shape: no params(), no topK/temperature attributes; raw options are checked, then ignored.
    expect('params' in LM).toBe(false);
    const raw = await LM.create({ temperature: 1.5, topK: 3, samplingMode: 'most-predictable' });
    expect([raw.samplingMode, raw.topK, raw.temperature]).toEqual(['most-predictable', undefined, undefined]);
    await raw.prompt('hi');
    expect(lastParams()).toMatchObject({ temperature: 0, topK: 1 });
  });

  test('legacySamplingParams: the extension-context shape (params(), raw temperature/topK, samplingMode null, TypeError with both)', async () => {
    const Ext = createLanguageModelClass({ kernel, model: 'tiny', params: { logitBias: randomFixtureDefaults().logitBias }, defaultTemperature: 0, maxOutputTokens: 4, legacySamplingParams: true });
    expect(await Ext.params!()).toEqual({ defaultTopK: 40, maxTopK: 128, defaultTemperature: 0, maxTemperature: 2 });
    const raw = await Ext.create({ temperature: 0.5, topK: 1.5 });
    expect([raw.samplingMode, raw.temperature, raw.topK]).toEqual([null, 0.5, 1]);
    await raw.prompt('hi');
    expect(lastParams()).toMatchObject({ temperature: 0.5, topK: 1 });
    expect((await Ext.create()).samplingMode).toBe('balanced');
    await expect(Ext.create({ samplingMode: 'balanced', topK: 10 })).rejects.toBeInstanceOf(TypeError);
    await expect(Ext.availability({ samplingMode: 'balanced', temperature: 0.8 })).rejects.toBeInstanceOf(TypeError);
  });

  test('languages: by default those Intl.DisplayNames names; an unassigned code such as "unk" is unavailable', async () => {
    expect(await LM.availability({ expectedInputs: [{ type: 'text', languages: ['en', 'ja', 'ko'] }] })).toBe('available');
    expect(await LM.availability({ expectedInputs: [{ type: 'text', languages: ['unk'] }] })).toBe('unavailable');
    expect(await LM.availability({ expectedOutputs: [{ type: 'text', languages: ['xx-GB'] }] })).toBe('unavailable');
    await expect(LM.create({ expectedInputs: [{ type: 'text', languages: ['unk'] }] })).rejects.toMatchObject({ name: 'NotSupportedError' });
  });

  test('create(): a signal aborted by a listener of the last downloadprogress event still rejects it', async () => {
    const ctrl = new AbortController();
    const reason = new Error('stop at 1');
    const p = LM.create({ signal: ctrl.signal, monitor: (m) => m.addEventListener('downloadprogress', (e) => {
      if ((e as ProgressEvent).loaded === 1) void Promise.resolve().then(() => ctrl.abort(reason));
    }) });
    await expect(p).rejects.toBe(reason);
  });
});
