/**
 * The developer APIs end to end, on the built app and the built elements library (`npm run build` makes
 * both; `vite preview` serves `dist/`, `/examples/` and `/dist-lib/`):
 *  - examples/embed.html: a plain page with one script tag, two generating elements working at once on
 *    one shared kernel, and the task manager listing their processes;
 *  - the service worker's OpenAI-compatible endpoint: 400 and 503 answered by the SW itself, then
 *    `/v1/models` and `/v1/chat/completions` (JSON and SSE) relayed to a page's kernel and parsed by the
 *    real `openai` npm client pointed at `location.origin + '/v1'`, also from a second tab.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const LIB = '/dist-lib/llmos-elements.js';
const MODEL = '/fixtures/tiny.gguf';
/** OpenAI `logit_bias` banning the fixture's byte tokens (ids 3…258): valid text from a random model. */
const BAN_BYTES = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));

/** Serve the `openai` package's ESM build to the page under /__openai/ (test only). */
async function routeOpenAI(page: Page): Promise<void> {
  const root = join(process.cwd(), 'node_modules/openai');
  await page.route('**/__openai/**', (route) => {
    const rel = normalize(decodeURIComponent(new URL(route.request().url()).pathname.replace('/__openai/', '')));
    const file = join(root, rel);
    if (rel.startsWith('..') || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, body: readFileSync(file), contentType: 'text/javascript', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
  });
}

test('embed page: one script tag, two elements generating at once on one shared kernel', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/examples/embed.html');
  expect(await page.locator('script').count()).toBe(1);
  await expect.poll(() => page.evaluate(() => ['llmos-chat', 'llmos-prompt', 'llmos-model-picker', 'llmos-task-manager'].map((t) => !!customElements.get(t)))).toEqual([true, true, true, true]);

  // The prompt asks by itself; send a chat message while it runs, so both are in the kernel at once.
  const chat = page.locator('llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello from the embed page');
  await chat.getByRole('button', { name: 'Send' }).click();
  const both = await page.evaluate(async (lib) => {
    const m = await import(lib);
    const k = m.getSharedKernel();
    const seen = new Set<string>();
    await new Promise<void>((resolve) => {
      const check = () => {
        for (const p of k.ps()) if (p.queuedJobs + p.runningJobs > 0) seen.add(p.appId);
        if (seen.has('example.chat') && seen.has('example.prompt')) resolve();
      };
      k.events.on('*', check);
      check();
      setTimeout(resolve, 60_000);
    });
    return [...seen].sort();
  }, LIB);
  expect(both).toEqual(['example.chat', 'example.prompt']);

  const prompt = page.locator('llmos-prompt');
  await expect(prompt.locator('[part="status"]')).toHaveText(/Reached the token limit · 24 tokens/, { timeout: 90_000 });
  expect((await prompt.locator('[part="answer"]').textContent())!.trim().length).toBeGreaterThan(10);
  await expect(chat.locator('[part="meta"]')).toHaveText(/Reached the token limit · 32 tokens/, { timeout: 90_000 });
  expect((await chat.locator('.message.assistant [part="content"]').last().textContent())!.trim().length).toBeGreaterThan(10);

  // One kernel, one model resident for both; each element is its own process with its app id.
  const ps = await page.evaluate(async (lib) => {
    const k = (await import(lib)).getSharedKernel();
    return { procs: k.ps().map((p: { appId: string; priority: string; metrics: { jobsFinished: number } }) => [p.appId, p.priority, p.metrics.jobsFinished]), models: k.models().map((r: { id: string }) => r.id) };
  }, LIB);
  expect(ps.models).toEqual([MODEL]);
  expect(ps.procs).toContainEqual(['example.chat', 'interactive', 1]);
  expect(ps.procs).toContainEqual(['example.prompt', 'normal', 1]);
  // The task manager lists both processes live, and ending one from it frees the chat's process;
  // the chat starts a new process for its next message.
  const tm = page.locator('llmos-task-manager');
  await expect(tm.getByRole('rowheader', { name: '<llmos-chat>#chat' })).toBeVisible();
  await expect(tm.getByRole('rowheader', { name: '<llmos-prompt>#answer' })).toBeVisible();
  await tm.getByRole('button', { name: /^End process \d+ \(<llmos-chat>#chat\)$/ }).click();
  await expect.poll(() => page.evaluate(async (lib) => (await import(lib)).getSharedKernel().ps()
    .filter((p: { appId: string; state: string }) => p.appId === 'example.chat').map((p: { state: string }) => p.state), LIB)).toEqual(['exited']);
  await chat.getByRole('textbox', { name: 'Message' }).fill('Still there?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]')).toHaveCount(2, { timeout: 90_000 });
  await expect(chat.locator('[part="meta"]').last()).toHaveText(/Reached the token limit · 32 tokens/);
  expect(await page.evaluate(async (lib) => (await import(lib)).getSharedKernel().ps()
    .filter((p: { appId: string }) => p.appId === 'example.chat').map((p: { state: string }) => p.state), LIB)).toEqual(['exited', 'sleeping']);
  expect(errors).toEqual([]);
});

/** Register the app's service worker and wait until it controls the page (the first install claims open pages). */
async function installServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
}

test('service worker /v1 endpoint: relayed to the page kernel, SSE parsed by the openai client', async ({ page, context }) => {
  await routeOpenAI(page);
  await page.goto('/examples/embed.html');
  await installServiceWorker(page);

  // Answered by the SW alone: a malformed body (400), and no page serving yet (503), OpenAI-style.
  const early = await page.evaluate(async () => {
    const bad = await fetch('/v1/chat/completions', { method: 'POST', body: '{not json', headers: { 'Content-Type': 'application/json' } });
    const none = await fetch('/v1/models');
    return { bad: [bad.status, await bad.json()], none: [none.status, await none.json()] };
  });
  expect(early.bad[0]).toBe(400);
  expect(early.bad[1].error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  expect(early.none[0]).toBe(503);
  expect(early.none[1].error).toMatchObject({ type: 'server_error', code: 'no_kernel' });
  expect(typeof early.none[1].error.message).toBe('string');

  const result = await page.evaluate(async ({ lib, model, bias }) => {
    const m = await import(lib);
    m.serveKernelToServiceWorker(m.getSharedKernel());
    const { default: OpenAI } = await import('/__openai/index.mjs' as string);
    const client = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'unused', dangerouslyAllowBrowser: true, maxRetries: 0 });
    const models = await client.models.list();
    const request = { model, messages: [{ role: 'user', content: 'Hello through the service worker' }], max_tokens: 6, temperature: 0, logit_bias: bias };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const chunks: unknown[] = [];
    for await (const c of stream) chunks.push(c);
    const raw = await (await fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...request, stream: true }) })).text();
    let notFound = null;
    try { await client.chat.completions.create({ ...request, model: 'no-such-model' }); } catch (e) { notFound = (e as { status: number }).status; }
    return { ids: models.data.map((d: { id: string }) => d.id), whole, chunks, raw, notFound, controlled: !!navigator.serviceWorker.controller };
  }, { lib: LIB, model: MODEL, bias: BAN_BYTES });
  expect(result.controlled).toBe(true);
  expect(result.ids).toContain(MODEL);
  expect(result.whole).toMatchObject({ object: 'chat.completion', model: MODEL, usage: { completion_tokens: 6 } });
  const chunks = result.chunks as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[] }[];
  expect(chunks.length).toBeGreaterThan(2);
  expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe((result.whole as { choices: { message: { content: string } }[] }).choices[0]!.message.content);
  expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
  expect(result.raw.startsWith('data: {')).toBe(true);
  expect(result.raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect(result.notFound).toBe(404);

  // The HTTP caller going away cancels the job on the page: abort a streaming fetch after its first event.
  const cancelled = await page.evaluate(async ({ lib, model, bias }) => {
    const k = (await import(lib)).getSharedKernel();
    const ctrl = new AbortController();
    const res = await fetch('/v1/chat/completions', {
      method: 'POST', signal: ctrl.signal, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'long' }], max_tokens: 2000, stream: true, temperature: 0, logit_bias: bias }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    const during = k.jobs().length;
    ctrl.abort();
    const t0 = performance.now();
    while (k.jobs().length > 0 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    return { during, after: k.jobs().length, finished: k.events.history().filter((e: { type: string }) => e.type === 'job-finished').at(-1)?.detail.stopReason };
  }, { lib: LIB, model: MODEL, bias: BAN_BYTES });
  expect(cancelled).toEqual({ during: 1, after: 0, finished: 'abort' });

  // Another tab of the origin (no kernel of its own) is served by the first page's kernel.
  const other = await context.newPage();
  await other.goto('/fixtures/__hits');
  const fromOther = await other.evaluate(async () => {
    const r = await fetch('/v1/models');
    return [r.status, (await r.json()).data.length, !!navigator.serviceWorker.controller];
  });
  expect(fromOther).toEqual([200, 1, true]);
});

