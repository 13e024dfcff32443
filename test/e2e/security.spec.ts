/**
 * Security on the built app: the Content-Security-Policy (no 'unsafe-eval', no inline script) with the
 * app loading a model and chatting under it, an injected inline script and eval blocked; model output
 * carrying script/HTML/link payloads — streamed by the real model through the desktop's chat — inert
 * (no dialog, no navigation, no flag set, and not even a CSP violation: the sanitiser removed it all
 * first); and the cross-origin bridge: a page of another site is refused by default, an allow-listed
 * origin (`bridge-allow.json`, the operator's file) gets the kernel as the app id of its grant, an
 * origin not on the list is refused.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { XSS_PAYLOADS, literalGrammar } from '../security/payloads';
import { downloadFixture, launch, openDesktop } from './desktop-helpers';
import { reliability } from './fault-helpers';

/** Record CSP violations from the first script on (document-level, capture: shadow DOM included). */
async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: { directive: string; blocked: string }[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push({ directive: e.effectiveDirective, blocked: e.blockedURI }), true);
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: { directive: string; blocked: string }[] }).__csp);

/** CSP reports from every worker the page starts (a worker's policy comes from its own script's headers). */
function watchWorkerCsp(page: Page): string[] {
  const seen: string[] = [];
  page.on('worker', (w: Worker) => {
    w.on('console', (m) => { if (/Content Security Policy|CSP violation/i.test(m.text())) seen.push(`${w.url()}: ${m.text()}`); });
    void w.evaluate(() => self.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI}`))).catch(() => undefined);
  });
  return seen;
}

test('Content-Security-Policy: no unsafe-eval or inline script; the app loads a model and chats under it in the page and its engine workers; injected script and eval are blocked', async ({ page }) => {
  reliability('security', 'CSP meta without unsafe-eval/unsafe-inline scripts; model loads and chats with 0 violations in page and workers; inline <script>, eval, new Function, inline handlers blocked (securitypolicyviolation); engine worker (CSP from its header): crossOriginIsolated, WebAssembly.compile ok, eval/new Function → EvalError');
  test.setTimeout(120_000);
  await watchCsp(page);
  const workerViolations = watchWorkerCsp(page);
  const html = await (await page.request.get('/')).text();
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
  expect(scriptSrc).toBe("'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");

  await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  const chat = page.locator('llmos-chat-app llmos-chat');
  await chat.evaluate((el) => { (el as HTMLElement & { maxTokens: number }).maxTokens = 16; });
  await chat.getByRole('textbox', { name: 'Message' }).fill('Hello under a strict policy');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]')).toHaveText(/^Reached the token limit · 16 tokens/, { timeout: 60_000 });
  expect(await violations(page)).toEqual([]);
  expect(workerViolations).toEqual([]);

  // The engine workers run under the header policy: wasm compiles, JavaScript eval does not.
  const engines = page.workers().filter((w) => /engine\.worker/.test(w.url()));
  expect(engines.length).toBeGreaterThan(0);
  for (const w of engines) {
    const inWorker = await w.evaluate(async () => {
      // From a task of the worker itself (a timer): DevTools evaluation is not subject to CSP.
      const tryIt = (f: () => unknown) => { try { f(); return 'ran'; } catch (e) { return (e as Error).name; } };
      const [evalResult, fnResult] = await new Promise<string[]>((resolve) => setTimeout(() => resolve([
        tryIt(() => (0, eval)('1 + 1')), tryIt(() => new Function('return 1')()),
      ]), 0));
      const wasm = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'ok', (e: Error) => e.name); // magic + version
      return { isolated: crossOriginIsolated, evalResult, fnResult, wasm };
    });
    expect(inWorker).toEqual({ isolated: true, evalResult: 'EvalError', fnResult: 'EvalError', wasm: 'ok' });
  }

  const blocked = await page.evaluate(async () => {
    const w = window as unknown as { __inline?: number; __handler?: number };
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
    const b = document.createElement('button');
    b.setAttribute('onclick', 'window.__handler = 1');
    document.body.append(b);
    b.click();
    b.remove();
    const tryIt = (f: () => unknown) => { try { f(); return 'ran'; } catch (e) { return (e as Error).name; } };
    // Run from a page task (a timer), not inside the DevTools evaluation, which CSP does not restrict.
    const [evalResult, fnResult] = await new Promise<string[]>((resolve) => setTimeout(() => resolve([
      tryIt(() => (0, eval)('1 + 1')), tryIt(() => new Function('return 1')()),
    ]), 0));
    await new Promise((r) => setTimeout(r, 100));
    return { inline: w.__inline ?? null, handler: w.__handler ?? null, evalResult, fnResult };
  });
  expect(blocked).toEqual({ inline: null, handler: null, evalResult: 'EvalError', fnResult: 'EvalError' });
  const directives = (await violations(page)).map((v) => v.directive);
  expect(directives).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr', 'script-src']));
});

test('model output with script, HTML and link payloads, streamed by the real model in the desktop chat, renders inert', async ({ page }) => {
  reliability('security: model output', 'no dialog, no navigation or popup, payload flag unset, no CSP violation (sanitised before CSP had to act), no active element in the reply');
  test.setTimeout(180_000);
  await watchCsp(page);
  const dialogs: string[] = [];
  const navigations: string[] = [];
  const popups: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('popup', (p) => popups.push(p.url()));
  await openDesktop(page, { firstRun: false });
  await downloadFixture(page, 'tiny');
  await launch(page, 'Chat');
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  const text = XSS_PAYLOADS.slice(0, 12).join('\n\n');
  const chat = page.locator('llmos-chat-app llmos-chat');
  await chat.evaluate((el, grammar) => {
    const c = el as HTMLElement & { params: Record<string, unknown>; maxTokens: number };
    c.params = { ...c.params, grammar, ignoreEos: false };
    c.maxTokens = 2000;
  }, literalGrammar(text));
  await chat.getByRole('textbox', { name: 'Message' }).fill('Please repeat the payloads');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('[part="meta"]')).toHaveText(/^Finished/, { timeout: 150_000 });
  const reply = chat.locator('.message.assistant [part="content"]').last();
  await expect(reply).toContainText('onerror');
  await page.waitForTimeout(300);
  const dom = await reply.evaluate((el) => ({
    active: el.querySelectorAll('script, iframe, object, embed, svg, math, img, form, input, button, meta, base, style, link, video, details, template').length,
    handlers: [...el.querySelectorAll('*')].flatMap((n) => [...n.attributes].filter((a) => /^on|^style$|^srcdoc$/i.test(a.name)).map((a) => a.name)),
    hrefs: [...el.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
  }));
  expect(dom.active).toBe(0);
  expect(dom.handlers).toEqual([]);
  for (const h of dom.hrefs) expect(h).toMatch(/^(https?:|mailto:|#|\/|\.{0,2}\/|[^:]*$)/i);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();
  expect(dialogs).toEqual([]);
  expect(navigations).toEqual([]);
  expect(popups).toEqual([]);
  expect(await violations(page)).toEqual([]);
});

/**
 * Open a page of `origin` to embed from (any document of the server will do: a digest manifest of the
 * fixture server, served with COOP/COEP). It must come from the real server: Chromium's local-network
 * checks block a page it cannot place (a routed response) from framing a loopback address.
 */
async function embedder(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/fixtures/tiny.gguf.sha256.json`);
}

/** Frame the app's bridge, say hello as a page of this origin, and — if welcomed — run `calls` over the port. */
function hello(page: Page, appOrigin: string, calls: { method: string; params?: unknown }[] = []) {
  return page.evaluate(async ({ appOrigin, calls }) => {
    const f = document.createElement('iframe');
    f.allow = 'cross-origin-isolated';
    f.src = `${appOrigin}/bridge.html`;
    document.body.append(f);
    const nonce = crypto.randomUUID();
    const answer = await new Promise<{ type: string; appId?: string; error?: { code: string; name: string }; port?: MessagePort } | null>((resolve) => {
      const onMessage = (ev: MessageEvent) => {
        if (ev.source !== f.contentWindow || ev.origin !== appOrigin) return;
        removeEventListener('message', onMessage);
        clearInterval(t);
        resolve({ ...ev.data, port: ev.ports[0] });
      };
      addEventListener('message', onMessage);
      const t = setInterval(() => f.contentWindow?.postMessage({ type: 'llmos-bridge-hello', version: 1, nonce }, appOrigin), 200);
      setTimeout(() => { clearInterval(t); resolve(null); }, 20_000);
    });
    if (!answer) return { type: 'silence', results: [] };
    const results: unknown[] = [];
    if (answer.port) {
      const port = answer.port;
      let id = 0;
      for (const c of calls) {
        results.push(await new Promise((resolve) => {
          const my = ++id;
          port.onmessage = (ev) => { if (ev.data.id === my && !('chunk' in ev.data)) resolve(ev.data.error ? { error: ev.data.error.code } : ev.data.result); };
          port.postMessage({ id: my, method: c.method, params: c.params });
        }));
      }
      port.close();
    }
    return { type: answer.type, appId: answer.appId ?? null, code: answer.error?.code ?? null, ports: answer.port ? 1 : 0, results };
  }, { appOrigin, calls });
}

test('cross-origin bridge on the built app: refused by default, allow-listed origins only, as their grant\'s app id', async ({ page, baseURL }) => {
  reliability('security: cross-origin', 'other site → PERMISSION_DENIED, no port; allow-listed same-site origin → port, app id of the grant, a real completion; unlisted origin → refused');
  test.setTimeout(120_000);
  const port = new URL(baseURL!).port;
  const app = `http://127.0.0.1:${port}`;
  // 1. A page of another site (localhost vs 127.0.0.1); the app has no allow-list file.
  await embedder(page, `http://localhost:${port}`);
  expect(await hello(page, app)).toEqual({ type: 'llmos-bridge-refused', appId: null, code: 'PERMISSION_DENIED', ports: 0, results: [] });

  // 2. The operator allows one origin. Same site, other origin (subdomains of one *.localhost site):
  // this browser gives such a frame its storage and Web Locks, which engine workers need.
  const appHost = `http://llmos.app.localhost:${port}`;
  const allowed = `http://site.app.localhost:${port}`;
  await page.context().route(`${appHost}/bridge-allow.json`, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify([{ origin: allowed, appId: 'site.example' }]) }));
  await embedder(page, allowed);
  const BAN = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));
  const ok = await hello(page, appHost, [
    { method: 'models.list' },
    { method: 'chat.completions.create', params: { model: '/fixtures/tiny.gguf', messages: [{ role: 'user', content: 'hi from another origin' }], max_tokens: 3, temperature: 0, logit_bias: BAN } },
    { method: 'conversations.list' },
    { method: 'graph.export', params: { ns: 'app:chat' } },
  ]);
  expect(ok).toMatchObject({ type: 'llmos-bridge-welcome', appId: 'site.example', ports: 1 });
  const [models, completion, conversations, otherGraph] = ok.results as [unknown[], { usage: { completion_tokens: number } }, unknown[], { error: string }];
  expect(models).toEqual([]);
  expect(completion.usage.completion_tokens).toBe(3);
  expect(conversations).toEqual([]);
  expect(otherGraph).toEqual({ error: 'PERMISSION_DENIED' });

  // 3. Another origin of the same site, not on the list.
  await embedder(page, `http://other.app.localhost:${port}`);
  expect(await hello(page, appHost)).toMatchObject({ type: 'llmos-bridge-refused', code: 'PERMISSION_DENIED', ports: 0 });
});
