/**
 * Chatting on the desktop end to end, on the built app: download the tiny fixture model through the
 * model library, open the Chat app, send a prompt, watch the reply stream in, see the finished state;
 * a failed download shown in words, then a working one; and a check that the page bundle carries no
 * engine library.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { dismissNotices, downloadFixture, launch, openDesktop, screenshot } from './desktop-helpers';

/** The built app Playwright's web server serves (`dist/` unless a local run builds elsewhere). */
const DIST = process.env.LLMOS_DIST ?? 'dist';

test('chat with the tiny fixture model: streamed reply and finished state', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const desktop = await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  const app = page.locator('llmos-chat-app');
  await expect(app.getByRole('combobox', { name: 'Model' })).toHaveValue('fixture-tiny');
  await expect(app.getByText('test model')).toBeVisible();

  // Record the reply's length at every DOM change while it streams.
  await app.locator('llmos-chat').evaluate((el) => {
    const root = el.shadowRoot!;
    const lengths: number[] = [];
    (window as unknown as { __lengths: number[] }).__lengths = lengths;
    new MutationObserver(() => {
      const reply = [...root.querySelectorAll('.message.assistant [part="content"]')].at(-1);
      if (reply) lengths.push(reply.textContent!.length);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });

  const chat = app.locator('llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello! What can an operating system for language models do?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeEnabled();

  const meta = chat.locator('[part="meta"]');
  await expect(meta.first()).toHaveText(/^Reached the token limit · 256 tokens · [\d.]+ tok\/s · TTFT \d+ ms$/, { timeout: 90_000 });
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeDisabled();
  await expect(desktop.locator('llmos-status-bar [data-status="backend"] .value')).toHaveText(/^wllama · (CPU \(wasm, \d+ threads?\)|WebGPU)$/);

  const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
  for (let i = 1; i < lengths.length; i++) expect(lengths[i]).toBeGreaterThanOrEqual(lengths[i - 1]!);
  expect(new Set(lengths).size, 'the reply grew in many steps').toBeGreaterThan(20);
  const reply = chat.locator('.message.assistant [part="content"]').last();
  expect((await reply.textContent())!.trim().length).toBeGreaterThan(100);
  expect(errors).toEqual([]);

  // A second, short turn for the screenshot: the whole exchange in view.
  await app.locator('llmos-chat').evaluate((el) => { (el as HTMLElement & { maxTokens: number }).maxTokens = 40; });
  await chat.getByRole('textbox', { name: 'Message' }).fill('And in one sentence?');
  await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(meta.last()).toHaveText(/^Reached the token limit · 40 tokens/, { timeout: 60_000 });
  await dismissNotices(page);
  await screenshot(page, test.info(), 'chat');
});

test('a failed download is shown in words, and the next download works', async ({ page }) => {
  await openDesktop(page, { firstRun: false });
  await launch(page, 'Models');
  const lib = page.locator('llmos-model-library');
  await lib.getByRole('textbox', { name: 'GGUF URL' }).fill(new URL('/fixtures/tiny.gguf?status=404', page.url()).href);
  await lib.getByRole('button', { name: 'Add URL' }).click();
  const alert = lib.locator('[data-state="remote"][data-model^="url:"]').getByRole('alert');
  await expect(alert).toContainText('A download failed.');
  await expect(alert).toContainText('NETWORK');
  await downloadFixture(page, 'tiny-b');
});

test('the page bundle carries no engine library (engines load only in the worker chunk)', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (r) => { if (r.request().resourceType() === 'script') scripts.push(new URL(r.url()).pathname); });
  const desktop = await openDesktop(page, { firstRun: false });
  await expect(desktop.getByRole('heading', { name: 'Open an app' })).toBeVisible();
  const ENGINE = /wllama[-\w]*\.wasm|MLCEngine|tvmjs/;
  // The marker does find the engines where they belong (the worker's chunks), so its absence below means something.
  const chunks = readdirSync(`${DIST}/assets`).filter((f) => f.endsWith('.js'));
  expect(chunks.filter((f) => ENGINE.test(readFileSync(`${DIST}/assets/${f}`, 'utf8'))).length).toBeGreaterThanOrEqual(2);
  expect(scripts.length).toBeGreaterThan(0);
  for (const path of scripts) expect(readFileSync(`${DIST}${path}`, 'utf8'), path).not.toMatch(ENGINE);
});
