/**
 * Shared setup for the WebLLM drop-in tests (src/api/webllm/webllm-*.test.ts): a real kernel (real
 * wllama engine worker, the random-weight `tiny` fixtures) with WebLLM's README model id registered
 * for the `tiny` fixture, installed as the page's shared kernel; engines kept with `keep` are unloaded
 * after each test. Each test file calls `useWebllmKernel()` once and so creates and shuts down its own kernel.
 */
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { MLCEngine } from 'llm-os/webllm';
import type { Kernel } from '../../src/kernel/kernel';
import { randomFixtureDefaults, setModelDefaults } from '../../src/api/model-ref';
import { setSharedKernel } from '../../src/api/shared-kernel';
import { fixtureKernel, idle } from './api';
import { TINY_URL } from './engines';

export const README_MODEL = 'Llama-3.1-8B-Instruct-q4f32_1-MLC';
/** The test file's kernel (set in its `beforeAll`). */
export let kernel: Kernel;
const engines: MLCEngine[] = [];

/** Register the kernel's hooks for the calling test file: create it before all, clean up after each, shut it down after all. */
export function useWebllmKernel(): void {
  beforeAll(async () => {
    kernel = await fixtureKernel();
    // The README's model id, registered for the tiny fixture: WebLLM code runs with its own model id.
    const size = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
    kernel.registerModel({ id: README_MODEL, engine: 'wllama', source: { kind: 'gguf-url', id: README_MODEL, url: TINY_URL }, weightBytes: size, nCtx: 256 });
    setModelDefaults(kernel, README_MODEL, randomFixtureDefaults());
    setModelDefaults(kernel, 'tiny', randomFixtureDefaults());
    setModelDefaults(kernel, 'tiny-b', randomFixtureDefaults());
    // README code names no kernel: engines run on the page's shared kernel, here this one.
    setSharedKernel(kernel);
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.unload();
    vi.restoreAllMocks();
    await idle(kernel);
  });
  afterAll(() => {
    setSharedKernel(null);
    kernel.shutdown();
  });
}

/** Keep an engine to unload after the test. */
export function keep<T extends MLCEngine>(e: T): T {
  engines.push(e);
  return e;
}

/** Capture `console.log` (the README's output) instead of printing it. */
export function captureLog(): unknown[][] {
  const logs: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logs.push(args); });
  return logs;
}

export const processOf = (e: MLCEngine) => kernel.ps().find((p) => p.pid === e.pid);
