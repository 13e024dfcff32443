/**
 * The first UI end to end, on the built app: load the tiny fixture model through the picker, send a
 * prompt, watch the reply stream in, see the finished state; plus a load failure shown in words, and
 * a check that the page bundle carries no engine library.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('chat with the tiny fixture model: streamed reply and finished state', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'LLM OS' })).toBeVisible();
  await expect(page.locator('[data-status="isolation"]')).toHaveText(/^yes/);

  await page.getByRole('button', { name: 'Load tiny.gguf' }).click();
  await expect(page.locator('llmos-load-progress')).toHaveAttribute('state', 'ready');
  await expect(page.locator('[data-status="backend"]')).toHaveText(/^wllama · (CPU \(wasm, \d+ threads?\)|WebGPU)$/);
  await expect(page.locator('#fixture-note')).toBeVisible();

  // Record the reply's length at every DOM change while it streams.
  await page.evaluate(() => {
    const root = document.querySelector('llmos-chat')!.shadowRoot!;
    const lengths: number[] = [];
    (window as unknown as { __lengths: number[] }).__lengths = lengths;
    new MutationObserver(() => {
      const reply = [...root.querySelectorAll('.message.assistant [part="content"]')].at(-1);
      if (reply) lengths.push(reply.textContent!.length);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });

  const chat = page.locator('llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello! What can an operating system for language models do?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeEnabled();

  const meta = chat.locator('[part="meta"]');
  await expect(meta).toHaveText(/^Reached the token limit · 256 tokens · [\d.]+ tok\/s · TTFT \d+ ms$/, { timeout: 90_000 });
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeDisabled();

  const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
  for (let i = 1; i < lengths.length; i++) expect(lengths[i]).toBeGreaterThanOrEqual(lengths[i - 1]!);
  expect(new Set(lengths).size, 'the reply grew in many steps').toBeGreaterThan(20);
  const reply = chat.locator('.message.assistant [part="content"]').last();
  expect((await reply.textContent())!.trim().length).toBeGreaterThan(100);
  expect(errors).toEqual([]);

  const png = await page.screenshot();
  await testInfo.attach('chat', { body: png, contentType: 'image/png' });
  mkdirSync('docs/screenshots', { recursive: true });
  writeFileSync('docs/screenshots/chat.png', png);
});

test('a failed load is shown in words, and the next load works', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('tab', { name: 'GGUF URL' }).click();
  await page.getByRole('textbox', { name: 'GGUF URL' }).fill('/fixtures/tiny.gguf?status=404');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const progress = page.locator('llmos-load-progress');
  await expect(progress).toHaveAttribute('state', 'error');
  await expect(progress.getByRole('alert')).toContainText('A download failed.');
  await expect(progress.getByRole('alert')).toContainText('NETWORK');

  await page.getByRole('tab', { name: 'Test models' }).click();
  await page.getByRole('button', { name: 'Load tiny-b.gguf' }).click();
  await expect(progress).toHaveAttribute('state', 'ready');
});

test('the page bundle carries no engine library (engines load only in the worker chunk)', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (r) => { if (r.request().resourceType() === 'script') scripts.push(new URL(r.url()).pathname); });
  await page.goto('/');
  await expect(page.getByRole('tab', { name: 'Test models' })).toBeVisible();
  const ENGINE = /wllama[-\w]*\.wasm|MLCEngine|tvmjs/;
  // The marker does find the engines where they belong (the worker's chunks), so its absence below means something.
  const chunks = readdirSync('dist/assets').filter((f) => f.endsWith('.js'));
  expect(chunks.filter((f) => ENGINE.test(readFileSync(`dist/assets/${f}`, 'utf8'))).length).toBeGreaterThanOrEqual(2);
  expect(scripts.length).toBeGreaterThan(0);
  for (const path of scripts) expect(readFileSync(`dist${path}`, 'utf8'), path).not.toMatch(ENGINE);
});
