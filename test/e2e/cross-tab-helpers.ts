/**
 * Helpers of the cross-tab spec (test/e2e/cross-tab.spec.ts): desktop tabs of one browser context (so
 * they share Web Locks and BroadcastChannels, as the tabs of one browser profile do), each with its
 * page kernel (`llmos.services.kernel`, a `TabKernel`), and greedy jobs driven in a page and read back.
 *
 * The jobs run on `tiny-chars.gguf` (a one-character vocabulary) with the bias of
 * test/helpers/engines.ts `canonical()` (greedy, `ignoreEos`, byte tokens and specials banned): its output
 * tokenises back to the ids it was generated as, so a job resumed on another tab's kernel goes on exactly.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';

export const MODEL = 'chars';
export const MODEL_URL = '/fixtures/tiny-chars.gguf';
export const PROMPT = 'the kernel of the model';

/** Where a tab's kernel runs (`kernel.host`, reduced to tab ids). */
export interface HostView { tabId: string; local: boolean; leader: string | null; tabs: string[]; mode: string }

/** A job of a tab as its page read it: every token event's index and text, then the result or the error. */
export interface JobView {
  pid: number;
  jobId: string;
  text: string;
  indexes: number[];
  done: boolean;
  result: { text: string; stopReason: string; jobId: string } | null;
  error: { name: string; code?: string; message: string } | null;
}

/** Open the desktop in a new tab of `context` (first-run report marked as seen) and wait until its kernel has a host. */
export async function openTab(context: BrowserContext, errors?: string[]): Promise<Page> {
  const page = await context.newPage();
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    if (!localStorage.getItem('llmos-desktop:settings')) localStorage.setItem('llmos-desktop:settings', JSON.stringify({ firstRunDone: true }));
  });
  await page.goto('/');
  await waitAttached(page);
  return page;
}

/** Wait until the tab's kernel is hosted here, or attached to the host tab (the host lists it). */
export async function waitAttached(page: Page, timeout = 30_000): Promise<HostView> {
  await expect.poll(async () => {
    const h = await hostOf(page).catch(() => null);
    return !!h && h.mode === 'shared' && h.leader !== null && (h.local || h.tabs.includes(h.tabId));
  }, { timeout }).toBe(true);
  return hostOf(page);
}

/** `kernel.host` of a tab. */
export function hostOf(page: Page): Promise<HostView> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { llmos?: { services: { kernel: { host: {
      mode: string; tabId: string | null; local: boolean; leader: { tabId: string } | null; tabs: { tabId: string }[];
    } } } } };
    const h = w.llmos!.services.kernel.host;
    return { tabId: h.tabId ?? '', local: h.local, leader: h.leader?.tabId ?? null, tabs: h.tabs.map((t) => t.tabId), mode: h.mode };
  });
}

/**
 * Register the chars fixture on the tab's kernel as the tests of other specs register fixtures: a URL
 * source, its size as the weight cost, 1,024 tokens of context a sequence.
 */
export async function registerChars(page: Page): Promise<void> {
  await page.evaluate(async ({ id, url }) => {
    const k = (globalThis as unknown as { llmos: { services: { kernel: { registerModel(r: object): unknown } } } }).llmos.services.kernel;
    const size = Number((await fetch(url, { method: 'HEAD' })).headers.get('Content-Length'));
    k.registerModel({ id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: size, nCtx: 1024 });
  }, { id: MODEL, url: MODEL_URL });
}

/** Options of `startJob`. */
export interface JobOptions {
  maxTokens: number;
  prompt?: string;
  /** A process of this tab to submit on (default: a new one, named after the job). */
  pid?: number;
  /** Call the page binding `__ctAt` (see `onToken`) with the job's name when this many tokens have arrived. */
  signalAt?: number;
}

/**
 * Submit a canonical greedy job on the tab's kernel, named `name` in the page; the page reads its
 * stream into a `JobView` (`jobOf`, `waitJob`). Returns the job's process id.
 */
