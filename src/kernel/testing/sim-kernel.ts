/**
 * TEST DOUBLE — a kernel wired to simulated time and simulated engines (policy tests, budget benchmark).
 * The `SimDevice` gets the same budgets as the kernel, so any moment the kernel over-commits shows up
 * in `device.violations`.
 */
import type { GenerateRequest, TokenEvent } from '../../protocol/engine';
import { MB } from '../../models/cost';
import type { DeviceProbe } from '../device-budget';
import { Kernel, type KernelOptions } from '../kernel';
import { memorySettingsStore } from '../settings-store';
import type { JobHandle, JobResult } from '../types';
import { SimClock } from './sim-clock';
import { SimDevice, simEngineFactory, simToken, type SimEngineOptions, type SimModelSpec } from './sim-engine';

/** A simulated model: size in MB on one backend, speed. */
export interface SimModelDef {
  mb: number;
  backend?: 'wasm' | 'webgpu';
  msPerToken?: number;
  loadMs?: number;
}

/** A probe with nothing in it: budgets come from the overrides. */
export const EMPTY_PROBE: DeviceProbe = { gpu: null, deviceMemoryGB: 8, hardwareConcurrency: 4, storage: null };

/** Build a kernel on simulated time with the given budget and models. */
export async function simKernel(setup: {
  vramMB?: number;
  ramMB?: number;
  slots?: number;
  models: Record<string, SimModelDef>;
  kernel?: KernelOptions;
  engine?: SimEngineOptions;
}) {
  const clock = new SimClock();
  const specs = new Map<string, SimModelSpec>();
  for (const [id, m] of Object.entries(setup.models)) {
    const bytes = Math.round(m.mb * MB);
    specs.set(id, {
      vramBytes: m.backend === 'webgpu' ? bytes : 0, ramBytes: m.backend === 'webgpu' ? 0 : bytes,
      ...(m.msPerToken !== undefined ? { msPerToken: m.msPerToken } : {}), ...(m.loadMs !== undefined ? { loadMs: m.loadMs } : {}),
    });
  }
  const vramMB = setup.vramMB ?? 0;
  const ramMB = setup.ramMB ?? 1024;
  const device = new SimDevice(vramMB * MB, ramMB * MB, specs);
  const factory = simEngineFactory(clock, device, setup.engine);
  const kernel = new Kernel({
    clock, createEngine: factory.create, probe: async () => EMPTY_PROBE, settings: memorySettingsStore(),
    budget: { vramMB, ramMB, slots: setup.slots ?? 1 }, ...setup.kernel,
  });
  for (const [id, m] of Object.entries(setup.models)) {
    kernel.registerModel({
      id, engine: 'scripted', source: { kind: 'gguf-url', id, url: `sim://${id}` },
      weightBytes: Math.round(m.mb * MB), overheadBytes: 0, backend: m.backend ?? 'wasm',
    });
  }
  await clock.advance(0);
  return { clock, device, kernel, engines: factory.engines };
}

/** Read a job's stream in the background; `done` resolves with the tokens and the settled result. */
export function drain(handle: JobHandle) {
  const tokens: TokenEvent[] = [];
  const done = (async () => {
    let streamError: unknown = null;
    try {
      for await (const t of handle.tokens) tokens.push(t);
    } catch (e) {
      streamError = e;
    }
    const result = await handle.result.then((r) => ({ ok: true as const, r }), (e: unknown) => ({ ok: false as const, e }));
    return { tokens, text: tokens.map((t) => t.text).join(''), streamError, result };
  })();
  let settled = false;
  void done.then(() => { settled = true; });
  return { tokens, done, get settled() { return settled; } };
}

/** What an uninterrupted simulated run of `maxTokens` would produce. */
export function simReference(model: string, request: GenerateRequest, maxTokens: number): string {
  let s = '';
  for (let i = 0; i < maxTokens; i++) s += simToken(model, request, i);
  return s;
}

/** Narrow a drained result to success. */
export function okResult(x: { result: { ok: true; r: JobResult } | { ok: false; e: unknown } }): JobResult {
  if (!x.result.ok) throw x.result.e;
  return x.result.r;
}
