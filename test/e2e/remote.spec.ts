/**
 * A server as a visitor uses one, on the built app: add a REAL OpenAI-compatible server (llama.cpp through
 * node-llama-cpp, `test/remote-server/`, an `http:` origin) in Settings → Servers, pick its model in Chat,
 * allow Chat to use it when asked, and read a reply computed there — through the kernel's engine worker,
 * whose script the service worker served with the server's origin added to `connect-src` (the app's CSP
 * allows no `http:` origin otherwise). Nothing is sent before the user allows it.
 */
import { expect, test } from '@playwright/test';
import { launch, openDesktop } from './desktop-helpers';

const MANAGER = 'http://127.0.0.1:4191';

test('add a server, allow Chat to use it, chat through it: the reply says where it was computed', async ({ page }) => {
  const started = await fetch(`${MANAGER}/start`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'e2e-remote' }) });
  expect(started.ok).toBe(true);
  const { url } = await started.json() as { url: string };
  const control = `${url.replace(/\/v1$/, '')}/__control`;
  await fetch(control, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reset: true }) });

  await openDesktop(page, { firstRun: false });
  // The service worker serves the app from here on (it extends the CSP with the user's servers).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  // Without the server's origin the app's policy keeps the page from it.
  const blocked = await page.evaluate(async (u) => fetch(`${u}/models`).then(() => 'reached', (e: unknown) => String(e)), url);
  expect(blocked).toMatch(/Failed to fetch/);
  // From here on, no request of the app breaks the policy (the engine workers' included).
  const violations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });

  await launch(page, 'Settings');
  const settings = page.locator('llmos-settings');
  const form = settings.locator('form.add-server');
  await form.locator('input[name="name"]').fill('Lab box');
  await form.locator('input[name="baseUrl"]').fill(url);
  await form.locator('button[data-action="test"]').click();
  await expect(settings.locator('.test-result[role="status"]')).toHaveText(/It answers in \d+ ms and serves 1 models:\s+tiny-chars/, { timeout: 30_000 });
  await form.locator('button[data-action="add"]').click();
  await expect(settings.locator('[data-added]')).toHaveText('Added Lab box.', { timeout: 30_000 });

  await launch(page, 'Chat');
  const app = page.locator('llmos-chat-app');
  const select = app.getByRole('combobox', { name: 'Model' });
  await expect(select.locator('optgroup[label="On servers"] option')).toHaveText('tiny-chars — on Lab box');
  await select.selectOption('remote:tiny-chars');
  const chat = app.locator('llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello over there');
  await chat.getByRole('button', { name: 'Send' }).click();

  // First use: the user is asked, and nothing reaches the server before the answer.
  const dialog = page.locator('llmos-server-grant').getByRole('dialog');
  await expect(dialog).toContainText('Allow Chat to send prompts to Lab box');
  const before = await (await fetch(`${control}/requests`)).json() as { method: string; path: string }[];
  expect(before.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions')).toEqual([]);
  await dialog.getByRole('button', { name: 'Allow', exact: true }).click();

  const badge = chat.locator('.message.assistant [part="computed-on"]').last();
  await expect(badge).toHaveText('on server Lab box', { timeout: 60_000 });
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeDisabled({ timeout: 60_000 });
  const reply = chat.locator('.message.assistant [part="content"]').last();
  expect((await reply.textContent())!.trim().length).toBeGreaterThan(0);
  const after = await (await fetch(`${control}/requests`)).json() as { method: string; path: string; status: number; headers: Record<string, string> }[];
  const posts = after.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  expect(posts).toHaveLength(1);
  expect(posts[0]!.status).toBe(200);
  expect(posts[0]!.headers.origin).toBe(new URL(page.url()).origin);
  expect(violations).toEqual([]);
  await fetch(`${MANAGER}/kill`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'e2e-remote' }) });
});
