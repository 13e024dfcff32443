/**
 * Untrusted constraints in the built library (dist-lib, served by `vite preview` next to the built app):
 * a JSON schema is compiled to a grammar in the engine worker and the output checked in the constraint
 * worker — both bundled as their own files — so structured output still works, while a hostile schema
 * is refused with the typed error naming its limit and a runaway output check is ended by the worker's
 * time limit; the page sees no long task over 500 ms through any of it. A hostile check on the page would
 * block it for at least `validationMs` (1 s); the margin below that absorbs a busy 2-core CI machine
 * (a 292 ms task was seen there while other work loaded the machine).
 */
import { expect, test } from '@playwright/test';

const LIB = '/dist-lib/llmos-elements.js';
const MODEL = '/fixtures/tiny.gguf';
const BAN_BYTES = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));
const RELIABILITY = (expected: string) => ({ type: 'reliability', description: JSON.stringify({ area: 'containment', expected }) });

test('built library: structured output works, hostile schemas and runaway checks are refused without freezing the page', {
  annotation: RELIABILITY('valid JSON for a normal schema; InvalidRequestError {limit} for 3 000 properties and a 40-level deep schema; validationMs for a backtracking RegExp; no page task > 500 ms'),
}, async ({ page }) => {
  await page.goto('/examples/embed.html');
  await expect.poll(() => page.evaluate(() => !!customElements.get('llmos-chat'))).toBe(true);
  const r = await page.evaluate(async ({ lib, model, bias }) => {
    const m = await import(lib);
    const client = m.connect({ appId: 'e2e.constraints' });
    const ask = (schema: unknown, max = 48) => client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Is it ok?' }], max_tokens: max, temperature: 0, logit_bias: bias,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
    });
    const typed = (e: { name: string; code: string; details: Record<string, unknown> }) => ({ name: e.name, code: e.code, limit: e.details['limit'] });
    // Warm up (model load, worker start) before watching.
    const flag = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const good = JSON.parse((await ask(flag)).choices[0].message.content);
    await m.validateOutput('{}', { kind: 'json' });
    const long: number[] = [];
    const observer = new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); });
    observer.observe({ type: 'longtask' });
    const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: 'string' }])) };
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    const tooWide = await ask(wide).then(() => null, typed);
    const tooDeep = await ask(deep).then(() => null, typed);
    const redos = await m.validateOutput(`${'a'.repeat(40)}!`, { kind: 'regexp', regexp: /(a+)+$/ }).then(() => null, typed);
    const after = await m.validateOutput('{"ok":true}', { kind: 'json', schema: flag });
    const again = JSON.parse((await ask(flag)).choices[0].message.content);
    await new Promise((done) => setTimeout(done, 200));
    observer.disconnect();
    client.close();
    return { good, tooWide, tooDeep, redos, after, again, longest: Math.max(0, ...long) };
  }, { lib: LIB, model: MODEL, bias: BAN_BYTES });
  expect(typeof r.good.ok).toBe('boolean');
  expect(r.tooWide).toEqual({ name: 'InvalidRequestError', code: 'INVALID_REQUEST', limit: 'schemaProperties' });
  expect(r.tooDeep).toEqual({ name: 'InvalidRequestError', code: 'INVALID_REQUEST', limit: 'schemaDepth' });
  expect(r.redos).toEqual({ name: 'InvalidRequestError', code: 'INVALID_REQUEST', limit: 'validationMs' });
  expect(r.after).toEqual({ ok: true });
  expect(typeof r.again.ok).toBe('boolean');
  expect(r.longest).toBeLessThan(500);
});
