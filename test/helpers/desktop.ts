/**
 * Test helpers for the desktop's elements and apps: `DesktopServices` on a real kernel (real engine
 * workers) with in-memory settings and its own IndexedDB database, and the fixture models registered
 * straight from the fixture server (no library download needed).
 */
import { DesktopServices, type DesktopServicesOptions } from '../../src/desktop/services/desktop-services';
import { DesktopSettings } from '../../src/desktop/services/desktop-settings';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { describeGguf } from '../../src/kernel/model-registry';
import { deleteLlmOsDb } from '../../src/storage/db';
import { TINY_URL } from './engines';
import { TINY_MMPROJ_URL } from './images';

/** Services on a real kernel (one slot unless told), memory-only settings, a private database. */
export async function testServices(opts: DesktopServicesOptions & { slots?: number } = {}): Promise<DesktopServices & { testDbName: string }> {
  const dbName = `llmos-desktop-test-${crypto.randomUUID()}`;
  const s = new DesktopServices({
    dbName,
    settings: new DesktopSettings(undefined),
    probeFixtures: false,
    kernelOptions: { settings: memorySettingsStore(), budget: { slots: opts.slots ?? 1 } },
    ...opts,
  });
  await s.kernel.ready;
  return Object.assign(s, { testDbName: dbName });
}

/** Register a fixture GGUF with the kernel (by URL) and offer it to the apps as a fixture model. */
export async function addFixtureModel(s: DesktopServices, id = 'tiny', url = TINY_URL, extra: { vision?: boolean } = {}): Promise<void> {
  const cost = await describeGguf(await (await fetch(url)).blob());
  // A vision model is the fixture with its real (random-weight) projector: images really reach llama.cpp.
  const source = extra.vision ? { kind: 'gguf-url' as const, id, url, projectorUrl: TINY_MMPROJ_URL } : { kind: 'gguf-url' as const, id, url };
  s.kernel.registerModel({
    id, engine: 'wllama', source, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: cost.nCtx, inputs: extra.vision ? ['text', 'image'] : ['text'],
  });
  s.addModel({ id, name: `Fixture ${id}`, engine: 'wllama', fixture: true, vision: extra.vision ?? false, memoryMB: null });
}

/** Shut the services down and delete their database. */
export async function disposeServices(s: DesktopServices & { testDbName: string }): Promise<void> {
  s.shutdown();
  await new Promise((r) => setTimeout(r, 50));
  await deleteLlmOsDb(s.testDbName).catch(() => undefined);
}

/** Wait until `fn` returns a truthy value (polling), or fail after `timeoutMs`. */
export async function until<T>(fn: () => T | Promise<T>, timeoutMs = 30_000, what = 'condition'): Promise<NonNullable<T>> {
  const t0 = performance.now();
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Mount an element into the document and wait for its first render. */
export async function mount<T extends HTMLElement & { updateComplete?: Promise<unknown> }>(tag: string, props: Record<string, unknown> = {}): Promise<T> {
  const el = document.createElement(tag) as T;
  Object.assign(el, props);
  document.body.append(el);
  await el.updateComplete;
  return el;
}
