/**
 * The task APIs (Summarizer, Writer, Rewriter, Proofreader, Translator) over a real kernel and the
 * random-weight fixture, in Chromium: what each call sends (instructions built from the options), that
 * each instance is a kernel process for its lifetime, quotas, aborts, destroy, streaming, and the
 * proofreader's checked corrections. The standard's own assertions are the WPT ports in test/wpt/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import type { SubmitRequest } from '../../kernel/types';
import { BAN_NON_ASCII_BYTES, fixtureKernel, idle } from '../../../test/helpers/api';
import { applyCorrections } from './proofread-corrections';
import { createBuiltInAi, installBuiltInAi, type BuiltInAi } from './builtin-ai';

let kernel: Kernel;
let ai: BuiltInAi;
const sent: SubmitRequest[] = [];
const banBytes = Object.fromEntries(Object.entries(BAN_NON_ASCII_BYTES).map(([k, v]) => [Number(k), v]));
const system = (r: SubmitRequest | undefined) => r?.messages?.[0]?.content ?? '';

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 1024 });
  const submit = kernel.submit.bind(kernel);
  kernel.submit = (req) => { sent.push(req); return submit(req); };
  ai = createBuiltInAi({ kernel, model: 'tiny', maxOutputTokens: 12, params: { temperature: 0, logitBias: banBytes } });
});
afterAll(() => kernel.shutdown());

/** The last generation (not a one-token count) sent. */
const lastGeneration = () => [...sent].reverse().find((r) => r.params?.maxTokens !== 1);

