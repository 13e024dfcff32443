/**
 * The cross-tab kernel on the built app: desktop tabs of one browser context share one kernel (a
 * `TabKernel` each, `llmos.services.kernel`), hosted by the first tab (Web Locks election) with real
 * wllama engine workers, reached by the others over BroadcastChannels. Real pages close, crash and
 * reload here (the in-page tests, src/kernel/cross-tab/tab-kernel.test.ts, stand tabs in for one page).
 *
 * Jobs are greedy on `tiny-chars.gguf` (see cross-tab-helpers.ts), so a job resumed on another kernel
 * must give exactly the text of an uninterrupted run, and each token event exactly once.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  MODEL, eventsOf, hostOf, onToken, openTab, psOf, range, registerChars, runJob, startJob, waitAttached, waitJob, type JobView,
} from './cross-tab-helpers';

/**
 * Tokens of the jobs that a failover interrupts at their 20th token: enough that the close, crash or
 * reload lands mid-generation even at full speed (≈ 1,500 tokens/s on an idle 2-core machine, ≈ 100 just
 * after a load); each such test checks that the job was indeed resumed on the next host.
 */
const LONG = 400;

/** The `job-resumed` events a tab saw for a job. */
async function resumedOf(page: Page, jobId: string): Promise<{ mode: string; tokens: number }[]> {
  return (await eventsOf<{ jobId: string; mode: string; tokens: number }>(page, 'job-resumed')).filter((e) => e.jobId === jobId);
}

/** A job that ended with the text, token count and indexes of the uninterrupted reference run. */
function expectExact(job: JobView, reference: JobView): void {
  expect(job.error).toBeNull();
  expect(job.result?.stopReason).toBe('length');
  expect(job.text).toBe(reference.text);
  expect(job.result?.text).toBe(reference.text);
  expect(job.indexes).toEqual(range(reference.indexes.length));
}

test('three tabs chat at once on one kernel: the model is loaded once for all, and each tab gets the reference greedy text', async ({ context }) => {
  const errors: string[] = [];
  const tabs = [await openTab(context, errors), await openTab(context, errors), await openTab(context, errors)];
  const hosts = await Promise.all(tabs.map(hostOf));
  expect(hosts.map((h) => h.local)).toEqual([true, false, false]);
  expect(hosts.map((h) => h.leader)).toEqual(hosts.map(() => hosts[0]!.tabId));
  for (const t of tabs) await registerChars(t);

  // All three at once (the model is not resident yet: each job waits for the one load).
  const pids = await Promise.all(tabs.map((t, i) => startJob(t, `chat-${i}`, { maxTokens: 48 })));
  const jobs = await Promise.all(tabs.map((t, i) => waitJob(t, `chat-${i}`)));
  // The reference: the same request alone, afterwards, on the host tab.
  const reference = await runJob(tabs[0]!, 'reference', { maxTokens: 48 });
  expect(reference.indexes).toHaveLength(48);
  for (const j of jobs) expectExact(j, reference);

  // Every tab saw exactly one load of the model, and the host holds one copy.
  for (const t of tabs) {
    await expect.poll(() => eventsOf<{ pid: number }>(t, 'job-finished').then((es) => pids.every((pid) => es.some((e) => e.pid === pid)))).toBe(true);
    expect((await eventsOf<{ model: string }>(t, 'model-loading')).filter((e) => e.model === MODEL)).toHaveLength(1);
  }
  expect(await tabs[0]!.evaluate(() => (globalThis as unknown as { llmos: { services: { kernel: { models(): { id: string }[] } } } })
    .llmos.services.kernel.models().map((m) => m.id))).toEqual([MODEL]);
  // The host's process table knows which tab owns each job's process.
  const ps = await psOf(tabs[0]!);
  expect(pids.map((pid) => ps.find((p) => p.pid === pid)?.tab)).toEqual(hosts.map((h) => h.tabId));
  expect(errors).toEqual([]);
});

