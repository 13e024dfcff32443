/**
 * The LLM OS desktop end to end, on the built app (`vite preview` of dist/) in headless Chromium with
 * SwiftShader WebGPU (no shader-f16): the first-run device report; two apps generating at once, both in
 * the task manager; ending a process from the task manager; offline reload with a downloaded model;
 * the language switch; a chat driven by the keyboard alone. Models are the generated random-weight
 * fixtures (greedy, byte tokens banned by the desktop), downloaded through the model library.
 */
import { expect, test, type Page } from '@playwright/test';
import { dismissNotices, downloadFixture, focusVisible, launch, openDesktop, screenshot, tabTo } from './desktop-helpers';

/** Make the chat element of the (first) chat window reply with `n` tokens (the app's default is 256). */
async function setChatTokens(page: Page, n: number): Promise<void> {
  await page.locator('llmos-chat-app llmos-chat').first().evaluate((el, max) => { (el as HTMLElement & { maxTokens: number }).maxTokens = max; }, n);
}

test('first run: the device report, a recommended model, and a banner for the CPU fallback', async ({ page }) => {
  const desktop = await openDesktop(page);
  const dialog = desktop.getByRole('dialog', { name: 'Welcome to LLM OS' });
  await expect(dialog).toBeVisible();
  const report = dialog.locator('llmos-device-report');
  await expect(report.locator('[data-fact="webgpu"] dd')).toContainText('swiftshader');
  await expect(report.locator('[data-fact="f16"] dd')).toHaveText('no');
  await expect(report.locator('[data-fact="isolation"] dd')).toHaveText(/^yes/);
  await expect(report.locator('[data-fact="vram"] dd')).toHaveText(/^[\d,]+ MB estimated$/);
  await expect(report.locator('[data-fact="ram"] dd')).toHaveText(/^[\d,]+ MB estimated$/);
  await expect(report.locator('[data-fact="slots"] dd')).toHaveText(/^\d+ estimated · \d+ threads each$/);
  await expect(report.locator('[data-fact="threads"] dd')).toHaveText(/^\d+$/);
  await expect(report.locator('[data-fact="storage"] dd')).toContainText('used of');
  // No shader-f16: GGUF models run on the CPU, in the report and as a banner on the desktop.
  await expect(report.locator('[data-warning="no-f16"]')).toBeVisible();
  const rec = report.locator('[part="recommendation"]');
  await expect(rec).toContainText('Needs about');
  await expect(rec).toHaveAttribute('data-model', /.+/);
  await expect(rec.getByRole('button', { name: 'Download' })).toBeVisible();
  await screenshot(page, test.info(), 'first-run');

  await dialog.getByRole('button', { name: 'Get started' }).click();
  await expect(dialog).toBeHidden();
  await expect(desktop.locator('.banner[data-warning="no-f16"]')).toContainText('GGUF models run on the CPU');
  // Seen once: a reload goes straight to the desktop.
  await page.reload();
  await expect(desktop.getByRole('heading', { name: 'Open an app' })).toBeVisible();
  await expect(dialog).toBeHidden();
});

