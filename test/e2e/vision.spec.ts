/**
 * Image attachment end to end on the built app: the vision fixture (tiny.gguf with its random-weight
 * projector) is downloaded through the model library as one model of two files; the chat offers
 * attachment for it (and not for a text-only model), an attached image is shown, sent through the kernel
 * to llama.cpp and answered, and the conversation with its image survives a reload and exports.
 */
import { expect, test, type Page } from '@playwright/test';
import { dismissNotices, downloadFixture, launch, openDesktop, screenshot } from './desktop-helpers';

/** A PNG drawn in the page (a sky with a sun), as bytes. */
async function pictureBytes(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(480, 320);
    const g = c.getContext('2d')!;
    const sky = g.createLinearGradient(0, 0, 0, 320);
    sky.addColorStop(0, '#5ab0f0'); sky.addColorStop(1, '#dff1ff');
    g.fillStyle = sky; g.fillRect(0, 0, 480, 320);
    g.fillStyle = '#f7c531'; g.beginPath(); g.arc(360, 90, 48, 0, Math.PI * 2); g.fill();
    g.fillStyle = '#3d8b3d'; g.fillRect(0, 250, 480, 70);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let bin = '';
    for (const x of bytes) bin += String.fromCharCode(x);
    return btoa(bin);
  });
  return Buffer.from(b64, 'base64');
}

test('chat with an image: attach, send, answer, reload, export; no attachment for a text-only model', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny vision');
  const lib = page.locator('llmos-model-library');
  // One row for the pair, marked as taking images.
  await expect(lib.locator('[data-model="fixture-tiny-vision"]')).toContainText('Vision');
  await expect(lib.locator('[data-model="fixture-tiny-vision#mmproj"]')).toHaveCount(0);

  await launch(page, 'Chat');
  const app = page.locator('llmos-chat-app');
  const chat = app.locator('llmos-chat');
  const attach = chat.locator('[part="attach"] input[type="file"]');
  await expect(attach).toHaveCount(1);
  // A short reply, so that the screenshot shows the question with its picture.
  await chat.evaluate((el) => { (el as HTMLElement & { maxTokens: number }).maxTokens = 40; });
  await attach.setInputFiles({ name: 'sunny-field.png', mimeType: 'image/png', buffer: await pictureBytes(page) });
  await expect(chat.getByRole('img', { name: 'Attached image 1' })).toBeVisible();
  await chat.getByRole('textbox', { name: 'Message' }).fill('What is in this picture?');
  await chat.getByRole('button', { name: 'Send' }).click();
  const reply = chat.locator('.message.assistant');
  await expect(reply.locator('[part="meta"]')).toBeVisible({ timeout: 60_000 });
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(chat.locator('.message.user .attachments img')).toHaveCount(1);
  expect((await reply.locator('[part="content"]').textContent())!.trim().length).toBeGreaterThan(0);
  await dismissNotices(page);
  await screenshot(page, testInfo, 'chat-image');

  await page.reload();
  await launch(page, 'Chat');
  await expect(chat.locator('.message.user')).toContainText('What is in this picture?');
  const restored = chat.locator('.message.user .attachments img');
  await expect(restored).toHaveCount(1);
  expect(await restored.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(480);

  const [js] = await Promise.all([page.waitForEvent('download'), app.getByRole('button', { name: 'Export JSON' }).click()]);
  const json = JSON.parse(await (await js.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8')));
  expect(json.messages[0].images).toHaveLength(1);
  expect(json.messages[0].images[0]).toMatch(/^data:image\/png;base64,/);

  // A text-only model: no attachment offered (the launcher opens a second chat window: use that one).
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  const second = page.locator('llmos-chat-app').last();
  const secondAttach = second.locator('llmos-chat [part="attach"] input[type="file"]');
  await second.getByRole('combobox', { name: 'Model' }).selectOption('fixture-tiny-vision');
  await expect(secondAttach).toHaveCount(1);
  await second.getByRole('combobox', { name: 'Model' }).selectOption('fixture-tiny');
  await expect(secondAttach).toHaveCount(0);
});
