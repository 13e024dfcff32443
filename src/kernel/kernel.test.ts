/**
 * Kernel integration in real Chromium with real wllama engine workers and the fixture models.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { BudgetError, ModelTooLargeError, PermissionError, QueueFullError, UnknownModelError, UnknownProcessError, WorkerCrashedError } from '../errors';
import { canonical, crashWorker, greedy, spawnTestEngineWorker, TINY_B_URL, TINY_CHARS_URL, TINY_URL } from '../../test/helpers/engines';
import type { GenerateRequest } from '../protocol/engine';
import { EngineClient } from './engine-client';
import { Kernel, type KernelOptions } from './kernel';
import { describeGguf } from './model-registry';
import { memorySettingsStore } from './settings-store';
import { readJob } from '../../test/helpers/kernel';
import type { JobHandle, SubmitRequest } from './types';
import { MB } from '../models/cost';

let kernels: Kernel[] = [];
afterEach(() => {
  for (const k of kernels) k.shutdown();
  kernels = [];
});

const blobs = new Map<string, Blob>();
async function blobOf(url: string): Promise<Blob> {
  if (!blobs.has(url)) blobs.set(url, await (await fetch(url)).blob());
  return blobs.get(url)!;
}

/** A kernel with real engine workers (test workers: they can crash on request); `clients` lists every worker it started. */
async function realKernel(budget: { ramMB: number; slots: number }, options: KernelOptions = {}) {
  const clients: EngineClient[] = [];
  const kernel = new Kernel({
    createEngine: async () => { const c = await EngineClient.start(spawnTestEngineWorker()); clients.push(c); return c; },
    // One job per slot unless a test says otherwise: these tests are about preemption in a full slot.
    settings: memorySettingsStore(), budget: { ...budget, vramMB: 0 }, jobsPerSlot: 1, ...options,
  });
  kernels.push(kernel);
  await kernel.ready;
  for (const [id, url] of [['tiny', TINY_URL], ['tiny-b', TINY_B_URL], ['chars', TINY_CHARS_URL]] as const) {
    const cost = await describeGguf(await blobOf(url), 512);
    kernel.registerModel({ id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512 });
  }
  return { kernel, clients };
}

/** Submit a greedy fixture request. */
function job(kernel: Kernel, pid: number, model: string, extra: Partial<GenerateRequest> = {}, more: Partial<SubmitRequest> = {}): JobHandle {
  const { prompt, messages, ...params } = greedy(extra);
  return kernel.submit({ pid, model, ...(prompt !== undefined ? { prompt } : {}), ...(messages ? { messages } : {}), params, ...more });
}

const read = readJob;

/** The bias of `canonical()`: `chars` output that tokenises back to the same ids (wllama resumes from text). */
const CANONICAL = canonical().logitBias;