for (const how of ['close', 'crash'] as const) {
  test(`the host tab ${how === 'close' ? 'closes' : 'crashes'} mid-generation: the next tab hosts, every surviving job ends with the exact greedy text, each token once`, async ({ context }) => {
    const errors: string[] = [];
    const [a, b, c] = [await openTab(context), await openTab(context, errors), await openTab(context, errors)];
    const [ha, hb, hc] = await Promise.all([a, b, c].map(hostOf));
    expect(ha!.local).toBe(true);
    for (const t of [a, b, c]) await registerChars(t!);
    // Uninterrupted reference on the host (this also loads the model there).
    const reference = await runJob(a!, 'reference', { maxTokens: LONG });
    expect(reference.indexes).toHaveLength(LONG);

    // At b's 20th token the host tab goes: closed without running any of its code, or its renderer killed.
    const session = how === 'crash' ? await context.newCDPSession(a!) : null;
    const gone = await onToken(b!, async () => {
      if (session) void session.send('Page.crash').catch(() => undefined);
      else await a!.close({ runBeforeUnload: false });
    });
    await startJob(b!, 'b', { maxTokens: LONG, signalAt: 20 });
    await startJob(c!, 'c', { maxTokens: LONG });
    await gone.fired;
    const [jb, jc] = [await waitJob(b!, 'b'), await waitJob(c!, 'c')];
    expectExact(jb, reference);
    expectExact(jc, reference);

    // b was next in line: it hosts now, c follows it; both jobs resumed there from what was delivered, by one prefill.
    const [nb, nc] = [await hostOf(b!), await waitAttached(c!)];
    expect(nb.local).toBe(true);
    expect(nb.leader).toBe(hb!.tabId);
    expect(nc).toMatchObject({ local: false, leader: hb!.tabId });
    expect(nb.tabs).toEqual([hb!.tabId, hc!.tabId]);
    // The text alone cannot tell a resume from a restart (a restarted greedy job repeats its delivered
    // tokens, which the tab drops): the new host must have resumed the job from what b had.
    const rb = await resumedOf(b!, jb.result!.jobId);
    expect(rb).toHaveLength(1);
    expect(rb[0]!.mode).toBe('prefill');
    expect(rb[0]!.tokens).toBeGreaterThanOrEqual(20);
    expect(rb[0]!.tokens).toBeLessThan(LONG);
    const rc = await resumedOf(b!, jc.result!.jobId);
    expect(rc.length === 0 || rc[0]!.mode === 'prefill').toBe(true);
    // The model was loaded twice in all: once on the first host, once on the new one (every survivor saw both).
    for (const t of [b!, c!]) expect((await eventsOf<{ model: string }>(t, 'model-loading')).filter((e) => e.model === MODEL)).toHaveLength(2);
    expect(errors).toEqual([]);
  });
}

test('a tab kills another tab’s process: its job ends with stop reason abort, and the owner sees its process exited', async ({ context }) => {
  const errors: string[] = [];
  const [host, a, b] = [await openTab(context, errors), await openTab(context, errors), await openTab(context, errors)];
  for (const t of [host, a, b]) await registerChars(t!);
  await runJob(host!, 'warm', { maxTokens: 4 });

  /** From `killer`, once its process table shows `pid`: kill it. */
  const killFrom = (killer: Page, pid: number) => killer.evaluate(async (pid) => {
    const k = (globalThis as unknown as { llmos: { services: { kernel: { ps(): { pid: number }[]; kill(pid: number): void } } } }).llmos.services.kernel;
    while (!k.ps().some((p) => p.pid === pid)) await new Promise((r) => setTimeout(r, 10));
    k.kill(pid);
  }, pid);

  // A follower's process, killed by another follower; then the host tab's own process, killed by a follower.
  for (const [owner, killer] of [[a!, b!], [host!, b!]] as const) {
    let pid = 0;
    const fired = await onToken(owner, () => killFrom(killer, pid));
    pid = await startJob(owner, 'victim', { maxTokens: 900, signalAt: 5 });
    await fired.fired;
    const job = await waitJob(owner, 'victim');
    expect(job.error).toBeNull();
    expect(job.result!.stopReason).toBe('abort');
    expect(job.indexes.length).toBeGreaterThanOrEqual(5);
    expect(job.indexes.length).toBeLessThan(900);
    expect(job.indexes).toEqual(range(job.indexes.length));
    await expect.poll(async () => (await psOf(owner)).find((p) => p.pid === pid)?.state).toBe('exited');
    expect((await eventsOf<{ pid: number }>(owner, 'process-exited')).some((e) => e.pid === pid)).toBe(true);
    // The process is gone for its owner too: a new job on it is refused.
    const refused = await owner.evaluate((pid) => {
      const k = (globalThis as unknown as { llmos: { services: { kernel: { submit(r: object): unknown } } } }).llmos.services.kernel;
      try { k.submit({ pid, model: 'chars', prompt: 'x', params: { maxTokens: 1 } }); return null; } catch (e) { return (e as { code: string }).code; }
    }, pid);
    expect(refused).toBe('PROCESS_UNKNOWN');
  }
  expect(errors).toEqual([]);
});

