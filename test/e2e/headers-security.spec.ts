/**
 * Security headers as HTTP headers, on the built app: the preview and dev servers send them (the app's
 * CSP with `frame-ancestors 'self'`, the bridge's with `frame-ancestors *`, COOP/COEP, nosniff,
 * Referrer-Policy; test data without a CSP); the service worker attaches them to what it serves even
 * when the host sent none (a precached page replaced by a bare copy, as a static host without headers
 * would give it). That the engine workers run under the policy (wasm compiles, `eval` is blocked, no
 * violation while the app chats) is checked in security.spec.ts.
 */
import { expect, test, type APIResponse } from '@playwright/test';
import { openDesktop } from './desktop-helpers';
import { reliability } from './fault-helpers';

const DEV = 'http://127.0.0.1:5183';
type Headers = Record<string, string>;

/** The directives of a CSP header, by name. */
const directives = (csp: string | undefined) =>
  Object.fromEntries((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k!, v]));

/** The app's common headers on a response. */
function expectCommon(h: Headers, what: string): void {
  expect(h['cross-origin-opener-policy'], what).toBe('same-origin');
  expect(h['cross-origin-embedder-policy'], what).toBe('require-corp');
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
}

/** An app CSP (`ancestors` = its frame-ancestors) without JavaScript eval. */
function expectCsp(h: Headers, ancestors: string, what: string): void {
  const d = directives(h['content-security-policy']);
  expect(d['script-src'], what).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(d['frame-ancestors'], what).toEqual([ancestors]);
  expect(d['object-src'], what).toEqual(["'none'"]);
  expect(h['content-security-policy'], what).not.toMatch(/'unsafe-eval'/);
}

test('security headers from the preview and dev servers: app CSP (frame-ancestors self), bridge CSP (framable), COOP/COEP, nosniff, Referrer-Policy', async ({ request }) => {
  reliability('security: headers', 'preview and dev: /, /bridge.html, /sw.js, a script chunk carry CSP (no unsafe-eval; wasm-unsafe-eval) + COOP/COEP + nosniff + Referrer-Policy; bridge frame-ancestors *; fixtures keep CORP cross-origin');
  const get = async (url: string): Promise<Headers> => {
    const r: APIResponse = await request.get(url);
    expect(r.status(), url).toBe(200);
    return r.headers();
  };
  const html = await (await request.get('/')).text();
  const chunk = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
  expect(chunk).toBeTruthy();
  for (const path of ['/', '/index.html', '/sw.js', chunk!, '/manifest.webmanifest']) {
    const h = await get(path);
    expectCommon(h, path);
    expectCsp(h, "'self'", path);
  }
  const bridge = await get('/bridge.html');
  expectCommon(bridge, 'bridge');
  expectCsp(bridge, '*', 'bridge');
  expect(directives(bridge['content-security-policy'])['form-action']).toEqual(["'none'"]);
  const fixture = await get('/fixtures/tiny.gguf.sha256.json');
  expectCommon(fixture, 'fixture');
  expect(fixture['cross-origin-resource-policy']).toBe('cross-origin');
  expect(fixture['content-security-policy']).toBeUndefined();

  for (const [path, ancestors] of [['/', "'self'"], ['/bridge.html', '*']] as const) {
    const h = await get(`${DEV}${path}`);
    expectCommon(h, `dev ${path}`);
    expectCsp(h, ancestors, `dev ${path}`);
  }
});

test('the service worker attaches the security headers where the host sent none (precached page served bare, /v1 answers)', async ({ page }) => {
  reliability('security: headers', 'index.html and bridge.html replaced in the precache by copies without headers → served by the SW with CSP + COOP/COEP + nosniff; the page is cross-origin isolated; /v1 answers carry them too');
  await openDesktop(page, { firstRun: false });
  // Strip every header from the precached pages, as a static host that sends none would leave them.
  const stripped = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        if (!/\/(index|bridge)\.html/.test(req.url)) continue;
        const body = await (await cache.match(req))!.text();
        await cache.put(req, new Response(body, { headers: { 'Content-Type': 'text/html' } }));
        out.push(new URL(req.url).pathname);
      }
    }
    return out.sort();
  });
  expect(stripped).toEqual(['/bridge.html', '/index.html']);
  const stored = await page.evaluate(async () => {
    const key = (await Promise.all((await caches.keys()).map(async (n) => (await (await caches.open(n)).keys()).find((r) => r.url.includes('/index.html')))))
      .find(Boolean)!;
    return (await caches.match(key))!.headers.get('Content-Security-Policy');
  });
  expect(stored).toBeNull();

  const nav = await page.goto('/');
  expect(nav!.fromServiceWorker()).toBe(true);
  const h = await nav!.allHeaders();
  expectCommon(h, 'SW /');
  expectCsp(h, "'self'", 'SW /');
  await expect(page.locator('llmos-desktop')).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  const fromSw = await page.evaluate(async () => {
    const pick = (r: Response) => Object.fromEntries(['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'x-content-type-options', 'referrer-policy']
      .map((k) => [k, r.headers.get(k) ?? '']));
    return { bridge: pick(await fetch('/bridge.html')), v1: pick(await fetch('/v1/nothing-here')) };
  });
  expectCommon(fromSw.bridge, 'SW bridge');
  expectCsp(fromSw.bridge, '*', 'SW bridge');
  expectCommon(fromSw.v1, 'SW /v1');
  expectCsp(fromSw.v1, "'self'", 'SW /v1');
});