describe('kernel with real wllama workers', () => {
  test('two processes at different priorities: preemption at a token boundary, exact resume by one prefill', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 });
    const bg = kernel.spawn({ name: 'indexer' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
    const long = { prompt: 'the kernel of the model', maxTokens: 256, logitBias: CANONICAL };
    // Reference: the same request, uninterrupted.
    const reference = await read(job(kernel, bg, 'chars', long));
    expect(reference.result.preemptions).toBe(0);
    expect(reference.tokens.length).toBe(256);

    let high: Promise<Awaited<ReturnType<typeof read>>> | null = null;
    let highSubmittedAt = -1;
    const low = read(job(kernel, bg, 'chars', long), (_t, n) => {
      if (n === 16) {
        highSubmittedAt = n;
        high = read(job(kernel, ia, 'chars', { prompt: 'hello there', maxTokens: 8, logitBias: long.logitBias }));
      }
    });
    const lo = await low;
    const hi = await high!;
    expect(highSubmittedAt).toBe(16);
    // One uninterrupted stream, token for token the same as the uninterrupted run.
    expect(lo.tokens).toEqual(reference.tokens);
    expect(lo.result.text).toBe(reference.result.text);
    expect(lo.result.stopReason).toBe('length');
    expect(lo.result.usage.completionTokens).toBe(256);
    expect(lo.result.preemptions).toBe(1);
    expect(lo.result.inexactResumes).toBe(0);
    expect(hi.tokens.length).toBe(8);
    const h = kernel.events.history();
    const at = (type: string, id: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === id);
    expect(at('job-preempted', lo.result.jobId)).toBeGreaterThan(-1);
    expect(at('job-started', hi.result.jobId)).toBeGreaterThan(at('job-preempted', lo.result.jobId));
    expect(at('job-finished', hi.result.jobId)).toBeLessThan(at('job-resumed', lo.result.jobId));
    const pre = h[at('job-preempted', lo.result.jobId)]!.detail as { tokens: number; byJobId: string };
    expect(pre.byJobId).toBe(hi.result.jobId);
    // Stopped a few tokens after the request (the interrupt's message latency; ≈1,700 tok/s here), long before the end.
    expect(pre.tokens).toBeLessThan(128);
    const resumed = h.find((e) => e.type === 'job-resumed' && (e.detail as { jobId: string }).jobId === lo.result.jobId)!.detail as { mode: string; tokens: number };
    expect(resumed.mode).toBe('prefill');
    expect(resumed.tokens).toBeGreaterThanOrEqual(16);
    const ps = kernel.ps();
    expect(ps.find((p) => p.pid === bg)!.metrics.preemptions).toBe(1);
    expect(ps.find((p) => p.pid === ia)!.metrics.tokensOut).toBe(8);
  });

  test('sampled generations are preempted too: prompt and chat jobs resume by prefill with one consistent stream', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 });
    const bg = kernel.spawn({ name: 'bg' }, { priority: 'background' });
    const rt = kernel.spawn({ name: 'rt' }, { priority: 'realtime' });
    const sampled = { prompt: 'a small light model', maxTokens: 200, temperature: 0.9, topK: 40 };
    let high: Promise<unknown> | null = null;
    const lo = await read(job(kernel, bg, 'tiny', sampled), (_t, n) => {
      if (n === 10) high = job(kernel, rt, 'tiny', { maxTokens: 4 }).result;
    });
    await high;
    expect(lo.result.preemptions).toBe(1);
    expect(lo.result.stopReason).toBe('length');
    expect(lo.tokens.join('')).toBe(lo.result.text);
    expect(lo.result.usage.completionTokens).toBe(200);
    const chat = job(kernel, bg, 'tiny', { prompt: undefined, messages: [{ role: 'user', content: 'hi' }], maxTokens: 60, temperature: 0.9 });
    let urgent: Promise<{ jobId: string; queueWaitMs: number }> | null = null;
    const c = await read(chat, (_t, n) => { if (n === 5) urgent = job(kernel, rt, 'tiny', { maxTokens: 2 }).result; });
    const u = await urgent!;
    expect(c.result.preemptions).toBe(1);
    expect(c.tokens.join('')).toBe(c.result.text);
    expect(c.result.usage.completionTokens).toBe(60);
    const h = kernel.events.history();
    const at = (type: string, id: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === id);
    // The urgent job ran while the chat waited, not after it.
    expect(at('job-finished', u.jobId)).toBeLessThan(at('job-finished', c.result.jobId));
    const modes = h.filter((e) => e.type === 'job-resumed').map((e) => (e.detail as { mode: string }).mode);
    expect(modes).toEqual(['prefill', 'prefill']);
  });

  test('kill cancels a running and a queued job; the other process and the worker carry on', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 });
    const victim = kernel.spawn({ name: 'victim' }, { priority: 'normal' });
    const other = kernel.spawn({ name: 'other' }, { priority: 'normal' });
    const running = read(job(kernel, victim, 'tiny', { maxTokens: 400 }), (_t, n) => { if (n === 3) kernel.kill(victim); });
    const queued = job(kernel, victim, 'tiny', { maxTokens: 50 });
    const fine = job(kernel, other, 'tiny', { maxTokens: 6 });
    const r = await running;
    expect(r.result.stopReason).toBe('abort');
    expect(r.tokens.length).toBeLessThan(400);
    await expect(queued.result).resolves.toMatchObject({ stopReason: 'abort' });
    await expect(fine.result).resolves.toMatchObject({ stopReason: 'length', usage: { completionTokens: 6 } });
    expect(kernel.ps().find((p) => p.pid === victim)!.state).toBe('exited');
    expect(() => job(kernel, victim, 'tiny')).toThrow(UnknownProcessError);
  });

  test('renice: a queued background job raised to realtime preempts the running normal job', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 });
    const runner = kernel.spawn({ name: 'runner' }, { priority: 'normal' });
    const waiter = kernel.spawn({ name: 'waiter' }, { priority: 'background' });
    const w = job(kernel, waiter, 'tiny', { maxTokens: 4 });
    let reniced = false;
    const r = await read(job(kernel, runner, 'tiny', { maxTokens: 400 }), (_t, n) => {
      if (n === 5) { kernel.renice(waiter, 'realtime'); reniced = true; }
    });
    const wr = await w.result;
    expect(reniced).toBe(true);
    expect(r.result.preemptions).toBe(1);
    // 400 engine tokens in all. (Not necessarily 400 token events: on this multi-character vocabulary the
    // run resumed from text may send two tokens' text as one piece — seen in about one run in five.)
    expect(r.result.usage.completionTokens).toBe(400);
    expect(r.result.stopReason).toBe('length');
    expect(r.tokens.join('')).toBe(r.result.text);
    const h = kernel.events.history();
    const idx = (type: string, id: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === id);
    expect(idx('job-finished', wr.jobId)).toBeLessThan(idx('job-finished', r.result.jobId));
  });

  test('queue full is refused synchronously with QueueFullError', async () => {
    // queueShare 1: one process may fill the whole queue, so this is the kernel-wide limit.
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 }, { queueLimit: 2, queueShare: 1 });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const a = job(kernel, pid, 'tiny', { maxTokens: 4 });
    const b = job(kernel, pid, 'tiny', { maxTokens: 4 });
    expect(() => job(kernel, pid, 'tiny', { maxTokens: 4 })).toThrow(QueueFullError);
    await expect(Promise.all([a.result, b.result])).resolves.toHaveLength(2);
    await expect(job(kernel, pid, 'tiny', { maxTokens: 2 }).result).resolves.toMatchObject({ stopReason: 'length' });
  });

  test('a worker terminated mid-generation: the job is re-queued on a fresh worker and completes exactly', async () => {
    const { kernel, clients } = await realKernel({ ramMB: 200, slots: 1 });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const req = { prompt: 'memory of the browser', maxTokens: 48, logitBias: CANONICAL };
    const reference = await read(job(kernel, pid, 'chars', req));
    const crashed = await read(job(kernel, pid, 'chars', req), (_t, n) => { if (n === 10) clients[0]!.terminate(); });
    expect(crashed.tokens).toEqual(reference.tokens);
    expect(crashed.result.retries).toBe(1);
    expect(crashed.result.inexactResumes).toBe(0);
    expect(clients.length).toBe(2);
    expect(clients[0]!.alive).toBe(false);
    const types = kernel.events.history().map((e) => e.type);
    expect(types).toContain('worker-crashed');
    expect(types).toContain('job-requeued');
  });

  test('after maxRetries worker deaths the job fails with WorkerCrashedError; the kernel keeps serving', async () => {
    const { kernel, clients } = await realKernel({ ramMB: 200, slots: 1 }, { maxRetries: 0 });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const h = job(kernel, pid, 'tiny', { maxTokens: 300 });
    let n = 0;
    const reading = (async () => { for await (const _t of h.tokens) if (++n === 3) crashWorker(clients[0]!); })();
    await expect(h.result).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(reading).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    await expect(job(kernel, pid, 'tiny', { maxTokens: 3 }).result).resolves.toMatchObject({ stopReason: 'length' });
  });

  test('eviction when a third model does not fit; resident memory never exceeds the budget', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 3 });
    const big = await describeGguf(await blobOf(TINY_URL), 512);
    // The same weights registered as a 40 MB model: with either small model it fits, with both it does not.
    kernel.registerModel({ id: 'tiny-big', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny-big', url: TINY_URL }, weightBytes: 40 * MB, kvBytes: big.kvBytes, nCtx: 512 });
    const cost = (id: string) => kernel.registeredModels().find((m) => m.id === id)!.ramBytes;
    kernel.setBudget({ ramMB: (cost('tiny-big') + cost('tiny') + cost('tiny-b') / 2) / MB });
    const over: string[] = [];
    kernel.events.on('*', (_d, type) => {
      const u = kernel.usage();
      if (u.ramBytes > kernel.budget!.ramBytes) over.push(`${type}: ${u.ramBytes}`);
    });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    await job(kernel, pid, 'tiny', { maxTokens: 3 }).result;
    await job(kernel, pid, 'tiny-b', { maxTokens: 3 }).result;
    expect(kernel.models().map((m) => m.id).sort()).toEqual(['tiny', 'tiny-b']);
    const r = await job(kernel, pid, 'tiny-big', { maxTokens: 3 }).result;
    expect(r.usage.completionTokens).toBe(3);
    const evicted = kernel.events.history().filter((e) => e.type === 'model-evicted').map((e) => e.detail);
    expect(evicted).toEqual([expect.objectContaining({ model: 'tiny', reason: 'placement' })]);
    expect(kernel.models().map((m) => m.id).sort()).toEqual(['tiny-b', 'tiny-big']);
    expect(over).toEqual([]);
  });

  test('by default four jobs on one wllama model decode together in one batch, each as it would alone', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 }, { jobsPerSlot: null });
    expect(kernel.registeredModels().find((m) => m.id === 'tiny')!.sequences).toBe(4);
    const pids = [0, 1, 2, 3].map((i) => kernel.spawn({ name: `app${i}` }, { priority: 'normal' }));
    const prompts = ['the kernel', 'a model of', 'memory and', 'one browser'];
    const solo = [];
    for (const [i, prompt] of prompts.entries()) solo.push(await read(job(kernel, pids[i]!, 'tiny', { prompt, maxTokens: 24 })));
    const started = kernel.events.history().length;
    const together = await Promise.all(prompts.map((prompt, i) => read(job(kernel, pids[i]!, 'tiny', { prompt, maxTokens: 24 }))));
    const h = kernel.events.history().slice(started);
    const firstEnd = h.findIndex((e) => e.type === 'job-finished');
    // All four were running before the first ended: one slot, four sequences.
    expect(h.slice(0, firstEnd).filter((e) => e.type === 'job-started')).toHaveLength(4);
    // (llama.cpp may send two tokens' text in one chunk: count the engine's tokens, compare the texts.)
    expect(together.map((r) => r.result.usage.completionTokens)).toEqual([24, 24, 24, 24]);
    expect(together.map((r) => r.result.queueWaitMs).every((ms) => ms < 1000)).toBe(true);
    expect(together.map((r) => r.tokens.join(''))).toEqual(solo.map((r) => r.tokens.join('')));
  });

  test('background work leaves a batch\'s last sequence free and yields to interactive work: the chat starts at once and runs alone', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 }, { jobsPerSlot: null });
    const bgs = [0, 1, 2, 3].map((i) => kernel.spawn({ name: `indexer ${i}` }, { priority: 'background' }));
    const chat = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
    const background = bgs.map((pid, i) => read(job(kernel, pid, 'chars', { prompt: `the ${i} kernel`, maxTokens: 120, logitBias: CANONICAL })));
    const running = () => kernel.jobs().filter((j) => j.state === 'running').length;
    for (let t = 0; t < 400 && running() < 3; t++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    // Three of the four run; the fourth waits rather than take the last sequence.
    expect(running()).toBe(3);
    const c = await read(job(kernel, chat, 'chars', { maxTokens: 8, logitBias: CANONICAL }));
    expect(c.result.preemptions).toBe(0);
    // It started at once, in the free sequence …
    expect(c.result.queueWaitMs).toBeLessThan(100);
    // … and the background jobs yielded while it ran: none (re)started between its start and its end.
    const h = kernel.events.history();
    const at = (type: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === c.result.jobId);
    const between = h.slice(at('job-started'), at('job-finished'));
    expect(between.filter((e) => e.type === 'job-resumed' || e.type === 'job-started').map((e) => (e.detail as { pid: number }).pid)).toEqual([chat]);
    expect(between.filter((e) => e.type === 'job-preempted')).toHaveLength(3);
    const done = await Promise.all(background);
    expect(done.map((r) => r.result.usage.completionTokens)).toEqual([120, 120, 120, 120]);
    expect(done.reduce((n, r) => n + r.result.preemptions, 0)).toBe(3);
    expect(done.every((r) => r.result.inexactResumes === 0)).toBe(true);
  });

  test('prefix reuse: a conversation\'s next turn and another app\'s shared system prompt come from the cache', async () => {
    const { kernel } = await realKernel({ ramMB: 200, slots: 1 }, { jobsPerSlot: null });
    const system = { role: 'system' as const, content: 'you are a small model in the browser and you answer in a few words about the state of the world' };
    const a = kernel.spawn({ name: 'app a' }, { priority: 'normal' });
    const b = kernel.spawn({ name: 'app b' }, { priority: 'normal' });
    const turn = (pid: number, messages: { role: 'system' | 'user' | 'assistant'; content: string }[]) =>
      read(job(kernel, pid, 'chars', { prompt: undefined, messages, maxTokens: 20, logitBias: CANONICAL }));
    const history = [system, { role: 'user' as const, content: 'what is the kernel' }];
    const first = await turn(a, history);
    expect(first.result.usage.cachedTokens).toBe(0);
    // Turn 2 of app a: its history, the reply included, is reused; only the new message is evaluated.
    const second = await turn(a, [...history, { role: 'assistant', content: first.result.text }, { role: 'user', content: 'and the model' }]);
    const t1 = first.result.usage.promptTokens + 20;
    expect(second.result.usage.cachedTokens).toBeGreaterThanOrEqual(t1 - 1);
    // App b, same system prompt: at least the system prompt comes from the cache.
    const other = await turn(b, [system, { role: 'user', content: 'where is the window' }]);
    expect(other.result.usage.cachedTokens).toBeGreaterThan(system.content.length);
    const ps = kernel.ps();
    expect(ps.find((p) => p.pid === a)!.metrics.tokensReused).toBe(second.result.usage.cachedTokens);
    expect(ps.find((p) => p.pid === a)!.metrics.tokensEvaluated).toBe(first.result.evaluatedTokens + second.result.evaluatedTokens);
  });

  test('bad input is refused with typed errors; the kernel and other processes keep running', async () => {
    const { kernel } = await realKernel({ ramMB: 60, slots: 1 });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal', quota: { maxPriority: 'normal', allowedModels: ['tiny'], maxConcurrentJobs: 1 } });
    const running = job(kernel, pid, 'tiny', { maxTokens: 30 });
    expect(() => job(kernel, 999, 'tiny')).toThrow(UnknownProcessError);
    expect(() => job(kernel, 'x' as never, 'tiny')).toThrow(expect.objectContaining({ code: 'PROCESS_UNKNOWN' }));
    expect(() => job(kernel, pid, 'nope')).toThrow(UnknownModelError);
    expect(() => kernel.spawn({ name: 'x' }, { priority: 'urgent' as never })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.spawn({ name: 'x' }, { priority: 'realtime', quota: { maxPriority: 'normal' } })).toThrow(PermissionError);
    expect(() => job(kernel, pid, 'tiny', {}, { priority: 'interactive' })).toThrow(PermissionError);
    expect(() => job(kernel, pid, 'tiny-b')).toThrow(PermissionError);
    expect(() => job(kernel, pid, 'tiny')).toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED', details: expect.objectContaining({ maxConcurrentJobs: 1 }) }));
    expect(() => job(kernel, pid, 'tiny', { temperature: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => kernel.setBudget({ ramMB: -5 })).toThrow(BudgetError);
    expect(() => kernel.setBudget({ vramMB: Number.NaN })).toThrow(expect.objectContaining({ code: 'BUDGET_INVALID' }));
    expect(() => kernel.setBudget({ slots: 0 })).toThrow(BudgetError);
    expect(kernel.budget!.ramBytes).toBe(60 * MB);
    const free = kernel.spawn({ name: 'free' }, { priority: 'normal' });
    kernel.registerModel({ id: 'huge', engine: 'wllama', source: { kind: 'gguf-url', id: 'huge', url: TINY_URL }, weightBytes: 500 * MB });
    let err: unknown;
    try { job(kernel, free, 'huge'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ModelTooLargeError);
    expect((err as Error).message).toMatch(/needs 533(\.\d)? MB of RAM but the budget has 60 MB/);
    expect(err).toMatchObject({ details: { neededMB: expect.any(Number), availableMB: 60 } });
    const r = await running.result;
    expect(r.usage.completionTokens).toBe(30);
    await expect(job(kernel, free, 'tiny', { maxTokens: 2 }).result).resolves.toMatchObject({ stopReason: 'length' });
  });
});