export function startJob(page: Page, name: string, opts: JobOptions): Promise<number> {
  return page.evaluate(({ name, model, prompt, opts }) => {
    type Handle = { id: string; tokens: AsyncIterable<{ text: string; index: number }>; result: Promise<{ text: string; stopReason: string; jobId: string }> };
    type K = { spawn(a: object, o: object): number; submit(r: object): Handle };
    const w = globalThis as unknown as { llmos: { services: { kernel: K } }; __ct?: Record<string, unknown>; __ctAt?: (name: string) => void };
    const k = w.llmos.services.kernel;
    const jobs = (w.__ct ??= {});
    const logitBias: Record<number, number> = { 0: -100, 1: -100, 2: -100, 259: -100 };
    for (let id = 3; id < 259; id++) logitBias[id] = -100;
    const pid = opts.pid ?? k.spawn({ name, appId: 'test.cross-tab' }, { priority: 'normal' });
    const view = { pid, jobId: '', text: '', indexes: [] as number[], done: false, result: null as unknown, error: null as unknown };
    jobs[name] = view;
    const h = k.submit({ pid, model, prompt: opts.prompt ?? prompt, params: { maxTokens: opts.maxTokens, temperature: 0, ignoreEos: true, logitBias } });
    view.jobId = h.id;
    void (async () => {
      try {
        for await (const t of h.tokens) {
          view.text += t.text;
          view.indexes.push(t.index);
          if (view.indexes.length === opts.signalAt) void w.__ctAt?.(name);
        }
        const r = await h.result;
        view.result = { text: r.text, stopReason: r.stopReason, jobId: r.jobId };
      } catch (e) {
        const err = e as { name?: string; code?: string; message?: string };
        view.error = { name: String(err.name), code: err.code, message: String(err.message) };
      } finally {
        view.jobId = h.id;
        view.done = true;
      }
    })();
    return pid;
  }, { name, model: MODEL, prompt: PROMPT, opts });
}

/** The job `name` of a tab as its page has read it so far. */
export function jobOf(page: Page, name: string): Promise<JobView> {
  return page.evaluate((name) => {
    const v = (globalThis as unknown as { __ct: Record<string, JobView> }).__ct[name]!;
    return { ...v, indexes: [...v.indexes] };
  }, name);
}

/** Wait until the job `name` has ended (result or error) and return it. */
export async function waitJob(page: Page, name: string, timeout = 60_000): Promise<JobView> {
  await expect.poll(() => jobOf(page, name).then((v) => v.done), { timeout }).toBe(true);
  return jobOf(page, name);
}

/** Run a job to its end on a tab and return it. */
export async function runJob(page: Page, name: string, opts: JobOptions): Promise<JobView> {
  await startJob(page, name, opts);
  return waitJob(page, name);
}

/**
 * Run `action` (from the test, outside the page) as soon as the tab's job reaches its `signalAt`-th
 * token: the page calls the binding, and `action` starts before the page's next task.
 */
export async function onToken(page: Page, action: (name: string) => Promise<void> | void): Promise<{ fired: Promise<string> }> {
  let fire!: (name: string) => void;
  const fired = new Promise<string>((r) => { fire = r; });
  await page.exposeFunction('__ctAt', async (name: string) => {
    await action(name);
    fire(name);
  });
  return { fired };
}

/** The kernel events of one type a tab has seen (`kernel.events.history()`), details only. */
export function eventsOf<T = Record<string, unknown>>(page: Page, type: string): Promise<T[]> {
  return page.evaluate((type) => {
    const k = (globalThis as unknown as { llmos: { services: { kernel: { events: { history(): { type: string; detail: unknown }[] } } } } }).llmos.services.kernel;
    return k.events.history().filter((e) => e.type === type).map((e) => e.detail as T);
  }, type);
}

/** The process rows of a tab's `kernel.ps()` (pid, tab, state). */
export function psOf(page: Page): Promise<{ pid: number; tab: string | null; state: string; appId: string }[]> {
  return page.evaluate(() => {
    const k = (globalThis as unknown as { llmos: { services: { kernel: { ps(): { pid: number; tab: string | null; state: string; appId: string }[] } } } }).llmos.services.kernel;
    return k.ps().map((p) => ({ pid: p.pid, tab: p.tab, state: p.state, appId: p.appId }));
  });
}

/** Indexes 0…n−1, each once (what a job's consumer must have seen). */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
