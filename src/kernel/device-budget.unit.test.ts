import { describe, expect, test } from 'vitest';
import { BudgetError } from '../errors';
import { MB } from '../models/cost';
import { deriveBudget, probeDevice, validateOverrides, type DeviceProbe } from './device-budget';
import { localSettingsStore, memorySettingsStore } from './settings-store';

const GiB = 1024 * MB;
const base: DeviceProbe = { gpu: null, deviceMemoryGB: 8, hardwareConcurrency: 8, storage: null };
const gpu = (over: Partial<NonNullable<DeviceProbe['gpu']>>): DeviceProbe['gpu'] => ({
  vendor: 'x', architecture: '', description: '', features: [], maxBufferSize: 256 * MB, maxStorageBufferBindingSize: 128 * MB, software: false, ...over,
});

describe('deriveBudget', () => {
  test('no GPU: no VRAM, half the memory for wasm, one slot per 4 cores', () => {
    const b = deriveBudget(base);
    expect(b).toMatchObject({ vramBytes: 0, ramBytes: 4 * GiB, slots: 2, threadsPerSlot: 4 });
    expect(b.source).toEqual({ vram: 'probe', ram: 'probe', slots: 'probe' });
    expect(deriveBudget({ ...base, hardwareConcurrency: 2 })).toMatchObject({ slots: 1, threadsPerSlot: 2 });
    expect(deriveBudget({ ...base, hardwareConcurrency: 64 }).slots).toBe(4);
    // Unknown deviceMemory: assume 4 GiB.
    expect(deriveBudget({ ...base, deviceMemoryGB: null }).ramBytes).toBe(2 * GiB);
  });

  test('software adapter gets a quarter of memory within its buffer limit; hardware at least its largest buffer', () => {
    expect(deriveBudget({ ...base, gpu: gpu({ software: true, maxBufferSize: 1 * GiB }) }).vramBytes).toBe(1 * GiB);
    expect(deriveBudget({ ...base, deviceMemoryGB: 2, gpu: gpu({ software: true, maxBufferSize: 1 * GiB }) }).vramBytes).toBe(0.5 * GiB);
    expect(deriveBudget({ ...base, gpu: gpu({ maxBufferSize: 16 * GiB }) }).vramBytes).toBe(16 * GiB);
    expect(deriveBudget({ ...base, gpu: gpu({}) }).vramBytes).toBe(4 * GiB);
    expect(deriveBudget({ ...base, deviceMemoryGB: 0.5, gpu: gpu({}) }).vramBytes).toBe(512 * MB);
  });

  test('overrides replace estimates and say so', () => {
    const b = deriveBudget(base, { vramMB: 100, ramMB: 0, slots: 3 });
    expect(b).toMatchObject({ vramBytes: 100 * MB, ramBytes: 0, slots: 3, threadsPerSlot: 2 });
    expect(b.source).toEqual({ vram: 'override', ram: 'override', slots: 'override' });
  });

  test('negative, NaN, infinite or fractional values are BudgetErrors naming the field', () => {
    for (const [o, field] of [
      [{ vramMB: -1 }, 'vramMB'], [{ ramMB: Number.NaN }, 'ramMB'], [{ ramMB: Infinity }, 'ramMB'], [{ vramMB: '5' }, 'vramMB'],
      [{ slots: 0 }, 'slots'], [{ slots: 1.5 }, 'slots'], [{ slots: 17 }, 'slots'],
    ] as const) {
      let err: unknown;
      try { deriveBudget(base, o as never); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(BudgetError);
      expect(err).toMatchObject({ code: 'BUDGET_INVALID', details: { field } });
    }
    expect(() => validateOverrides(null)).toThrow(BudgetError);
    expect(validateOverrides({ ramMB: null, vramMB: 3 })).toEqual({ vramMB: 3 });
  });
});

describe('settings stores', () => {
  function fakeStorage(): Storage {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k),
      clear: () => m.clear(), key: (i) => [...m.keys()][i] ?? null, get length() { return m.size; },
    };
  }

  test('memory and localStorage stores round-trip validated overrides', () => {
    const mem = memorySettingsStore();
    mem.write({ ramMB: 10 });
    expect(mem.read()).toEqual({ ramMB: 10 });
    expect(() => mem.write({ slots: -1 })).toThrow(BudgetError);
    const storage = fakeStorage();
    const a = localSettingsStore('k', storage);
    a.write({ vramMB: 512, slots: 2 });
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ vramMB: 512, slots: 2 });
    expect(localSettingsStore('k', storage).read()).toEqual({ vramMB: 512, slots: 2 });
  });

  test('a corrupt or hostile stored value is ignored; a throwing storage falls back to memory', () => {
    const storage = fakeStorage();
    storage.setItem('k', '{not json');
    expect(localSettingsStore('k', storage).read()).toEqual({});
    storage.setItem('k', JSON.stringify({ ramMB: -3 }));
    expect(localSettingsStore('k', storage).read()).toEqual({});
    const broken = { ...fakeStorage(), getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('quota'); } } as Storage;
    const s = localSettingsStore('k', broken);
    s.write({ ramMB: 7 });
    expect(s.read()).toEqual({ ramMB: 7 });
  });
});

describe('probeDevice', () => {
  test('reads adapter info, features, limits, memory and storage; a hanging adapter request times out', async () => {
    const adapter = {
      info: { vendor: 'google', architecture: 'swiftshader', description: '' },
      features: new Set(['subgroups']),
      limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 },
    };
    const nav = {
      gpu: { requestAdapter: async () => adapter } as unknown as GPU,
      deviceMemory: 8, hardwareConcurrency: 2,
      storage: { estimate: async () => ({ quota: 1000, usage: 10 }) },
    };
    const p = await probeDevice(nav);
    expect(p.gpu).toMatchObject({ vendor: 'google', architecture: 'swiftshader', features: ['subgroups'], maxBufferSize: 2 ** 30, software: true });
    expect(p).toMatchObject({ deviceMemoryGB: 8, hardwareConcurrency: 2, storage: { quotaBytes: 1000, usageBytes: 10 } });
    const hanging = { gpu: { requestAdapter: () => new Promise(() => {}) } as unknown as GPU, hardwareConcurrency: 4 };
    const q = await probeDevice(hanging, 50);
    expect(q).toEqual({ gpu: null, deviceMemoryGB: null, hardwareConcurrency: 4, storage: null });
    expect(await probeDevice(undefined)).toEqual({ gpu: null, deviceMemoryGB: null, hardwareConcurrency: 1, storage: null });
  });
});
