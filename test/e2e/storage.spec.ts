/**
 * Model library behaviour that needs control over the page itself: a storage quota lowered through the
 * DevTools protocol (`Storage.overrideQuotaForOrigin`) and a page reload in the middle of a download.
 * Runs against `test/pages/storage.html` (the `dev` project of playwright.config.ts).
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';

const TINY = '/fixtures/tiny.gguf';
const BENCH = '/fixtures/bench-40m.gguf';
const MiB = 1024 * 1024;

async function openPage(page: Page, dbName: string): Promise<void> {
  await page.goto('/test/pages/storage.html');
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate((name) => window.storageTest.open(name), dbName);
}

/**
 * Override this origin's quota through the DevTools protocol (no size: back to the default). The session
 * stays attached for the page's life: Chromium drops the override when its DevTools client detaches.
 */
async function setQuota(page: Page, quotaSize?: number): Promise<void> {
  const cdp = sessions.get(page) ?? await page.context().newCDPSession(page);
  sessions.set(page, cdp);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize });
}
const sessions = new WeakMap<Page, CDPSession>();

const hits = async (page: Page, needle: string) =>
  page.evaluate(async (n) => ((await (await fetch('/fixtures/__hits')).json()) as { path: string; query: string; range: string | null }[])
    .filter((h) => (h.path + h.query).includes(n)), needle);

test('quota exceeded mid-download: a typed error, verified chunks kept, earlier models intact, then resume', async ({ page }) => {
  test.info().annotations.push({ type: 'reliability', description: JSON.stringify({ area: 'fault', expected: 'IndexedDB quota exceeded mid-download (DevTools override): STORAGE_QUOTA; only whole verified chunks kept; earlier model intact; resume completes, SHA-256 identical' }) });
  await page.goto('/test/pages/storage.html');
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  // Room for about 10 MiB more, set before the first write (IndexedDB caches the space it may use).
  const { usage } = await page.evaluate(() => window.storageTest.estimate());
  await setQuota(page, usage + 10 * MiB);
  // The estimate the library sees is stale ("plenty of room"), so its pre-check passes and a write fails.
  const dbName = `quota-${Date.now()}`;
  await page.evaluate((name) => window.storageTest.open(name, [], { estimate: 'stale' }), dbName);
  const tinySha = await page.evaluate((u) => window.storageTest.urlSha256(u), TINY);
  const earlier = await page.evaluate((u) => window.storageTest.importUrl(u, 'earlier.gguf'), TINY) as { id: string; state: string };
  expect(earlier.state).toBe('cached');

  const url = `${BENCH}?t=${Date.now()}`;
  const id = await page.evaluate((u) => window.storageTest.addUrl(u), url);
  const outcome = await page.evaluate((i) => window.storageTest.download(i), id) as { error?: { name: string; code: string } };
  expect(outcome.error).toMatchObject({ name: 'StorageQuotaError', code: 'STORAGE_QUOTA' });

  const rec = await page.evaluate((i) => window.storageTest.record(i), id) as { state: string; storedBytes: number; pending: boolean; sizeBytes: number };
  expect(rec.state).toBe('partial');
  expect(rec.storedBytes).toBeGreaterThanOrEqual(2 * MiB);
  expect(rec.storedBytes).toBeLessThan(rec.sizeBytes);
  expect(rec.storedBytes % MiB).toBe(0); // only whole, verified chunks were kept
  expect(await page.evaluate((i) => window.storageTest.storedSha256(i), earlier.id)).toBe(tinySha); // nothing else lost

  // With room again the same download resumes where the quota stopped it.
  await setQuota(page);
  await page.reload(); // a fresh page: IndexedDB reads the restored quota
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate((name) => window.storageTest.open(name), dbName);
  const done = await page.evaluate((i) => window.storageTest.download(i), id) as { state: string };
  expect(done.state).toBe('cached');
  const resumed = (await page.evaluate(() => window.storageTest.progress())).find((p) => p.id === id && p.phase === 'downloading')!;
  expect(resumed.resumedFrom).toBe(rec.storedBytes);
  const benchSha = await page.evaluate((u) => window.storageTest.urlSha256(u), BENCH);
  expect(await page.evaluate((i) => window.storageTest.storedSha256(i), id)).toBe(benchSha);
  expect(await page.evaluate((i) => window.storageTest.storedSha256(i), earlier.id)).toBe(tinySha);
});

