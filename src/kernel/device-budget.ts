/**
 * Device budget: what the kernel may use. It probes the WebGPU adapter (features, limits, info),
 * `navigator.deviceMemory`, `hardwareConcurrency` and `storage.estimate()`, and derives a VRAM budget
 * (WebGPU engines), a RAM budget (wasm engines) and a worker slot count. Browsers do not report free
 * VRAM, so the figures are estimates the user can override (persisted by `settings-store.ts`).
 * Bad numbers (negative, NaN, fractional slots) are a `BudgetError`, never a silent clamp.
 */
import { BudgetError } from '../errors';
import { MB } from '../models/cost';
import { probeAdapter } from '../protocol/adapter-probe';

/** What the probe saw. */
export interface DeviceProbe {
  gpu: {
    vendor: string;
    architecture: string;
    description: string;
    features: string[];
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    /** Software adapter (SwiftShader, fallback): its "VRAM" is system memory. */
    software: boolean;
  } | null;
  /** `navigator.deviceMemory` (GiB, capped at 8 by browsers), or null where absent. */
  deviceMemoryGB: number | null;
  hardwareConcurrency: number;
  storage: { quotaBytes: number; usageBytes: number } | null;
}

/** User corrections, in MB / slots. Absent = use the estimate. */
export interface BudgetOverrides {
  vramMB?: number;
  ramMB?: number;
  slots?: number;
}

/** The budget the scheduler works within. */
export interface Budget {
  vramBytes: number;
  ramBytes: number;
  slots: number;
  /** wasm threads each slot's engine gets. */
  threadsPerSlot: number;
  /** Where each figure came from. */
  source: { vram: 'probe' | 'override'; ram: 'probe' | 'override'; slots: 'probe' | 'override' };
}

/** Most worker slots a user may configure. */
export const MAX_SLOTS = 16;

/** Validate overrides: a typed `BudgetError` for anything unusable; returns a clean copy. */
export function validateOverrides(o: unknown): BudgetOverrides {
  if (typeof o !== 'object' || o === null) throw new BudgetError('Budget overrides must be an object', { field: 'overrides', value: String(o) });
  const out: BudgetOverrides = {};
  const rec = o as Record<string, unknown>;
  for (const field of ['vramMB', 'ramMB'] as const) {
    const v = rec[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new BudgetError(`${field} must be a finite number ≥ 0`, { field, value: String(v) });
    }
    out[field] = v;
  }
  const s = rec['slots'];
  if (s !== undefined && s !== null) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > MAX_SLOTS) {
      throw new BudgetError(`slots must be an integer in [1, ${MAX_SLOTS}]`, { field: 'slots', value: String(s) });
    }
    out.slots = s;
  }
  return out;
}

/** Turn a probe and overrides into a budget. */
export function deriveBudget(probe: DeviceProbe, overrides: BudgetOverrides = {}): Budget {
  const o = validateOverrides(overrides);
  const memGB = probe.deviceMemoryGB && probe.deviceMemoryGB > 0 ? probe.deviceMemoryGB : 4;
  const hc = Math.max(1, Math.floor(probe.hardwareConcurrency || 1));
  const GiB = 1024 * MB;
  // wasm engines: half the reported memory (deviceMemory ≤ 8 GiB, so ≤ 4 GiB — also wasm32's ceiling).
  const ramEstimate = Math.round(memGB * 0.5 * GiB);
  let vramEstimate = 0;
  if (probe.gpu) {
    vramEstimate = probe.gpu.software
      // A software adapter allocates from system memory: give it a quarter, within its buffer limit.
      ? Math.min(memGB * 0.25 * GiB, Math.max(probe.gpu.maxBufferSize, 256 * MB))
      // A hardware adapter: at least half the system memory (integrated GPUs share it), at least
      // 512 MiB, and never below its own largest buffer (a discrete card reports a large one).
      : Math.max(memGB * 0.5 * GiB, 512 * MB, probe.gpu.maxBufferSize);
  }
  // One slot per 4 cores: a wasm engine uses all its slot's threads; more slots only contend.
  const slotEstimate = Math.max(1, Math.min(4, Math.floor(hc / 4)));
  const slots = o.slots ?? slotEstimate;
  return {
    vramBytes: o.vramMB !== undefined ? Math.round(o.vramMB * MB) : Math.round(vramEstimate),
    ramBytes: o.ramMB !== undefined ? Math.round(o.ramMB * MB) : ramEstimate,
    slots,
    threadsPerSlot: Math.max(1, Math.floor(hc / slots)),
    source: {
      vram: o.vramMB !== undefined ? 'override' : 'probe',
      ram: o.ramMB !== undefined ? 'override' : 'probe',
      slots: o.slots !== undefined ? 'override' : 'probe',
    },
  };
}

interface NavigatorLike {
  gpu?: GPU;
  deviceMemory?: number;
  hardwareConcurrency?: number;
  storage?: { estimate?: () => Promise<StorageEstimate> };
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.catch(() => fallback),
    new Promise<T>((resolve) => { timer = setTimeout(() => resolve(fallback), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Probe the real device. Each part that fails or hangs (beyond `timeoutMs`) is reported as absent. */
export async function probeDevice(nav: NavigatorLike | undefined = globalThis.navigator as NavigatorLike | undefined, timeoutMs = 5000): Promise<DeviceProbe> {
  const facts = nav?.gpu ? await probeAdapter(nav.gpu, timeoutMs) : null;
  const gpu: DeviceProbe['gpu'] = facts && {
    vendor: facts.vendor, architecture: facts.architecture, description: facts.description, features: facts.features,
    maxBufferSize: facts.maxBufferSize, maxStorageBufferBindingSize: facts.maxStorageBufferBindingSize, software: facts.software,
  };
  const est = nav?.storage?.estimate ? await withTimeout(nav.storage.estimate(), timeoutMs, null) : null;
  return {
    gpu,
    deviceMemoryGB: typeof nav?.deviceMemory === 'number' ? nav.deviceMemory : null,
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
    storage: est ? { quotaBytes: est.quota ?? 0, usageBytes: est.usage ?? 0 } : null,
  };
}