test('service worker /v1: aborting a non-streaming request (official openai client) cancels its kernel job', async ({ page }) => {
  await routeOpenAI(page);
  await page.goto('/examples/embed.html');
  await installServiceWorker(page);
  const outcome = await page.evaluate(async ({ lib, model, bias }) => {
    const m = await import(lib);
    const k = m.getSharedKernel();
    m.serveKernelToServiceWorker(k);
    const { default: OpenAI } = await import('/__openai/index.mjs' as string);
    const client = new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'unused', dangerouslyAllowBrowser: true, maxRetries: 0 });
    type Finished = { stopReason: string; tokens: number };
    const finished: Finished[] = [];
    k.events.on('job-finished', (d: Finished) => { finished.push(d); });
    const ctrl = new AbortController();
    // No max_tokens: the job may run to the end of the context (the fixture's 1024 tokens) unless the abort reaches it.
    const pending = client.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'Tell me everything' }], temperature: 0, logit_bias: bias }, { signal: ctrl.signal },
    ).then(() => 'resolved', (e: Error) => `${e.constructor.name}/${e.name}`);
    const t0 = performance.now();
    // Abort once the job is generating: a few tokens in, nowhere near its end.
    while (!(k.jobs()[0]?.tokens >= 3) && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    const tokensAtAbort = k.jobs()[0]?.tokens ?? -1;
    ctrl.abort();
    const caller = await pending;
    const t1 = performance.now();
    while (k.jobs().length > 0 && performance.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 10));
    return { caller, tokensAtAbort, jobsLeft: k.jobs().length, endedMs: performance.now() - t1, finished };
  }, { lib: LIB, model: MODEL, bias: BAN_BYTES });
  // The head is out once the job generates, so the caller's read of the body is what the abort ends.
  expect(['APIUserAbortError/Error', 'DOMException/AbortError']).toContain(outcome.caller);
  expect(outcome.tokensAtAbort).toBeGreaterThanOrEqual(3);
  expect(outcome.jobsLeft).toBe(0);
  expect(outcome.finished).toHaveLength(1);
  expect(outcome.finished[0]!.stopReason).toBe('abort');
  // Stopped soon after the abort, far from the 1000-odd tokens the context would have allowed.
  expect(outcome.finished[0]!.tokens).toBeLessThan(200);
  expect(outcome.endedMs).toBeLessThan(5_000);
});