test('the host tab reloads mid-generation: the other tabs’ jobs still end exactly; the reloaded tab comes back as a follower and runs a job', async ({ context }) => {
  const errors: string[] = [];
  const [a, b, c] = [await openTab(context), await openTab(context, errors), await openTab(context, errors)];
  const [ha, hb, hc] = await Promise.all([a!, b!, c!].map(hostOf));
  expect(ha!.local).toBe(true);
  for (const t of [a!, b!, c!]) await registerChars(t);
  const reference = await runJob(a!, 'reference', { maxTokens: LONG });

  // b (next in line: it will host) and c (it will follow b) both have a job running when a reloads.
  let reloaded: Promise<unknown> = Promise.resolve();
  const fired = await onToken(b!, () => { reloaded = a!.reload(); });
  await startJob(b!, 'b', { maxTokens: LONG, signalAt: 20 });
  await startJob(c!, 'c', { maxTokens: LONG });
  await fired.fired;
  const [jb, jc] = [await waitJob(b!, 'b'), await waitJob(c!, 'c')];
  expectExact(jb, reference);
  expectExact(jc, reference);
  const resumed = await resumedOf(b!, jb.result!.jobId);
  expect(resumed).toHaveLength(1);
  expect(resumed[0]!.tokens).toBeGreaterThanOrEqual(20);
  expect((await hostOf(b!)).local).toBe(true);

  // The reloaded page is a new tab of the origin: it queued behind b and c for the lock, and follows b.
  await reloaded;
  const again = await waitAttached(a!);
  expect(again.tabId).not.toBe(ha!.tabId);
  expect(again).toMatchObject({ local: false, leader: hb!.tabId });
  await registerChars(a!);
  expectExact(await runJob(a!, 'after', { maxTokens: LONG }), reference);
  expect((await hostOf(b!)).tabs).toEqual([hb!.tabId, hc!.tabId, again.tabId]);
  expect(errors).toEqual([]);
});

test('ten tabs opened at once elect exactly one host, and all of them agree on it', async ({ context }) => {
  test.setTimeout(180_000);
  const pages = await Promise.all(range(10).map(() => context.newPage()));
  await Promise.all(pages.map((p) => p.addInitScript(() => localStorage.setItem('llmos-desktop:settings', JSON.stringify({ firstRunDone: true })))));
  await Promise.all(pages.map((p) => p.goto('/')));
  const hosts = await Promise.all(pages.map((p) => waitAttached(p, 90_000)));
  const ids = hosts.map((h) => h.tabId);
  expect(new Set(ids).size).toBe(10);
  expect(hosts.filter((h) => h.local)).toHaveLength(1);
  const leader = hosts.find((h) => h.local)!.tabId;
  expect(hosts.map((h) => h.leader)).toEqual(ids.map(() => leader));
  // The host lists every tab, itself first; a while later every tab reads the same list.
  const order = (await hostOf(pages[ids.indexOf(leader)]!)).tabs;
  expect(order[0]).toBe(leader);
  expect([...order].sort()).toEqual([...ids].sort());
  for (const p of pages) await expect.poll(() => hostOf(p).then((h) => h.tabs)).toEqual(order);
});

test('/v1 from any tab reaches the host tab’s kernel: a follower serves the endpoint, another follower calls it', async ({ context }) => {
  const errors: string[] = [];
  const host = await openTab(context, errors);
  // The desktop registers the app's service worker; wait until it controls the first tab.
  await host.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  const server = await openTab(context, errors);
  const caller = await openTab(context, errors);
  const [hh, hs, hc] = await Promise.all([host, server, caller].map(hostOf));
  expect([hh!.local, hs!.local, hc!.local]).toEqual([true, false, false]);
  await registerChars(server);
  // The follower `server` answers the service worker's relayed requests with its page kernel (the shared one).
  const pid = await server.evaluate(async () => {
    const lib = await import('/dist-lib/llmos-elements.js' as string);
    const w = globalThis as unknown as { llmos: { services: { kernel: unknown } } };
    return (lib.serveKernelToServiceWorker(w.llmos.services.kernel) as { pid: number }).pid;
  });
  const bias = Object.fromEntries([0, 1, 2, 259, ...range(256).map((i) => i + 3)].map((id) => [String(id), -100]));
  const body = { model: MODEL, messages: [{ role: 'user', content: 'Hello from another tab' }], max_tokens: 8, temperature: 0, logit_bias: bias };
  const ask = (p: Page) => p.evaluate(async (body) => {
    const r = await fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json();
    return { status: r.status, controlled: !!navigator.serviceWorker.controller, tokens: json.usage?.completion_tokens, content: json.choices?.[0]?.message?.content };
  }, body);
  const fromCaller = await ask(caller);
  expect(fromCaller).toMatchObject({ status: 200, controlled: true });
  expect(fromCaller.tokens).toBeGreaterThan(0);
  expect(fromCaller.tokens).toBeLessThanOrEqual(8);
  const fromServer = await ask(server);
  // The same greedy request, the same answer, whichever tab asked.
  expect(fromServer).toEqual(fromCaller);

  // Both jobs ran on the host tab's kernel, in the endpoint's process (owned by the serving tab).
  const finished = await eventsOf<{ pid: number; ok: boolean; tokens: number; jobId: string }>(host, 'job-finished');
  expect(finished.filter((e) => e.pid === pid).map((e) => [e.ok, e.tokens > 0])).toEqual([[true, true], [true, true]]);
  const row = (await psOf(host)).find((p) => p.pid === pid);
  expect(row).toMatchObject({ tab: hs!.tabId, appId: 'llmos.v1' });
  expect((await eventsOf<{ model: string }>(host, 'model-loading')).filter((e) => e.model === MODEL)).toHaveLength(1);
  // Nothing ran in the followers: they have no engine workers.
  expect(await server.evaluate(() => (globalThis as unknown as { llmos: { services: { engines: Map<number, unknown> } } }).llmos.services.engines.size)).toBe(0);
  expect(errors).toEqual([]);
});

