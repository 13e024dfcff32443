/**
 * An engine worker dies mid-generation, through a real kernel with two real worker slots: the job of
 * the dead worker is re-queued on a fresh worker and completes exactly (resumed by one prefill), or — past the
 * retry limit — fails with a typed `WorkerCrashedError`; the other process, generating on the other
 * worker at that moment, is not disturbed; every worker is accounted for and ends with the kernel.
 */
import { afterEach, describe, expect } from 'vitest';
import { ERROR_TEXT, WorkerCrashedError } from '../../src/errors';
import type { GenerateRequest } from '../../src/protocol/engine';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle } from '../../src/kernel/types';
import { canonical, crashWorker, greedy, spawnTestEngineWorker, TINY_B_URL, TINY_CHARS_URL, TINY_URL } from '../helpers/engines';
import { faultCase } from './reliability';

let kernel: Kernel | null = null;
afterEach(() => { kernel?.shutdown(); kernel = null; });

async function twoSlotKernel(options: KernelOptions = {}) {
  const bySlot = new Map<number, EngineClient[]>();
  const k = new Kernel({
    createEngine: async (slot) => {
      const c = await EngineClient.start(spawnTestEngineWorker());
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), c]);
      return c;
    },
    settings: memorySettingsStore(), budget: { ramMB: 200, vramMB: 0, slots: 2 }, ...options,
  });
  kernel = k;
  await k.ready;
  for (const [id, url] of [['tiny', TINY_URL], ['tiny-b', TINY_B_URL], ['chars', TINY_CHARS_URL]] as const) {
    const cost = await describeGguf(await (await fetch(url)).blob(), 512);
    k.registerModel({ id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512 });
  }
  return { k, bySlot, all: () => [...bySlot.values()].flat() };
}

function submit(k: Kernel, pid: number, model: string, extra: Partial<GenerateRequest> = {}): JobHandle {
  const { prompt, ...params } = greedy(extra);
  return k.submit({ pid, model, prompt: prompt!, params });
}

async function read(h: JobHandle, onToken: (n: number) => void = () => {}) {
  const tokens: string[] = [];
  for await (const t of h.tokens) { tokens.push(t.text); onToken(tokens.length); }
  return { tokens, result: await h.result };
}

describe('a worker dies mid-generation', () => {
  faultCase('fault', 'worker terminated mid-generation (kernel, 2 slots, 2 processes)', 'job re-queued on a fresh worker, identical output; the other process undisturbed', async () => {
    const { k, bySlot, all } = await twoSlotKernel();
    const a = k.spawn({ name: 'victim' }, { priority: 'normal' });
    const b = k.spawn({ name: 'bystander' }, { priority: 'normal' });
    // `chars`: output that tokenises back to the same ids, so the resumed run is exact on wllama.
    const reqA = { prompt: 'memory of the browser', maxTokens: 48, logitBias: canonical().logitBias };
    const reqB = { prompt: 'the kernel schedules', maxTokens: 96 };
    const [refA, refB] = await Promise.all([read(submit(k, a, 'chars', reqA)), read(submit(k, b, 'tiny-b', reqB))]);
    const hb = submit(k, b, 'tiny-b', reqB);
    let bAtCrash = -1;
    let bTokens = 0;
    const bystander = read(hb, (n) => { bTokens = n; });
    const victim = read(submit(k, a, 'chars', reqA), (n) => {
      // From the 10th token on, once the bystander is generating too (both must be mid-run).
      if (n < 10 || bAtCrash >= 0 || bTokens === 0) return;
      const slot = k.jobs().find((j) => j.pid === a)!.slot!;
      bAtCrash = bTokens;
      bySlot.get(slot)!.at(-1)!.terminate();
    });
    const [va, vb] = await Promise.all([victim, bystander]);
    expect(va.tokens).toEqual(refA.tokens);
    expect(va.result.retries).toBe(1);
    expect(va.result.inexactResumes).toBe(0);
    expect(vb.tokens).toEqual(refB.tokens);
    expect(vb.result.retries).toBe(0);
    expect(vb.result.preemptions).toBe(0);
    expect(bAtCrash).toBeGreaterThan(0); // the bystander was generating when the worker died
    expect(bAtCrash).toBeLessThan(96);
    const crashed = k.events.history().filter((e) => e.type === 'worker-crashed');
    expect(crashed).toHaveLength(1);
    // Three workers in all (two slots + one replacement), exactly one of them dead; all gone at shutdown.
    expect(all()).toHaveLength(3);
    expect(all().filter((c) => !c.alive)).toHaveLength(1);
    k.shutdown();
    expect(all().every((c) => !c.alive)).toBe(true);
  }, 120_000);

  faultCase('fault', 'worker crash past the retry limit (kernel)', 'WorkerCrashedError WORKER_CRASHED; the process and the other slot keep working', async () => {
    const { k, bySlot } = await twoSlotKernel({ maxRetries: 0 });
    const a = k.spawn({ name: 'victim' }, { priority: 'normal' });
    const b = k.spawn({ name: 'bystander' }, { priority: 'normal' });
    const other = read(submit(k, b, 'tiny-b', { maxTokens: 64 }));
    const h = submit(k, a, 'tiny', { maxTokens: 300 });
    const reading = read(h, (n) => { if (n === 5) crashWorker(bySlot.get(k.jobs().find((j) => j.pid === a)!.slot!)!.at(-1)!); });
    const err = await h.result.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).code).toBe('WORKER_CRASHED');
    expect(ERROR_TEXT.WORKER_CRASHED).toBeTruthy();
    await expect(reading).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    expect((await other).result.usage.completionTokens).toBe(64);
    const again = await read(submit(k, a, 'tiny', { maxTokens: 4 }));
    expect(again.result.usage.completionTokens).toBe(4);
  }, 120_000);
});
