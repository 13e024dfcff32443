/** Test helpers for the developer APIs: a real kernel (real engine worker) with the fixture models registered. */
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { setModelDefaults } from '../../src/api/model-ref';
import { TINY_B_URL, TINY_URL } from './engines';

/** OpenAI-format `logit_bias` banning the fixture vocabulary's 256 byte tokens (ids 3…258). */
export const BAN_BYTES: Record<string, number> = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));

/** Greedy sampling with byte tokens banned, in OpenAI request form. */
export const GREEDY = { temperature: 0, logit_bias: BAN_BYTES } as const;

/**
 * A kernel with `tiny` (and `tiny-b`) registered by id. `ignoreEos` is a per-model default so that
 * greedy outputs always run to `max_tokens` (random models may otherwise stop at any point).
 */
export async function fixtureKernel(options: KernelOptions & { nCtx?: number } = {}): Promise<Kernel> {
  const { nCtx = 512, ...rest } = options;
  const kernel = new Kernel({ settings: memorySettingsStore(), ...rest });
  for (const [id, url] of [['tiny', TINY_URL], ['tiny-b', TINY_B_URL]] as const) {
    const size = Number((await fetch(url, { method: 'HEAD' })).headers.get('Content-Length'));
    kernel.registerModel({ id, engine: 'wllama', source: { kind: 'gguf-url', id, url }, weightBytes: size, nCtx });
    setModelDefaults(kernel, id, { ignoreEos: true });
  }
  await kernel.ready;
  return kernel;
}

/** Resolve once the kernel has no unfinished job (cancellation completes asynchronously), or fail after `ms`. */
export async function idle(kernel: Kernel, ms = 10_000): Promise<void> {
  const t0 = performance.now();
  while (kernel.jobs().length > 0) {
    if (performance.now() - t0 > ms) throw new Error(`kernel still has ${kernel.jobs().length} jobs after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