test('the elements library: two pages embedding the elements share one kernel and one copy of the model; connect({ kernel: "private" }) keeps a page to itself', async ({ context }) => {
  test.setTimeout(180_000);
  const LIB = '/dist-lib/llmos-elements.js';
  const TINY = '/fixtures/tiny.gguf';
  const pages = [await context.newPage(), await context.newPage()];
  for (const p of pages) await p.goto('/examples/embed.html');
  // Each page's <llmos-prompt> answers on load: one on the host's kernel, one through it.
  for (const p of pages) await expect(p.locator('llmos-prompt [part="status"]')).toHaveText(/Reached the token limit · 24 tokens/, { timeout: 120_000 });
  const views = await Promise.all(pages.map((p) => p.evaluate(async ({ lib, tiny }) => {
    const k = (await import(lib)).getSharedKernel();
    return {
      local: k.host.local, tabId: k.host.tabId, leader: k.host.leader?.tabId ?? null,
      loads: k.events.history().filter((e: { type: string; detail: { model?: string } }) => e.type === 'model-loading' && e.detail.model === tiny).length,
      prompts: k.ps().filter((p: { appId: string }) => p.appId === 'example.prompt').map((p: { tab: string; metrics: { jobsFinished: number } }) => [p.tab, p.metrics.jobsFinished] as [string, number]),
    };
  }, { lib: LIB, tiny: TINY })));
  expect(views.filter((v) => v.local)).toHaveLength(1);
  const host = views.find((v) => v.local)!;
  expect(views.map((v) => v.leader)).toEqual([host.tabId, host.tabId]);
  expect(host.loads).toBe(1);
  // Both pages' prompt processes are on the one kernel, each owned by its page, each with its answer.
  expect(host.prompts).toHaveLength(2);
  expect(new Set(host.prompts.map(([tab]: [string, number]) => tab))).toEqual(new Set(views.map((v) => v.tabId)));
  expect(host.prompts.every(([, done]: [string, number]) => done === 1)).toBe(true);

  // A private client in the follower: its own kernel loads its own copy; the shared one loads nothing more.
  const follower = pages[views.indexOf(views.find((v) => !v.local)!)]!;
  const priv = await follower.evaluate(async ({ lib, tiny }) => {
    const m = await import(lib);
    const client = m.connect({ appId: 'e2e.private', kernel: 'private' });
    const bias = Object.fromEntries(Array.from({ length: 256 }, (_v, i) => [String(i + 3), -100]));
    const r = await client.chat.completions.create({ model: tiny, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, temperature: 0, logit_bias: bias });
    const own = m.getPrivateKernel();
    return {
      tokens: r.usage.completion_tokens, sameKernel: own === m.getSharedKernel(), ownHost: own.host.mode,
      ownLoads: own.events.history().filter((e: { type: string }) => e.type === 'model-loading').length,
    };
  }, { lib: LIB, tiny: TINY });
  expect(priv).toMatchObject({ sameKernel: false, ownHost: 'private', ownLoads: 1 });
  expect(priv.tokens).toBeGreaterThan(0);
  const hostPage = pages[views.indexOf(host)]!;
  expect(await hostPage.evaluate(async ({ lib, tiny }) => (await import(lib)).getSharedKernel().events.history()
    .filter((e: { type: string; detail: { model?: string } }) => e.type === 'model-loading' && e.detail.model === tiny).length, { lib: LIB, tiny: TINY })).toBe(1);
});
