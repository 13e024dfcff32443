/**
 * The task APIs over the cross-origin bridge: a page of another origin runs `Summarizer`, `Translator`
 * and `Proofreader` on an LLM OS app's kernel through `createBuiltInAiOverBridge()` — real frames of two
 * origins, real kernel and engine worker in the frame. The grant still governs: a model URL of a third
 * origin is refused, so the API is unavailable for it.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { connectCrossOrigin } from '../../src/api/bridge/bridge-client';
import { createBuiltInAiOverBridge } from '../../src/api/builtin-ai/bridge-backend';
import { applyCorrections } from '../../src/api/builtin-ai/proofread-corrections';
import { BAN_BYTES } from '../helpers/api';
import { OTHER, SELF, frame, removeFrames } from './frames';

const MODEL = '/fixtures/tiny.gguf';
const run = crypto.randomUUID().slice(0, 8);
const hostUrl = (origin: string) => `${origin}/test/pages/bridge-host.html#${new URLSearchParams({
  allow: JSON.stringify([{ origin: SELF, appId: 'site.ai' }]), same: 'site.ai', db: `bridge-ai-${run}`, kg: `bridge-ai-kg-${run}`,
})}`;

afterAll(removeFrames);

describe('task APIs over the bridge', () => {
  test('an embedder summarizes, translates and proofreads on the app\'s kernel', async () => {
    // Same-origin embedding: this browser denies a frame of another site the storage a model load needs
    // (the cross-origin case is the grant test below).
    const client = await connectCrossOrigin(await frame(hostUrl(SELF)), SELF, { timeoutMs: 20_000 });
    expect(client.appId).toBe('site.ai');
    const ai = createBuiltInAiOverBridge(client, { model: MODEL, maxOutputTokens: 8, request: { temperature: 0, logit_bias: BAN_BYTES } });
    expect(await ai.Summarizer.availability()).toBe('downloadable');
    const loaded: number[] = [];
    const s = await ai.Summarizer.create({ type: 'tldr', monitor: (m) => m.addEventListener('downloadprogress', (e) => loaded.push((e as ProgressEvent).loaded)) });
    expect(loaded).toEqual([0, 1]);
    expect(await ai.Summarizer.availability()).toBe('available');
    const text = 'The library will close for renovation from May to July and reopen with a new reading room.';
    const usage = await s.measureInputUsage(text);
    expect(usage).toBeGreaterThan(await s.measureInputUsage('Short.'));
    expect(s.inputQuota).toBeGreaterThan(usage);
    const summary = await s.summarize(text);
    expect(summary.length).toBeGreaterThan(0);
    const chunks: string[] = [];
    for await (const c of s.summarizeStreaming(text) as unknown as AsyncIterable<string>) chunks.push(c);
    expect(chunks.join('').trim()).toBe(summary);
    const t = await ai.Translator.create({ sourceLanguage: 'en', targetLanguage: 'fr' });
    expect((await t.translate('Good morning')).length).toBeGreaterThan(0);
    // A call aborted over the bridge rejects with the signal's reason.
    const reason = new Error('stop');
    const ctrl = new AbortController();
    const p = t.translate('A sentence to translate.', { signal: ctrl.signal });
    ctrl.abort(reason);
    await expect(p).rejects.toBe(reason);
    // The proofreader's JSON schema travels as response_format and is enforced in the app.
    const big = createBuiltInAiOverBridge(client, { model: MODEL, maxOutputTokens: 480, request: { temperature: 0, logit_bias: BAN_BYTES } });
    const pr = await big.Proofreader.create({ includeCorrectionTypes: true });
    const input = 'can you profread fir me';
    const result = await pr.proofread(input);
    expect(applyCorrections(input, result.corrections!)).toBe(result.correctedInput);
    expect(result.corrections!.every((c) => c.types!.length === 1)).toBe(true);
    client.close();
  }, 120_000);

  test('another origin, allowed: the grant governs — a model URL of a third origin is refused in the app, so the API is unavailable', async () => {
    const client = await connectCrossOrigin(await frame(hostUrl(OTHER)), OTHER, { timeoutMs: 20_000 });
    expect(client.appId).toBe('site.ai');
    const ai = createBuiltInAiOverBridge(client, { model: 'https://example.com/evil.gguf' });
    expect(await ai.Writer.availability()).toBe('unavailable');
    await expect(ai.Writer.create()).rejects.toMatchObject({ name: 'NotSupportedError' });
    await expect(client.ai.prepare('https://example.com/evil.gguf')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(client.ai.measure(MODEL, [{ role: 'bogus', content: 'x' }] as never)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    client.close();
  }, 60_000);
});