describe('Summarizer', () => {
  test('create() loads the model with monitor events, runs as its own process, and destroy() ends it', async () => {
    const loaded: number[] = [];
    const s = await ai.Summarizer.create({ type: 'headline', length: 'long', format: 'plain-text', sharedContext: 'Tech news.', monitor: (m) => m.addEventListener('downloadprogress', (e) => loaded.push((e as ProgressEvent).loaded)) });
    expect(loaded[0]).toBe(0);
    expect(loaded.at(-1)).toBe(1);
    expect(await ai.Summarizer.availability()).toBe('available');
    const proc = kernel.ps().find((p) => p.name === 'Summarizer' && p.state !== 'exited');
    expect(proc?.appId).toBe('llmos.summarizer');
    expect([s.type, s.length, s.format, s.sharedContext, s.outputLanguage]).toEqual(['headline', 'long', 'plain-text', 'Tech news.', null]);
    const out = await s.summarize('The city council voted to build a new bridge over the river next year.', { context: 'Local politics.' });
    expect(typeof out).toBe('string');
    expect(out.length).toBeGreaterThan(0);
    const r = lastGeneration()!;
    expect(r.pid).toBe(proc!.pid);
    expect(system(r)).toMatch(/one headline.*at most 22 words/);
    expect(system(r)).toContain('Tech news.');
    expect(system(r)).toContain('Local politics.');
    s.destroy();
    expect(kernel.ps().find((p) => p.pid === proc!.pid)?.state ?? 'exited').toBe('exited');
    await expect(s.summarize('more')).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('streaming yields the chunks of the output; an empty input gives an empty output without a job', async () => {
    const s = await ai.Summarizer.create();
    const chunks: string[] = [];
    for await (const c of s.summarizeStreaming('Prices rose by three percent in October.') as unknown as AsyncIterable<string>) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
    const before = sent.length;
    expect(await s.summarize('   ')).toBe('');
    expect(sent.length).toBe(before);
    s.destroy();
  });

  test('measureInputUsage() grows with the input and a call over inputQuota rejects with QuotaExceededError before generating', async () => {
    const s = await ai.Summarizer.create();
    const short = await s.measureInputUsage('One sentence.');
    const long = await s.measureInputUsage('One sentence. '.repeat(20));
    expect(long).toBeGreaterThan(short);
    expect(s.inputQuota).toBeGreaterThan(long);
    const huge = 'word '.repeat(s.inputQuota + 50);
    const before = sent.filter((r) => r.params?.maxTokens !== 1).length;
    const err = await s.summarize(huge).catch((e: unknown) => e) as DOMException & { requested: number; quota: number };
    expect(err.name).toBe('QuotaExceededError');
    expect(err.quota).toBe(s.inputQuota);
    expect(err.requested).toBeGreaterThan(s.inputQuota);
    expect(sent.filter((r) => r.params?.maxTokens !== 1).length).toBe(before);
    s.destroy();
  });

  test('options are checked as WebIDL does, and an abort signal rejects with its reason', async () => {
    await expect(ai.Summarizer.create({ type: 'tl;dr' as never })).rejects.toBeInstanceOf(TypeError);
    await expect(ai.Summarizer.availability({ expectedInputLanguages: ['not a tag!'] })).rejects.toBeInstanceOf(RangeError);
    expect(await ai.Summarizer.availability({ outputLanguage: 'xx' })).toBe('unavailable');
    await expect(ai.Summarizer.create({ outputLanguage: 'xx' })).rejects.toMatchObject({ name: 'NotSupportedError' });
    const s = await ai.Summarizer.create();
    const reason = new Error('stop');
    const ctrl = new AbortController();
    const p = s.summarize('A long text about nothing in particular.', { signal: ctrl.signal });
    ctrl.abort(reason);
    await expect(p).rejects.toBe(reason);
    await idle(kernel);
    s.destroy();
  });
});

describe('Writer and Rewriter', () => {
  test('the tone, length and language options reach the instructions', async () => {
    const w = await ai.Writer.create({ tone: 'formal', length: 'medium', outputLanguage: 'de' });
    expect((await w.write('A note thanking a colleague.')).length).toBeGreaterThan(0);
    expect(system(lastGeneration())).toMatch(/a formal tone.*a few paragraphs.*Write in German/);
    w.destroy();
    const r = await ai.Rewriter.create({ tone: 'more-casual', length: 'shorter' });
    expect([r.tone, r.format, r.length]).toEqual(['more-casual', 'as-is', 'shorter']);
    expect((await r.rewrite('We hereby inform you that the meeting is postponed.')).length).toBeGreaterThan(0);
    expect(system(lastGeneration())).toMatch(/more casual.*shorter/);
    expect(lastGeneration()?.messages?.[1]?.content).toBe('We hereby inform you that the meeting is postponed.');
    r.destroy();
  });
});

describe('Translator', () => {
  test('translates between the named languages; a missing language is a TypeError', async () => {
    const t = await ai.Translator.create({ sourceLanguage: 'en', targetLanguage: 'ja' });
    expect([t.sourceLanguage, t.targetLanguage]).toEqual(['en', 'ja']);
    expect((await t.translate('Good morning, how are you?')).length).toBeGreaterThan(0);
    expect(system(lastGeneration())).toContain('from English to Japanese');
    expect(await t.translate('')).toBe('');
    t.destroy();
    await expect(ai.Translator.availability({ sourceLanguage: 'en' } as never)).rejects.toBeInstanceOf(TypeError);
    expect(await ai.Translator.availability({ sourceLanguage: 'en', targetLanguage: 'xx' })).toBe('unavailable');
  });
});

describe('Proofreader', () => {
  test('the JSON answer becomes corrections that address the input and reproduce correctedInput', async () => {
    // Room for a whole JSON answer from the random-weight model (its strings are closed by maxLength).
    const big = createBuiltInAi({ kernel, model: 'tiny', maxOutputTokens: 480, params: { temperature: 0, logitBias: banBytes } });
    const p = await big.Proofreader.create({ includeCorrectionTypes: true, includeCorrectionExplanations: true });
    const input = 'can you profread fir me';
    const result = await p.proofread(input);
    const r = lastGeneration()!;
    expect(r.params?.jsonSchema ?? r.params?.grammar).toBeTruthy();
    expect(result.correctedInput).not.toBe(input);
    expect(result.corrections!.length).toBeGreaterThan(0);
    expect(applyCorrections(input, result.corrections!)).toBe(result.correctedInput);
    for (const c of result.corrections!) {
      expect(c.startIndex).toBeGreaterThanOrEqual(0);
      expect(c.endIndex).toBeLessThanOrEqual(input.length);
      expect(c.types!.length).toBe(1);
      expect(c.explanation!.length).toBeGreaterThan(0);
    }
    expect(await p.proofread(' ')).toEqual({ correctedInput: ' ' });
    p.destroy();
  });
});

test('installBuiltInAi() defines the classes on globalThis, and leaves a native one alone unless forced', () => {
  const g = globalThis as Record<string, unknown>;
  const saved = g.Summarizer;
  class NativeSummarizer {}
  g.Summarizer = NativeSummarizer;
  try {
    const { installed, polyfills } = installBuiltInAi({ kernel, model: 'tiny', only: ['Summarizer', 'Writer'] });
    expect(installed).toEqual(['Writer']);
    expect(g.Summarizer).toBe(NativeSummarizer);
    expect(g.Writer).toBe(polyfills.Writer);
    expect(polyfills.Writer.name).toBe('Writer');
    expect(installBuiltInAi({ kernel, model: 'tiny', force: true, only: ['Summarizer'] }).installed).toEqual(['Summarizer']);
    expect(() => new (g.Summarizer as new () => unknown)()).toThrow(TypeError);
  } finally {
    g.Summarizer = saved;
    delete g.Writer;
  }
});
