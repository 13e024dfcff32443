/**
 * Helpers of the desktop e2e specs: open the built app with or without the first-run report, use the
 * launcher, download a fixture model through the model library, and move focus with Tab only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

/** Open the desktop; `firstRun: false` marks the first-run report as seen (fresh storage otherwise). */
export async function openDesktop(page: Page, opts: { firstRun?: boolean; settings?: Record<string, unknown> } = {}): Promise<Locator> {
  if (opts.firstRun === false || opts.settings) {
    await page.addInitScript((s) => {
      if (!localStorage.getItem('llmos-desktop:settings')) localStorage.setItem('llmos-desktop:settings', JSON.stringify(s));
    }, { firstRunDone: opts.firstRun === false, ...opts.settings });
  }
  await page.goto('/');
  const desktop = page.locator('llmos-desktop');
  await expect(desktop.getByRole('heading', { name: 'LLM OS', level: 1 })).toBeVisible();
  return desktop;
}

/** Click a launcher button (opens or focuses the app's window). */
export async function launch(page: Page, name: string): Promise<void> {
  await page.locator('llmos-desktop nav[aria-label="Apps"], llmos-desktop nav').first().getByRole('button', { name, exact: true }).click();
}

/** Download a fixture model (catalog id `fixture-tiny`, `fixture-tiny-b`, …) through the Models window. */
export async function downloadFixture(page: Page, name: 'tiny' | 'tiny-b' | 'tiny vision' | 'bench 40M'): Promise<void> {
  await launch(page, 'Models');
  const lib = page.locator('llmos-model-library');
  const label = name === 'bench 40M' ? /^Download Test fixture: bench 40M/ : new RegExp(`^Download Test fixture: ${name} \\(`);
  await lib.getByRole('button', { name: label }).click();
  const id = { tiny: 'fixture-tiny', 'tiny-b': 'fixture-tiny-b', 'tiny vision': 'fixture-tiny-vision', 'bench 40M': 'fixture-bench-40m' }[name];
  await expect(lib.locator(`[data-model="${id}"]`)).toHaveAttribute('data-state', 'cached', { timeout: 60_000 });
}

/** Text of the deepest focused element's accessible name (aria-label, else text). */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return '';
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
    const label = el.getAttribute('aria-label') ?? labelled ?? (el as HTMLElement).innerText ?? el.textContent ?? '';
    return label.replace(/\s+/g, ' ').trim();
  });
}

/** Whether the deepest focused element shows a focus indicator (outline or box-shadow). */
export function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return false;
    const cs = getComputedStyle(el);
    return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
  });
}

/** Press Tab (or Shift+Tab) until the focused element's name matches; fails after `max` presses. */
export async function tabTo(page: Page, name: RegExp, opts: { max?: number; back?: boolean } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < (opts.max ?? 80); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const n = await focusedName(page);
    seen.push(n);
    if (name.test(n)) return;
  }
  throw new Error(`Tab never reached ${name}; visited: ${seen.join(' | ')}`);
}

/** Close the "works offline" notice and the device banners (before a screenshot). */
export async function dismissNotices(page: Page): Promise<void> {
  const ok = page.locator('llmos-update-prompt').getByRole('button', { name: 'OK' });
  if (await ok.isVisible()) await ok.click();
  for (const b of await page.locator('llmos-desktop .banner button').all()) await b.click();
}

/** Attach a screenshot to the report and write it into docs/screenshots/. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const png = await page.screenshot();
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  mkdirSync('docs/screenshots', { recursive: true });
  writeFileSync(`docs/screenshots/${name}.png`, png);
}
