/**
 * Prompt API misuse, as the WICG explainer defines the failures, on the `LanguageModel` polyfill over a
 * real kernel (real engine worker, tiny fixture): each misuse rejects with the exception the explainer
 * names (`TypeError`, `RangeError`, or a `DOMException` by name); where an LLM OS failure is the cause
 * it is kept as `cause` with its code and UI words. Nothing of a refused call stays in the session,
 * and the session (and the kernel) keep working.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLanguageModelClass, type LanguageModelClass } from '../../src/api/prompt-api/language-model-polyfill';
import type { LanguageModelSession } from '../../src/api/prompt-api/language-model';
import { randomFixtureDefaults } from '../../src/api/model-ref';
import { ERROR_TEXT, LlmOsError } from '../../src/errors';
import type { Kernel } from '../../src/kernel/kernel';
import { fixtureKernel } from '../helpers/api';
import { faultCase } from './reliability';

let kernel: Kernel;
let LM: LanguageModelClass;
let session: LanguageModelSession;

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 512 });
  LM = createLanguageModelClass({ kernel, model: 'tiny', params: { logitBias: randomFixtureDefaults().logitBias }, defaultTemperature: 0, maxOutputTokens: 4 });
});
afterAll(() => kernel.shutdown());

/** The rejection of `p`, checked against a class or a DOMException name. */
async function rejects(p: Promise<unknown> | (() => unknown), kind: typeof TypeError | typeof RangeError | string): Promise<unknown> {
  const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => null, (e: unknown) => e);
  if (typeof kind === 'string') {
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe(kind);
  } else {
    expect(err).toBeInstanceOf(kind);
  }
  return err;
}

/** The session still answers, and its usage did not change through the misuse. */
async function sessionIntact(usage: number) {
  expect(session.contextUsage).toBe(usage);
  expect((await session.prompt('still there?')).length).toBeGreaterThan(0);
}

describe('Prompt API misuse (explainer error semantics)', () => {
  const cases: [string, string, () => Promise<unknown>][] = [
    ['constructing a session with new', 'TypeError', async () => rejects(() => new (LM as unknown as new () => unknown)(), TypeError)],
    ['negative temperature', 'RangeError', async () => rejects(LM.create({ temperature: -1 }), RangeError)],
    ['topK of 0', 'RangeError', async () => rejects(LM.create({ topK: 0 }), RangeError)],
    ['temperature NaN', 'TypeError', async () => rejects(LM.create({ temperature: Number.NaN }), TypeError)],
    ['an invalid language tag', 'RangeError', async () => rejects(LM.create({ expectedInputs: [{ type: 'text', languages: ['not a tag!'] }] }), RangeError)],
    ['an unknown input type', 'TypeError', async () => rejects(LM.create({ expectedInputs: [{ type: 'smell' as never }] }), TypeError)],
    ['image input the model cannot take', 'NotSupportedError', async () => rejects(LM.create({ expectedInputs: [{ type: 'image' }] }), 'NotSupportedError')],
    ['initialPrompts that is not an array', 'TypeError', async () => rejects(LM.create({ initialPrompts: 'hi' as never }), TypeError)],
    ['a system prompt after the first message', 'TypeError', async () => rejects(session.prompt([{ role: 'system', content: 'obey me' }]), TypeError)],
    ['a prefix on a user message', 'SyntaxError', async () => rejects(session.prompt([{ role: 'user', content: 'x', prefix: true }]), 'SyntaxError')],
    // WebIDL converts a number (or null, or {}) to a string prompt; only a Symbol cannot be converted.
    ['a prompt that is a Symbol', 'TypeError', async () => rejects(session.prompt(Symbol('x') as never), TypeError)],
    ['a message with a non-string content part', 'TypeError', async () => rejects(session.prompt([{ role: 'user', content: [{ type: 'text', value: 7 as never }] }]), TypeError)],
    ['responseConstraint that is not a schema', 'TypeError', async () => rejects(session.prompt('x', { responseConstraint: 42 as never }), TypeError)],
    ['omitResponseConstraintInput without a constraint', 'TypeError', async () => rejects(session.prompt('x', { omitResponseConstraintInput: true }), TypeError)],
    ['a responseConstraint over a limit (3 000 properties)', 'NotSupportedError (cause INVALID_REQUEST {limit})', async () => {
      const schema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: 'string' }])) };
      const err = await rejects(session.prompt('x', { responseConstraint: schema }), 'NotSupportedError') as { cause: LlmOsError };
      expect(err.cause.code).toBe('INVALID_REQUEST');
      expect(err.cause.details).toMatchObject({ limit: 'schemaProperties', value: 3000, max: 1000 });
    }],
    ['a malformed responseConstraint schema', 'NotSupportedError (cause INVALID_REQUEST)', async () => {
      const err = await rejects(session.prompt('x', { responseConstraint: { type: 'banana' } }), 'NotSupportedError') as { cause: LlmOsError };
      expect(err.cause.details).toMatchObject({ field: 'responseConstraint' });
    }],
    ['an impossible responseConstraint', 'SyntaxError (cause OUTPUT_INVALID)', async () => {
      const impossible = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], not: { required: ['ok'] } };
      const err = await rejects(session.prompt('Is it ok?', { responseConstraint: impossible }), 'SyntaxError') as { cause: LlmOsError };
      expect(err.cause).toBeInstanceOf(LlmOsError);
      expect(err.cause.code).toBe('OUTPUT_INVALID');
      expect(ERROR_TEXT[err.cause.code]).toBeTruthy();
    }],
    ['a prompt over the whole context window', 'QuotaExceededError (requested, quota)', async () => {
      const err = await rejects(session.prompt('word '.repeat(3000)), 'QuotaExceededError') as DOMException & { requested: number; quota: number };
      expect(err.quota).toBe(session.contextWindow);
      expect(err.requested).toBeGreaterThan(err.quota);
    }],
    ['a prompt with an already aborted signal', 'the signal\'s reason', async () => {
      const reason = new Error('changed my mind');
      expect(await session.prompt('x', { signal: AbortSignal.abort(reason) }).then(() => null, (e: unknown) => e)).toBe(reason);
    }],
  ];
  for (const [name, expected, run] of cases) {
    faultCase('Prompt API', name, `${expected}; the session keeps working, its usage unchanged`, async () => {
      session = await LM.create({ initialPrompts: [{ role: 'system', content: 'Be brief.' }] });
      const usage = session.contextUsage;
      await run();
      await sessionIntact(usage);
    }, 60_000);
  }

  faultCase('Prompt API', 'using a destroyed session', 'InvalidStateError (as Chromium) for prompt, append, measure, clone; other sessions unaffected', async () => {
    session = await LM.create();
    const s = await LM.create();
    s.destroy();
    for (const p of [s.prompt('x'), s.append('x'), s.measureContextUsage('x'), s.clone()]) await rejects(p, 'InvalidStateError');
    await sessionIntact(session.contextUsage);
  }, 60_000);

  faultCase('Prompt API', 'a model id the kernel does not know', 'availability "unavailable"; create → NotSupportedError', async () => {
    const Unknown = createLanguageModelClass({ kernel, model: 'no-such-model' });
    expect(await Unknown.availability()).toBe('unavailable');
    await rejects(Unknown.create(), 'NotSupportedError');
  });
});
