/**
 * Image input through the kernel, with real wllama workers and the vision fixture (tiny.gguf + its
 * random-weight projector; tiny-chars.gguf, of the same architecture, takes it too): refusal up front for
 * text-only models, and exact resume of a preempted job whose prompt holds an image.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidRequestError, UnsupportedInputError } from '../errors';
import { canonical, TINY_CHARS_URL, TINY_URL } from '../../test/helpers/engines';
import { imageUrl, TINY_MMPROJ_URL } from '../../test/helpers/images';
import { EngineClient } from './engine-client';
import { Kernel } from './kernel';
import { describeGguf } from './model-registry';
import { memorySettingsStore } from './settings-store';
import { readJob } from '../../test/helpers/kernel';
import type { JobHandle } from './types';

let kernels: Kernel[] = [];
afterEach(() => {
  for (const k of kernels) k.shutdown();
  kernels = [];
});

async function visionKernel() {
  const kernel = new Kernel({
    // One job per slot: the preemption test needs a full slot.
    createEngine: () => EngineClient.start(), settings: memorySettingsStore(), budget: { ramMB: 200, slots: 1, vramMB: 0 }, jobsPerSlot: 1,
  });
  kernels.push(kernel);
  await kernel.ready;
  const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 512);
  const common = { engine: 'wllama' as const, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512 };
  kernel.registerModel({ ...common, id: 'tiny', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, inputs: ['text'] });
  // Over `chars`, whose output tokenises back to the same ids: a preempted job resumes exactly from its text.
  kernel.registerModel({
    ...common, id: 'tiny-vision', source: { kind: 'gguf-url', id: 'tiny-vision', url: TINY_CHARS_URL, projectorUrl: TINY_MMPROJ_URL }, inputs: ['text', 'image'],
  });
  return kernel;
}

function chatJob(kernel: Kernel, pid: number, model: string, images: string[] | undefined, maxTokens: number): JobHandle {
  const { prompt: _p, messages: _m, ...params } = canonical({ maxTokens });
  return kernel.submit({ pid, model, messages: [{ role: 'user', content: 'describe the picture', ...(images ? { images } : {}) }], params });
}

const read = readJob;

describe('kernel: image input', () => {
  test('a model registered as text-only refuses images synchronously; a vision model answers', async () => {
    const kernel = await visionKernel();
    const pid = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
    const red = await imageUrl('#d22');
    expect(() => chatJob(kernel, pid, 'tiny', [red], 8)).toThrow(UnsupportedInputError);
    expect(kernel.jobs()).toHaveLength(0);
    const r = await read(chatJob(kernel, pid, 'tiny-vision', [red], 8));
    expect(r.tokens).toHaveLength(8);
    expect(() => kernel.registerModel({ id: 'x', engine: 'wllama', source: { kind: 'gguf-url', id: 'x', url: TINY_URL }, weightBytes: 1, inputs: ['smell' as never] }))
      .toThrow(InvalidRequestError);
  });

  test('a model registered without inputs learns them from its first load', async () => {
    const kernel = await visionKernel();
    const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 512);
    kernel.registerModel({ id: 'plain', engine: 'wllama', source: { kind: 'gguf-url', id: 'plain', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 512 });
    const pid = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
    const red = await imageUrl('#d22');
    // Unknown before loading: the job is accepted and the engine refuses it.
    await expect(chatJob(kernel, pid, 'plain', [red], 4).result).rejects.toBeInstanceOf(UnsupportedInputError);
    expect(kernel.registeredModels().find((m) => m.id === 'plain')!.inputs).toEqual(['text']);
    // Known now: refused at submit, nothing queued.
    expect(() => chatJob(kernel, pid, 'plain', [red], 4)).toThrow(UnsupportedInputError);
    expect(kernel.jobs()).toHaveLength(0);
  });

  test('a background job with an image, preempted by an interactive one, resumes token for token', async () => {
    const kernel = await visionKernel();
    const bg = kernel.spawn({ name: 'captioner' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'chat' }, { priority: 'interactive' });
    const picture = await imageUrl('#2a6');
    const reference = await read(chatJob(kernel, bg, 'tiny-vision', [picture], 160));
    let high: Promise<Awaited<ReturnType<typeof read>>> | null = null;
    const low = await read(chatJob(kernel, bg, 'tiny-vision', [picture], 160), (_t, n) => {
      if (n === 12) high = read(chatJob(kernel, ia, 'tiny-vision', undefined, 6));
    });
    const hi = await high!;
    expect(low.result.preemptions).toBe(1);
    expect(low.tokens).toEqual(reference.tokens);
    expect(low.result.inexactResumes).toBe(0);
    expect(low.result.usage.completionTokens).toBe(160);
    expect(hi.tokens).toHaveLength(6);
  });
});
