/**
 * One admission path: every surface (connect(), the Prompt API, a standalone element's backend, the
 * desktop's window backend) reaches the engine with the model's defaults merged under the caller's
 * parameters by the same rule — `logitBias` per token, so a caller's bias never drops the defaults.
 * Observed at the engine: what the (simulated) engine was finally asked to generate.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { simKernel } from '../kernel/testing/sim-kernel';
import type { GenerateRequest } from '../protocol/engine';
import { AppSession, mergeParams } from './app-session';
import { connect } from './openai/openai';
import { createLanguageModelClass } from './prompt-api/language-model-polyfill';
import { setModelDefaults } from './model-ref';
import { KernelChatBackend } from '../components/llmos-chat/kernel-chat-backend';

type Sim = Awaited<ReturnType<typeof simKernel>>;
let sim: Sim | null = null;
afterEach(async () => {
  await sim?.kernel.shutdown();
  sim = null;
});

const DEFAULTS = { temperature: 0, ignoreEos: true, logitBias: { 5: -100, 6: -100 } };

async function setup(): Promise<Sim> {
  sim = await simKernel({ models: { m: { mb: 10, msPerToken: 5, loadMs: 10 } } });
  setModelDefaults(sim.kernel, 'm', DEFAULTS);
  return sim;
}

/** Advance simulated time until the engine has seen `n` requests; returns the last. */
async function nextRequest(s: Sim, n: number): Promise<GenerateRequest> {
  for (let i = 0; i < 200; i++) {
    const seen = s.engines.flatMap((e) => e.requests);
    if (seen.length >= n) return seen[n - 1]!;
    await s.clock.advance(5);
  }
  throw new Error(`the engine saw no request #${n}`);
}

describe('mergeParams', () => {
  test('the caller wins per field, an undefined field keeps the default, logitBias merges per token', () => {
    expect(mergeParams(DEFAULTS, { temperature: 0.7, topK: undefined, logitBias: { 6: 3, 9: -1 } })).toEqual({
      temperature: 0.7, ignoreEos: true, logitBias: { 5: -100, 6: 3, 9: -1 },
    });
    expect(mergeParams({}, { logitBias: { 1: 2 } })).toEqual({ logitBias: { 1: 2 } });
    expect(mergeParams(DEFAULTS).logitBias).toEqual(DEFAULTS.logitBias);
  });
});

describe('every surface admits through AppSession with the same merge', () => {
  test('connect(): logit_bias adds to the model defaults', async () => {
    const s = await setup();
    const client = connect({ kernel: s.kernel, appId: 'test.merge.openai' });
    const done = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, logit_bias: { 9: -20 } });
    const req = await nextRequest(s, 1);
    expect(req.logitBias).toEqual({ 5: -100, 6: -100, 9: -20 });
    expect(req.temperature).toBe(0);
    expect(req.ignoreEos).toBe(true);
    for (let i = 0; i < 50; i++) await s.clock.advance(10);
    await done;
    client.close();
  });

  test('the Prompt API: configured params add to the model defaults', async () => {
    const s = await setup();
    const LM = createLanguageModelClass({ kernel: s.kernel, model: 'm', params: { logitBias: { 7: -1 } }, maxOutputTokens: 3, defaultTemperature: 0 });
    const session = await (async () => {
      const p = LM.create();
      for (let i = 0; i < 50; i++) await s.clock.advance(10);
      return p;
    })();
    const answer = session.prompt('hi');
    // Token counting may run jobs of its own first; the reply is the request with maxTokens 3.
    let req: GenerateRequest | undefined;
    for (let n = 1; n < 10 && req?.maxTokens !== 3; n++) req = await nextRequest(s, n);
    expect(req!.logitBias).toEqual({ 5: -100, 6: -100, 7: -1 });
    expect(req!.ignoreEos).toBe(true);
    for (let i = 0; i < 50; i++) await s.clock.advance(10);
    await answer;
  });

  test('a standalone element backend and a desktop window backend get the model defaults', async () => {
    const s = await setup();
    const standalone = new KernelChatBackend({ kernel: s.kernel, model: 'm', appId: 'test.merge.element' });
    const pid = s.kernel.spawn({ name: 'window', appId: 'llmos.desktop' }, { priority: 'interactive' });
    const desktop = new KernelChatBackend({ session: AppSession.attach(s.kernel, pid), model: 'm', priority: 'background' });
    const ctl = new AbortController();
    const a = standalone.generate({ prompt: 'a', maxTokens: 2, logitBias: { 8: 1 } }, () => {}, ctl.signal);
    const ra = await nextRequest(s, 1);
    expect(ra.logitBias).toEqual({ 5: -100, 6: -100, 8: 1 });
    for (let i = 0; i < 50; i++) await s.clock.advance(10);
    await a;
    const b = desktop.generate({ prompt: 'b', maxTokens: 2 }, () => {}, ctl.signal);
    const rb = await nextRequest(s, 2);
    expect(rb.logitBias).toEqual(DEFAULTS.logitBias);
    expect(rb.temperature).toBe(0);
    expect(s.kernel.jobs().some((j) => j.pid === pid && j.priority === 'background')).toBe(true);
    for (let i = 0; i < 50; i++) await s.clock.advance(10);
    await b;
    // The desktop's process outlives its backend; the element's own process ends with it.
    desktop.close();
    standalone.close();
    expect(s.kernel.ps().some((p) => p.pid === pid && p.state !== 'exited')).toBe(true);
    expect(s.kernel.ps().some((p) => p.pid === standalone.pid && p.state !== 'exited')).toBe(false);
  });
});
