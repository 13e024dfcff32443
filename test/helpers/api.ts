/** Test helpers for the developer APIs: a real kernel (real engine worker) with the fixture models registered. */
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { setModelDefaults } from '../../src/api/model-ref';
import OpenAI from 'openai';
import type { LlmOsClient } from '../../src/api/openai/openai';
import { handleV1Request } from '../../src/api/v1/v1-handler';
import { TINY_B_URL, TINY_URL } from './engines';

/** OpenAI-format `logit_bias` banning the fixture vocabulary's 256 byte tokens (ids 3…258). */
export const BAN_BYTES: Record<string, number> = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(i + 3), -100]));

/**
 * `logit_bias` banning only the non-ASCII byte tokens (0x80…0xFF): an ASCII byte is valid UTF-8 on its
 * own, and grammar-constrained replies (tool calls) need the ASCII bytes the fixture vocabulary has no
 * word piece for (`<`, `{`, newline…).
 */
export const BAN_NON_ASCII_BYTES: Record<string, number> = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [String(i + 3 + 128), -100]));

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

/**
 * A `fetch` that answers `/v1` with the page-side handler, as the service worker does: lets the real
 * `openai` client run against `client` in a test page. The caller's abort signal reaches the handler.
 */
export function v1Fetch(client: LlmOsClient): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body ?? (input instanceof Request ? await input.text() : null);
    const stream = new TransformStream<Uint8Array, Uint8Array>();
    const writer = stream.writable.getWriter();
    const enc = new TextEncoder();
    const ctrl = new AbortController();
    init?.signal?.addEventListener('abort', () => ctrl.abort());
    return new Promise<Response>((resolve) => {
      void handleV1Request(client, { method: init?.method ?? 'GET', path: url.pathname, body: typeof body === 'string' ? body : null }, {
        head: (status, headers) => resolve(new Response(stream.readable, { status, headers })),
        chunk: (t) => void writer.write(enc.encode(t)),
        end: () => void writer.close(),
      }, ctrl.signal);
    });
  };
}

/** The official `openai` client over `v1Fetch(client)` (no retries: a retry would hide a wrong status). */
export function openAiOver(client: LlmOsClient): OpenAI {
  return new OpenAI({ baseURL: `${location.origin}/v1`, apiKey: 'local', dangerouslyAllowBrowser: true, fetch: v1Fetch(client), maxRetries: 0 });
}