test('two apps generate at once, each its own process, both live in the task manager', async ({ page }) => {
  test.setTimeout(240_000);
  const desktop = await openDesktop(page, { firstRun: false, settings: { defaultModels: { chat: 'fixture-bench-40m', translator: 'fixture-tiny' } } });
  // Two worker slots, set in Settings like a user would.
  await launch(page, 'Settings');
  const settings = page.locator('llmos-settings');
  await settings.getByRole('spinbutton', { name: 'Worker slots' }).fill('2');
  await settings.getByRole('button', { name: 'Apply' }).click();
  await expect(settings.getByRole('status')).toHaveText('Budget applied.');
  await downloadFixture(page, 'tiny');
  await downloadFixture(page, 'bench 40M');
  await desktop.getByRole('button', { name: 'Close Models' }).click();
  await desktop.getByRole('button', { name: 'Close Settings' }).click();
  await expect(desktop.locator('.window[data-app]')).toHaveCount(0);
  await dismissNotices(page);

  // Start a reply in Chat and a translation in Translator, then watch both from the task manager.
  await launch(page, 'Chat');
  await setChatTokens(page, 900);
  const chat = page.locator('llmos-chat-app llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('What does the kernel of an operating system for language models do?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await launch(page, 'Translator');
  const tr = page.locator('llmos-translator');
  await expect(tr.getByRole('combobox', { name: 'Model' })).toHaveValue('fixture-tiny');
  await tr.getByRole('textbox', { name: 'English' }).fill('The kernel schedules every job of every app on the worker slots, and the task manager shows it. '.repeat(3));
  await tr.getByRole('button', { name: 'Translate' }).click();
  await launch(page, 'Task manager');
  await expect(desktop.locator('.window[data-app]')).toHaveCount(3);

  const tm = page.locator('llmos-task-manager');
  const rows = tm.locator('tbody tr[data-pid]');
  const running = tm.locator('tbody tr[data-state="running"]');
  await expect(rows).toHaveCount(2);
  // Both processes are running at the same moment, each on its own model and slot.
  await expect.poll(() => running.count(), { timeout: 60_000, intervals: [100] }).toBe(2);
  await expect(rows.filter({ hasText: 'Chat' }).locator('td.model')).toHaveText('fixture-bench-40m');
  await expect(rows.filter({ hasText: 'Translator' }).locator('td.model')).toHaveText('fixture-tiny');
  await expect(desktop.locator('llmos-status-bar [data-status="slots"] .value')).toHaveText('2 of 2 in use');
  // The chart has a line per process, and the resident models show against the RAM budget.
  await expect(tm.locator('[data-chart="rate"] .legend li')).toHaveCount(2);
  await expect(tm.locator('[data-budget="ram"] .seg')).toHaveCount(2);
  await page.waitForTimeout(1000); // a few chart samples with both lines up
  await dismissNotices(page);
  expect(await running.count()).toBe(2);
  await screenshot(page, test.info(), 'task-manager');
  await expect.poll(async () => Number((await rows.filter({ hasText: 'Chat' }).locator('[data-col="tokens"]').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(10);

  // Tiles: every window at once while the chat keeps generating.
  await desktop.getByRole('button', { name: 'Tile windows' }).click();
  await expect(desktop.locator('.window[role="region"]')).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Chat' })).toHaveAttribute('data-state', 'running');
  await screenshot(page, test.info(), 'desktop');

  await expect(chat.locator('[part="meta"]')).toHaveText(/^Reached the token limit · 900 tokens/, { timeout: 120_000 });
  await expect(tr.locator('.meta')).toContainText(/Reached the token limit|Finished/, { timeout: 120_000 });
});

test('ending a process from the task manager stops its generation; the window can restart it', async ({ page }) => {
  test.setTimeout(180_000);
  const desktop = await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  await setChatTokens(page, 900);
  const chat = page.locator('llmos-chat-app llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Tell me a long story');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeEnabled();
  const pid = await desktop.locator('.window[data-app="chat"] .pid').getAttribute('data-pid');

  await launch(page, 'Task manager');
  const tm = page.locator('llmos-task-manager');
  await expect(tm.locator(`tr[data-pid="${pid}"]`)).toHaveAttribute('data-state', /running|waiting-for-model|ready/);
  await tm.getByRole('button', { name: `End process ${pid} (Chat)` }).click();
  await expect(tm.locator(`tr[data-pid="${pid}"]`)).toHaveCount(0);

  await desktop.getByRole('tab', { name: 'Chat' }).click();
  const win = desktop.locator('.window[data-app="chat"]');
  await expect(win.getByRole('alert')).toContainText('process was ended');
  await expect(chat.locator('[part="meta"]').last()).toHaveText(/^Stopped · \d+ tokens/);
  await expect(chat.getByRole('button', { name: 'Stop' })).toBeDisabled();

  await win.getByRole('button', { name: 'Restart' }).click();
  await expect.poll(async () => Number(await win.locator('.pid').getAttribute('data-pid'))).toBeGreaterThan(Number(pid));
  await expect(win.getByRole('alert')).toHaveCount(0);
  await setChatTokens(page, 16);
  await chat.getByRole('textbox', { name: 'Message' }).fill('Again, briefly');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]').last()).toHaveText(/^Reached the token limit · 16 tokens/, { timeout: 60_000 });
});

test('offline: after one visit the app shell reloads without the network and a downloaded model chats', async ({ page, context }) => {
  test.setTimeout(240_000);
  await openDesktop(page, { firstRun: false });
  // The service worker installs (precaching the shell, engines and wasm) and takes control.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  const chat = page.locator('llmos-chat-app llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello while online');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]')).toHaveText(/^Reached the token limit · 256 tokens/, { timeout: 90_000 });

  await context.setOffline(true);
  await page.reload();
  const desktop = page.locator('llmos-desktop');
  await expect(desktop.getByRole('heading', { name: 'LLM OS', level: 1 })).toBeVisible();
  // Debian's Chromium 150 reloads a page under emulated offline with `navigator.onLine` still true (the
  // network is cut all the same); switching the emulation again makes the page see it, as a real network
  // change would, with its `offline` event.
  if (await page.evaluate(() => navigator.onLine)) {
    await context.setOffline(false);
    await context.setOffline(true);
  }
  await expect(desktop.locator('llmos-status-bar [data-status="network"]')).toHaveText('Offline');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await launch(page, 'Chat');
  // The conversation is still there, and the cached model answers without the network.
  await expect(chat.locator('.message.user').first()).toHaveText('Hello while online');
  await chat.getByRole('textbox', { name: 'Message' }).fill('And now offline?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]').last()).toHaveText(/^Reached the token limit · 256 tokens/, { timeout: 90_000 });
  await context.setOffline(false);
});

test('language switch: the desktop and its apps in 简体中文, kept across a reload, and back', async ({ page }) => {
  const desktop = await openDesktop(page, { firstRun: false });
  await launch(page, 'Settings');
  await page.locator('llmos-settings').getByRole('combobox', { name: 'Language' }).selectOption('zh-Hans');
  const nav = desktop.getByRole('navigation', { name: '应用' });
  await expect(nav.getByRole('button', { name: '聊天', exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(desktop.locator('llmos-status-bar [data-status="network"]')).toHaveText('在线');
  await expect(page.locator('llmos-settings').getByRole('heading', { name: '预算' })).toBeVisible();
  await dismissNotices(page);
  await screenshot(page, test.info(), 'settings-zh');
  await page.reload();
  await expect(nav.getByRole('button', { name: '任务管理器', exact: true })).toBeVisible();
  await nav.getByRole('button', { name: '任务管理器', exact: true }).click();
  await expect(page.locator('llmos-task-manager').getByRole('columnheader', { name: '优先级' })).toBeVisible();
  await nav.getByRole('button', { name: '设置', exact: true }).click();
  await page.locator('llmos-settings').getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(desktop.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: 'Chat', exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a chat driven by the keyboard alone, with a visible focus at every stop', async ({ page }) => {
  test.setTimeout(180_000);
  const desktop = await openDesktop(page, { firstRun: false });
  await page.locator('body').focus();
  await tabTo(page, /^Models$/);
  expect(await focusVisible(page)).toBe(true);
  await page.keyboard.press('Enter');
  await tabTo(page, /^Download Test fixture: tiny \(/);
  expect(await focusVisible(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('llmos-model-library [data-model="fixture-tiny"]')).toHaveAttribute('data-state', 'cached', { timeout: 60_000 });

  await tabTo(page, /^Chat$/, { back: true, max: 120 });
  await page.keyboard.press('Enter');
  await expect(desktop.getByRole('tab', { name: 'Chat' })).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, /^Message$/);
  expect(await focusVisible(page)).toBe(true);
  await page.keyboard.type('Hello from the keyboard');
  await page.keyboard.press('Enter');
  const chat = page.locator('llmos-chat-app llmos-chat');
  await expect(chat.locator('[part="meta"]')).toHaveText(/^Reached the token limit · 256 tokens/, { timeout: 90_000 });
  // The reply's actions are reachable too: Regenerate by keyboard replaces the reply.
  await tabTo(page, /^Regenerate$/, { back: true });
  expect(await focusVisible(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(chat.locator('.message.assistant')).toHaveCount(1);
  await expect(chat.locator('[part="meta"]')).toHaveText(/^Reached the token limit · 256 tokens/, { timeout: 90_000 });
  // Window tabs move with the arrow keys (ARIA tabs pattern).
  await desktop.getByRole('tab', { name: 'Chat' }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(desktop.getByRole('tab', { name: 'Models' })).toHaveAttribute('aria-selected', 'true');
  await expect(desktop.getByRole('tab', { name: 'Models' })).toBeFocused();
});

test('chat: a reload mid-reply keeps what was streamed; system prompt and export survive', async ({ page }) => {
  test.setTimeout(180_000);
  await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  const app = page.locator('llmos-chat-app');
  await app.getByText('System prompt').first().click();
  await app.getByRole('textbox', { name: 'System prompt' }).fill('You are terse.');
  await app.getByRole('textbox', { name: 'System prompt' }).blur();
  await setChatTokens(page, 900);
  const chat = app.locator('llmos-chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill('Stream something long');
  await chat.getByRole('button', { name: 'Send' }).click();
  const reply = chat.locator('.message.assistant [part="content"]').last();
  await expect.poll(async () => (await reply.textContent())!.trim().length, { timeout: 60_000 }).toBeGreaterThan(80);
  const streamed = (await reply.textContent())!.trim();
  await page.waitForTimeout(300);
  await page.reload();

  await launch(page, 'Chat');
  await expect(chat.locator('.message.user')).toHaveText('Stream something long');
  const restored = (await chat.locator('.message.assistant [part="content"]').textContent())!.trim();
  expect(restored.startsWith(streamed), `restored "${restored.slice(0, 60)}…" continues "${streamed.slice(0, 60)}…"`).toBe(true);
  await expect(app.getByRole('textbox', { name: 'System prompt' })).toHaveValue('You are terse.');
  await expect(app.getByRole('navigation', { name: 'Conversations' }).getByRole('button')).toContainText(['Stream something long']);

  const [md] = await Promise.all([page.waitForEvent('download'), app.getByRole('button', { name: 'Export Markdown' }).click()]);
  const text = await (await md.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
  expect(md.suggestedFilename()).toBe('stream-something-long.md');
  expect(text).toContain('# Stream something long');
  expect(text).toContain('> **System prompt:** You are terse.');
  expect(text).toContain('## You\n\nStream something long');
  const [js] = await Promise.all([page.waitForEvent('download'), app.getByRole('button', { name: 'Export JSON' }).click()]);
  const json = JSON.parse(await (await js.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8')));
  expect(json.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
  expect(json.messages[2].content.trim().startsWith(streamed)).toBe(true);
});
