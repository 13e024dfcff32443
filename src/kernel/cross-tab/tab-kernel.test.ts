/**
 * The cross-tab kernel in real Chromium: several `TabKernel`s in one page stand for tabs (each has its
 * own tab id, locks and channels; `shutdown()` is a tab that closes). Real wllama workers, fixture
 * models. Closing real pages (a crash, a reload) is in test/e2e/cross-tab.spec.ts.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ModelTooLargeError, PermissionError, UnknownModelError } from '../../errors';
import { canonical, TINY_CHARS_URL } from '../../../test/helpers/engines';
import { readJob } from '../../../test/helpers/kernel';
import { describeGguf } from '../model-registry';
import { memorySettingsStore } from '../settings-store';
import type { KernelEventRecord } from '../events';
import { TabKernel } from './tab-kernel';
import { openTabs } from '../../../test/helpers/tabs';

let tabs: TabKernel[] = [];
afterEach(() => {
  for (const t of tabs) t.shutdown();
  tabs = [];
});


async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let cost: { weightBytes: number; kvBytes: number } | null = null;
/** Register the chars fixture the way the desktop registers a library model: a source that is a function. */
async function register(t: TabKernel, calls?: { n: number }): Promise<void> {
  cost ??= await describeGguf(await (await fetch(TINY_CHARS_URL)).blob(), 512);
  t.registerModel({
    id: 'chars', engine: 'wllama', weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512,
    source: async () => { if (calls) calls.n++; return { kind: 'gguf-url', id: 'chars', url: TINY_CHARS_URL }; },
  });
}

const LONG = { prompt: 'the kernel of the model', maxTokens: 200 };
function submit(t: TabKernel, pid: number, extra: { prompt?: string; maxTokens?: number } = {}) {
  const { prompt, ...params } = canonical({ ...LONG, ...extra });
  return t.submit({ pid, model: 'chars', prompt: prompt!, params });
}

