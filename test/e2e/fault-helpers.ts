/**
 * Helpers of the fault and security specs on the built app: tag a test for docs/reliability.md, and
 * measure the page from outside through the DevTools protocol (heap after GC, listeners, live objects).
 */
import { test, type CDPSession, type Page } from '@playwright/test';

/** Record what a test checks; `test/e2e/reliability-reporter.ts` puts it in docs/reliability.md. */
export function reliability(area: string, expected: string): void {
  test.info().annotations.push({ type: 'reliability', description: JSON.stringify({ area, expected }) });
}

const sessions = new WeakMap<Page, CDPSession>();

/** One DevTools session per page, kept for its life. */
export async function cdp(page: Page): Promise<CDPSession> {
  let s = sessions.get(page);
  if (!s) sessions.set(page, s = await page.context().newCDPSession(page));
  return s;
}

/**
 * JS heap of the page in use after full garbage collections: the engine workers first (so objects the
 * page exposed to them through Comlink proxies, released by the workers' finalizers, can go — the
 * browser runs with `--expose-gc`), then the page (DevTools `HeapProfiler.collectGarbage`).
 */
export async function heapAfterGc(page: Page): Promise<number> {
  const s = await cdp(page);
  for (const w of page.workers()) await w.evaluate(() => (globalThis as { gc?: () => void }).gc?.()).catch(() => undefined);
  await page.waitForTimeout(200);
  for (let i = 0; i < 3; i++) {
    await s.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(100);
  }
  return (await s.send('Runtime.getHeapUsage')).usedSize;
}

/** Number of event listeners on the object a page expression evaluates to (DevTools `DOMDebugger`). */
export async function listenerCount(page: Page, expression: string, type?: string): Promise<number> {
  const s = await cdp(page);
  const { result } = await s.send('Runtime.evaluate', { expression, objectGroup: 'listeners' });
  if (!result.objectId) throw new Error(`${expression} is not an object`);
  const { listeners } = await s.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
  await s.send('Runtime.releaseObjectGroup', { objectGroup: 'listeners' });
  return listeners.filter((l) => type === undefined || l.type === type).length;
}

/** SHA-256 (hex) of a model's stored chunks, computed in the page from the app's own database. */
export function storedSha256(page: Page, id: string): Promise<string> {
  return page.evaluate(async (modelId) => {
    const lib = await (globalThis as unknown as { llmos: { services: { library(): Promise<{ db: { getAll(s: string, r: IDBKeyRange): Promise<{ blob: Blob }[]> } }> } } }).llmos.services.library();
    const chunks = await lib.db.getAll('chunks', IDBKeyRange.bound([modelId, 0], [modelId, Number.MAX_SAFE_INTEGER]));
    const all = new Uint8Array(await new Blob(chunks.map((c) => c.blob)).arrayBuffer());
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, id);
}

/** Live instances of a class in the page (DevTools `Runtime.queryObjects` on its prototype). */
export async function liveInstances(page: Page, prototypeExpression: string): Promise<number> {
  const s = await cdp(page);
  await s.send('HeapProfiler.collectGarbage');
  const { result: proto } = await s.send('Runtime.evaluate', { expression: prototypeExpression, objectGroup: 'instances' });
  const { objects } = await s.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId!, objectGroup: 'instances' });
  const { result } = await s.send('Runtime.callFunctionOn', { objectId: objects.objectId!, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
  await s.send('Runtime.releaseObjectGroup', { objectGroup: 'instances' });
  return result.value as number;
}

/**
 * Deploy a new version of the service worker (the preview server serves `/sw.js` with new bytes, see
 * test/fixture-server.ts) and have the page's registration check for it, as a browser does on a visit.
 * Resolves with the new version number.
 */
export async function deployServiceWorker(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { version } = (await (await fetch('/fixtures/__sw-version?bump=1')).json()) as { version: number };
    await (await navigator.serviceWorker.ready).update();
    return version;
  });
}

/** The version of the service worker controlling the page (0: the build as is; -1: none controls it). */
export function controllerVersion(page: Page): Promise<number> {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    const controller = navigator.serviceWorker.controller;
    if (!controller) return -1;
    return new Promise<number>((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data as number);
      controller.postMessage({ type: 'LLMOS_TEST_VERSION' }, [channel.port2]);
      setTimeout(() => resolve(0), 5000); // the unbumped build does not answer
    });
  });
}