test('a download that cannot fit is refused before a byte is fetched', async ({ page }) => {
  const stamp = Date.now();
  let origin = '';
  const cdp = await page.context().newCDPSession(page);
  await page.exposeFunction('devtoolsEstimate', async () => {
    const { usage, quota } = await cdp.send('Storage.getUsageAndQuota', { origin });
    return { usage, quota };
  });
  await page.goto('/test/pages/storage.html');
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  origin = new URL(page.url()).origin;
  const catalog = [{ id: 'big', name: 'big', url: `${BENCH}?t=${stamp}`, sizeBytes: 44_112_800, quantisation: 'F32', contextLength: 2048,
    arch: { blockCount: 6, headCount: 6, headCountKv: 2, embeddingLength: 384 }, license: 'test' }];
  await page.evaluate(([name, c]) => window.storageTest.open(name as string, c as never, { estimate: 'devtools' }), [`precheck-${stamp}`, catalog] as const);
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 4 * MiB });
  const out = await page.evaluate(() => window.storageTest.download('big')) as { error: { code: string; details: { neededBytes: number; availableBytes: number } } };
  expect(out.error).toMatchObject({ code: 'STORAGE_QUOTA', details: { neededBytes: 44_112_800 } });
  expect(out.error.details.availableBytes).toBeLessThanOrEqual(4 * MiB);
  expect(await hits(page, `t=${stamp}`)).toEqual([]);
  // With the quota back the same download goes through.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const done = await page.evaluate(() => window.storageTest.download('big')) as { state: string };
  expect(done.state).toBe('cached');
});

test('a page reload mid-download resumes from the stored chunks with a Range request', async ({ page }) => {
  const dbName = `reload-${Date.now()}`;
  await openPage(page, dbName);
  const url = `${BENCH}?delayMs=5&t=${Date.now()}`;
  const id = await page.evaluate((u) => window.storageTest.addUrl(u), url);
  await page.evaluate((i) => window.storageTest.start(i), id);
  await expect.poll(async () => ((await page.evaluate((i) => window.storageTest.record(i), id)) as { storedBytes: number }).storedBytes,
    { timeout: 60_000 }).toBeGreaterThanOrEqual(4 * MiB);

  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate((name) => window.storageTest.open(name), dbName);
  const before = await page.evaluate((i) => window.storageTest.record(i), id) as { state: string; storedBytes: number; pending: boolean; sizeBytes: number };
  expect(before).toMatchObject({ state: 'partial', pending: true });
  expect(before.storedBytes).toBeLessThan(before.sizeBytes);

  const [result] = await page.evaluate(() => window.storageTest.resumePending()) as { state: string }[];
  expect(result!.state).toBe('cached');
  const first = (await page.evaluate(() => window.storageTest.progress())).find((p) => p.phase === 'downloading')!;
  expect(first.resumedFrom).toBeGreaterThanOrEqual(before.storedBytes);
  const ranges = (await hits(page, new URL(url, 'http://x').search)).map((h) => h.range);
  expect(ranges[0]).toBe('bytes=0-');
  expect(ranges.slice(1).some((r) => r?.startsWith(`bytes=${first.resumedFrom}-`))).toBe(true);
  const benchSha = await page.evaluate((u) => window.storageTest.urlSha256(u), BENCH);
  expect(await page.evaluate((i) => window.storageTest.storedSha256(i), id)).toBe(benchSha);
});