describe('one kernel for several tabs', () => {
  test('jobs of every tab run on the host tab: one load, the same text, one uninterrupted stream; sources come from the tab that registered', async () => {
    const [a, b, c] = await openTabs(3, tabs, 'test');
    expect(a!.host.local).toBe(true);
    // Every tab heard of each change of the tabs (the host: two attached; c: its first state at least).
    const changes = (t: TabKernel) => t.events.history().filter((e) => e.type === 'host-changed').map((e) => (e.detail as { host: { tabs: unknown[] } }).host.tabs.length);
    expect(changes(a!)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(changes(c!)).toContain(3);
    expect(b!.host.local).toBe(false);
    const calls = { n: 0 };
    for (const t of [b!, c!]) await register(t, t === b ? calls : undefined);
    await until(() => a!.registeredModels().some((m) => m.id === 'chars'));
    const pa = a!.spawn({ name: 'a' }, { priority: 'normal' });
    const reference = await readJob(submit(a!, pa, { maxTokens: 24 }));
    const pb = b!.spawn({ name: 'b' }, { priority: 'normal' });
    const pc = c!.spawn({ name: 'c' }, { priority: 'normal' });
    const [rb, rc] = await Promise.all([readJob(submit(b!, pb, { maxTokens: 24 })), readJob(submit(c!, pc, { maxTokens: 24 }))]);
    expect(rb.result.text).toBe(reference.result.text);
    expect(rc.tokens).toEqual(reference.tokens);
    // One model load for all three tabs, seen in every tab's events.
    for (const t of [a!, b!, c!]) {
      await until(() => t.events.history().some((e) => e.type === 'job-finished' && (e.detail as { pid: number }).pid === pc));
      expect(t.events.history().filter((e: KernelEventRecord) => e.type === 'model-loading')).toHaveLength(1);
    }
    // The host's kernel knows which tab owns each process; every tab's ps() shows all three.
    await until(() => c!.ps().filter((p) => [pa, pb, pc].includes(p.pid)).length === 3);
    const rows = new Map(c!.ps().map((p) => [p.pid, p.tab]));
    expect([rows.get(pa), rows.get(pb), rows.get(pc)]).toEqual([a!.tabId, b!.tabId, c!.tabId]);
    // The host loaded the model with the source of the tab that registered it first (one load, one call).
    expect(calls.n).toBe(1);
  });

  test('the host tab closes mid-generation: the next tab hosts, and the survivors’ jobs end with the exact greedy text, no token twice', async () => {
    const [a, b, c] = await openTabs(3, tabs, 'test');
    for (const t of [a!, b!, c!]) await register(t);
    const pa = a!.spawn({ name: 'a' }, { priority: 'normal' });
    const reference = await readJob(submit(a!, pa));
    const pb = b!.spawn({ name: 'b' }, { priority: 'normal' });
    const pc = c!.spawn({ name: 'c' }, { priority: 'normal' });
    const indexes: number[] = [];
    const jb = readJob(submit(b!, pb), (t, n) => {
      indexes.push(t.index);
      if (n === 20) a!.shutdown(); // the host tab closes
    });
    const jc = readJob(submit(c!, pc, { maxTokens: 40 }));
    const [rb, rc] = await Promise.all([jb, jc]);
    expect(rb.result.text).toBe(reference.result.text);
    expect(rb.tokens).toEqual(reference.tokens);
    expect(indexes).toEqual(reference.tokens.map((_t, i) => i));
    expect(rc.result.text).toBe(reference.result.text.slice(0, rc.result.text.length));
    expect(rc.tokens).toHaveLength(40);
    // b was next in line; its kernel resumed the job from the 20 tokens delivered, by one prefill.
    expect(b!.host.local).toBe(true);
    const resumed = b!.events.history().find((e) => e.type === 'job-resumed' && (e.detail as { jobId: string }).jobId === rb.result.jobId);
    expect(resumed?.detail).toMatchObject({ mode: 'prefill' });
    expect((resumed!.detail as { tokens: number }).tokens).toBeGreaterThanOrEqual(20);
    await until(() => c!.host.leader?.tabId === b!.tabId);
    expect(b!.events.history().some((e) => e.type === 'host-changed')).toBe(true);
  });

  test('a job that moved to its own tab’s new kernel (the host closed) can still be cancelled', async () => {
    const [a, b] = await openTabs(2, tabs, 'test');
    for (const t of [a!, b!]) await register(t);
    const pb = b!.spawn({ name: 'b' }, { priority: 'normal' });
    const h = submit(b!, pb, { maxTokens: 1000 });
    const r = await readJob(h, (_t, n) => {
      if (n === 5) a!.shutdown();
      if (n === 30) h.cancel();
    });
    expect(b!.host.local).toBe(true);
    expect(r.result.stopReason).toBe('abort');
    expect(r.tokens.length).toBeLessThan(200);
    expect(b!.jobs()).toHaveLength(0);
  });

  test('a tab kills and renices another tab’s process; refusals cross as their class', async () => {
    const [a, b, c] = await openTabs(3, tabs, 'test');
    for (const t of [b!, c!]) await register(t);
    const pb = b!.spawn({ name: 'b' }, { priority: 'normal', quota: { maxPriority: 'normal' } });
    await until(() => c!.ps().some((p) => p.pid === pb && p.tab === b!.tabId));
    // Above the process's quota: refused in the tab that asks, as the host would.
    expect(() => c!.renice(pb, 'interactive')).toThrow(PermissionError);
    c!.renice(pb, 'background');
    await until(() => b!.ps().find((p) => p.pid === pb)?.priority === 'background');
    const job = submit(b!, pb, { maxTokens: 500 });
    const seen: number[] = [];
    const read = readJob(job, (t) => { seen.push(t.index); if (seen.length === 5) c!.kill(pb); });
    const r = await read;
    expect(r.result.stopReason).toBe('abort');
    await until(() => a!.ps().find((p) => p.pid === pb)?.state === 'exited');
    // Refused by the host only (the budget): the job's result rejects with the class.
    b!.registerModel({ id: 'huge', engine: 'wllama', weightBytes: 10 * 1024 ** 3, source: { kind: 'gguf-url', id: 'huge', url: TINY_CHARS_URL } });
    const pb2 = b!.spawn({ name: 'b2' }, { priority: 'normal' });
    const h = b!.submit({ pid: pb2, model: 'huge', prompt: 'x', params: { maxTokens: 1 } });
    await expect(h.result).rejects.toBeInstanceOf(ModelTooLargeError);
    // Refused in the tab itself, synchronously, as a kernel does.
    expect(() => b!.submit({ pid: pb2, model: 'nope', prompt: 'x' })).toThrow(UnknownModelError);
  });

  test('ten tabs opening at once elect exactly one host, and all of them agree on it', async () => {
    const namespace = `test-ten-${Date.now()}`;
    const ten = Array.from({ length: 10 }, (_v, i) => new TabKernel({ namespace, title: () => `tab ${i}`, settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } }));
    tabs.push(...ten);
    await Promise.all(ten.map((t) => t.ready));
    await until(() => ten.every((t) => t.host.tabs.length === 10));
    expect(ten.filter((t) => t.host.local)).toHaveLength(1);
    const host = ten.find((t) => t.host.local)!;
    expect(new Set(ten.map((t) => t.host.leader?.tabId))).toEqual(new Set([host.tabId]));
  });

  test('without Web Locks a tab runs a kernel of its own and says why', async () => {
    const own = Object.getOwnPropertyDescriptor(navigator, 'locks');
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    let t: TabKernel;
    try {
      t = new TabKernel({ namespace: `test-nolocks-${Date.now()}`, settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } });
    } finally {
      if (own) Object.defineProperty(navigator, 'locks', own);
      else delete (navigator as { locks?: unknown }).locks;
    }
    tabs.push(t);
    await t.ready;
    expect(t.host).toMatchObject({ mode: 'private', fallback: 'no-web-locks', local: true, tabId: null, tabs: [] });
    await register(t);
    const pid = t.spawn({ name: 'alone' }, { priority: 'normal' });
    const r = await readJob(submit(t, pid, { maxTokens: 8 }));
    expect(r.tokens).toHaveLength(8);
    expect(t.ps().find((p) => p.pid === pid)?.tab).toBeNull();
  });
});
