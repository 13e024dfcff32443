/**
 * The `/v1` door on the built app, with the real service worker: the user's desktop tab serves its
 * kernel to the endpoint, and a page of another site (a tiny server on 127.0.0.2: another site than
 * 127.0.0.1, so `Sec-Fetch-Site`, CORS and CSRF behave as on the web) tries what it can — a
 * `<form method=POST enctype=text/plain>` whose body is valid JSON (top level and into a frame), a
 * `no-cors` POST, a CORS `fetch`, a popup to `/v1/models`. No job runs in the user's kernel, no model
 * is registered, and nothing readable comes back; same-origin `fetch()` with `application/json` still
 * works, and `text/plain` from the same origin is a 415.
 *
 * What Chromium does (measured here): the cross-site `fetch()`es never reach this origin's service
 * worker (they go to the network: an opaque answer, or a CORS failure); the form submissions are
 * navigations the service worker does handle, with `mode: 'navigate'` and the attacker's `Origin`;
 * `Sec-Fetch-Site` is never visible to a service worker.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { openDesktop } from './desktop-helpers';
import { reliability } from './fault-helpers';

const BAN = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));
const BODY = { model: '/fixtures/tiny.gguf', messages: [{ role: 'user', content: 'from the attacker' }], max_tokens: 2, temperature: 0, logit_bias: BAN };

let attacker: Server;
let attackerOrigin = '';
test.beforeAll(async () => {
  attacker = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve));
  attackerOrigin = `http://127.0.0.2:${(attacker.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

/** Open the desktop, wait until the service worker controls it, and serve its kernel at `/v1`. */
async function serveDesktop(page: Page): Promise<void> {
  await openDesktop(page, { firstRun: false });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    const lib = await import('/dist-lib/llmos-elements.js' as string);
    const w = window as unknown as { llmos: { services: { kernel: unknown } } };
    lib.serveKernelToServiceWorker(w.llmos.services.kernel);
  });
}

/** What the user's kernel has done: jobs queued, models registered, unfinished jobs. */
const kernelState = (page: Page) => page.evaluate(() => {
  const k = (window as unknown as { llmos: { services: { kernel: {
    events: { history(): { type: string }[] }; registeredModels(): { id: string }[]; jobs(): unknown[];
  } } } }).llmos.services.kernel;
  return { queued: k.events.history().filter((e) => e.type === 'job-queued').length, models: k.registeredModels().map((m) => m.id).sort(), jobs: k.jobs().length };
});

test('the /v1 door: a cross-site form post, no-cors and CORS fetches run no job and read nothing; same-origin fetch() with JSON works, text/plain is 415', async ({ page, context, baseURL }) => {
  reliability('security: /v1 door', 'cross-site text/plain form (top level, into a frame), no-cors POST, CORS fetch, popup → no job, no model registered, 403 navigation_forbidden / opaque / TypeError; same-origin JSON → 200; same-origin text/plain → 415 with no job');
  test.setTimeout(120_000);
  const app = new URL(baseURL!).origin;
  await serveDesktop(page);

  // Same origin: JSON is served (a job runs), text/plain is refused by the service worker (no job).
  const before = await kernelState(page);
  const same = await page.evaluate(async (body) => {
    const ok = await fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const plain = await fetch('/v1/chat/completions', { method: 'POST', body: JSON.stringify(body) });
    const form = await fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    return {
      ok: [ok.status, (await ok.json()).usage?.completion_tokens, ok.headers.get('Content-Security-Policy')?.includes("frame-ancestors 'self'")],
      plain: [plain.status, (await plain.json()).error], form: form.status,
    };
  }, BODY);
  expect(same.ok).toEqual([200, 2, true]);
  expect(same.plain[0]).toBe(415);
  expect(same.plain[1]).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: null });
  expect(same.form).toBe(415);
  const served = await kernelState(page);
  expect(served.queued).toBe(before.queued + 1);
  expect(served.models).toContain('/fixtures/tiny.gguf');

  // Another site, in the same browser (the user's service worker and storage).
  const other = await context.newPage();
  await other.goto(`${attackerOrigin}/`);
  const fetched = await other.evaluate(async ({ app, body }) => {
    const text = JSON.stringify(body);
    const noCors = await fetch(`${app}/v1/chat/completions`, { mode: 'no-cors', method: 'POST', body: text });
    let cors = 'answered';
    try { await fetch(`${app}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text }); } catch (e) { cors = (e as Error).name; }
    let corsGet = 'answered';
    try { await fetch(`${app}/v1/models`); } catch (e) { corsGet = (e as Error).name; }
    return { noCors: [noCors.type, noCors.status, await noCors.text()], cors, corsGet };
  }, { app, body: BODY });
  expect(fetched).toEqual({ noCors: ['opaque', 0, ''], cors: 'TypeError', corsGet: 'TypeError' });

  // A form whose text/plain body is valid JSON: `name=value` with the `=` inside a padding string.
  const submitForm = (target: string) => other.evaluate(({ app, body, target }) => {
    const f = document.createElement('form');
    f.method = 'POST';
    f.enctype = 'text/plain';
    f.action = `${app}/v1/chat/completions`;
    f.target = target;
    const i = document.createElement('input');
    i.name = `${JSON.stringify(body).slice(0, -1)},"pad":"`;
    i.value = '"}';
    f.append(i);
    if (target !== '_self') {
      const frame = document.createElement('iframe');
      frame.name = target;
      document.body.append(frame);
    }
    document.body.append(f);
    f.submit();
  }, { app, body: BODY, target });

  await submitForm('sink');
  await other.waitForTimeout(1_500);
  // The frame is of another origin now (or an error page): the attacker reads nothing from it.
  expect(await other.evaluate(() => { try { return document.querySelector('iframe')!.contentDocument?.body?.innerText ?? null; } catch { return 'threw'; } })).toBeNull();

  const popup = other.waitForEvent('popup');
  await other.evaluate((app) => { window.open(`${app}/v1/models`); }, app);
  const win = await popup;
  await win.waitForLoadState();
  expect(JSON.parse(await win.locator('body').innerText()).error).toMatchObject({ code: 'navigation_forbidden', type: 'permission_error' });

  const landing = other.waitForURL(`${app}/v1/chat/completions`);
  await submitForm('_self');
  await landing;
  // The tab shows the refusal (a 403 JSON body), never a completion.
  const shown = await other.locator('body').innerText();
  expect(JSON.parse(shown).error).toMatchObject({ code: 'navigation_forbidden', type: 'permission_error', param: null });
  expect(shown).not.toContain('chat.completion');

  await page.waitForTimeout(500);
  expect(await kernelState(page)).toEqual({ ...served, jobs: 0 });
});
