/**
 * The built-in AI task APIs in the built app, as a user meets them: the Writing app proofreads (the
 * Proofreader's corrections inline, accepted and rejected), rewrites and writes; the Translator detects
 * the source language (the LanguageDetector, no model) and translates (the Translator). Every instance
 * runs under the window's process, visible in the task manager with the detector's own process.
 */
import { expect, test } from '@playwright/test';
import { dismissNotices, downloadFixture, launch, openDesktop } from './desktop-helpers';

test('Writing and Translator run the task APIs in the built app', async ({ page }) => {
  test.setTimeout(240_000);
  const desktop = await openDesktop(page, { firstRun: false, settings: { defaultModels: { writing: 'fixture-tiny', translator: 'fixture-tiny' } } });
  await downloadFixture(page, 'tiny');
  await desktop.getByRole('button', { name: 'Close Models' }).click();
  await dismissNotices(page);

  // Proofread: corrections inline, one rejected (its words stay), the rest accepted.
  await launch(page, 'Writing');
  const writing = page.locator('llmos-writing');
  await expect(writing.getByRole('combobox', { name: 'Model' })).toHaveValue('fixture-tiny');
  await writing.getByRole('tab', { name: 'Proofread' }).click();
  const box = writing.getByRole('textbox', { name: 'Text to proofread' });
  await box.fill('can you profread fir me');
  await writing.getByRole('button', { name: 'Proofread', exact: true }).click();
  const fixes = writing.locator('[part="review"] .fix');
  await expect(fixes.first()).toBeVisible({ timeout: 120_000 });
  const n = await fixes.count();
  expect(n).toBeGreaterThan(0);
  await expect(writing.getByRole('status').filter({ hasText: /to review/ })).toHaveText(n === 1 ? '1 correction to review.' : `${n} corrections to review.`);
  await writing.getByRole('button', { name: /^Reject correction 1:/ }).click();
  await expect(fixes).toHaveCount(n - 1);
  if (n > 1) await writing.getByRole('button', { name: 'Accept all' }).click();
  await expect(writing.getByRole('status').filter({ hasText: /review/ })).toHaveText('No corrections left to review.');
  const proofread = await box.inputValue();
  // The rejected correction's original words are still there; the text changed wherever one was accepted.
  if (n > 1) expect(proofread).not.toBe('can you profread fir me');

  // Rewrite streams a text in.
  await writing.getByRole('tab', { name: 'Rewrite' }).click();
  await writing.getByRole('textbox', { name: 'Text to rewrite' }).fill('We regret to inform you that the meeting is postponed.');
  await writing.getByRole('button', { name: 'Rewrite', exact: true }).click();
  await expect(writing.locator('.meta').filter({ hasText: /^(Finished|Stopped) · \d+ characters?/ })).toBeVisible({ timeout: 120_000 });

  // Translator: Detect (no model) then translate.
  await launch(page, 'Translator');
  const tr = page.locator('llmos-translator');
  await tr.getByRole('textbox').fill('Das Wetter ist heute schön, und wir gehen im Park spazieren.');
  await tr.getByRole('button', { name: 'Detect', exact: true }).click();
  await expect(tr.getByRole('combobox', { name: 'From' })).toHaveValue('de');
  await expect(tr.locator('.detected')).toHaveText(/^Detected: German \(\d+ %\)$/);
  await tr.getByRole('button', { name: 'Translate' }).click();
  await expect(tr.locator('.meta').filter({ hasText: /^(Finished|Stopped) · \d+ characters?/ })).toBeVisible({ timeout: 120_000 });

  // The task manager: the two windows' processes, and the detector's own.
  await launch(page, 'Task manager');
  const rows = page.locator('llmos-task-manager tbody tr[data-pid]');
  await expect(rows.filter({ hasText: 'Writing' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Translator' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Language detector' })).toHaveCount(1);
});
