import { describe, expect, test } from 'vitest';
import { deviceWarnings, recommendModel } from './recommend';
import { deriveBudget, type DeviceProbe } from '../../kernel/device-budget';
import { fullCatalog } from '../../models/catalog';

const GiB = 1024 ** 3;
const swiftshader: DeviceProbe = {
  gpu: { vendor: 'google', architecture: 'swiftshader', description: '', features: ['subgroups'], maxBufferSize: GiB, maxStorageBufferBindingSize: GiB, software: true },
  deviceMemoryGB: 8, hardwareConcurrency: 2, storage: { quotaBytes: 10 * GiB, usageBytes: 0 },
};
const discreteF16: DeviceProbe = {
  gpu: { vendor: 'nvidia', architecture: 'ampere', description: '', features: ['shader-f16'], maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB, software: false },
  deviceMemoryGB: 8, hardwareConcurrency: 8, storage: null,
};
const catalog = fullCatalog({ includeDev: false });

describe('recommendModel / deviceWarnings', () => {
  test('CPU fallback: the largest GGUF model within half the RAM budget', () => {
    const budget = deriveBudget(swiftshader);
    const r = recommendModel(swiftshader, budget, catalog)!;
    expect(r.entry.engine).toBe('wllama');
    expect(r.budget).toBe('ram');
    expect(r.memoryMB).toBeLessThanOrEqual(r.budgetMB / 2);
    const bigger = catalog.filter((e) => e.engine === 'wllama' && e.memoryBytes > r.entry.memoryBytes && e.memoryBytes <= budget.ramBytes / 2);
    expect(bigger).toEqual([]);
    expect(deviceWarnings(swiftshader, budget, catalog, true).map((w) => w.kind)).toEqual(['no-f16', 'software-gpu']);
  });

  test('a GPU with shader-f16 charges GGUF models to VRAM', () => {
    const r = recommendModel(discreteF16, deriveBudget(discreteF16), catalog)!;
    expect(r.budget).toBe('vram');
    expect(deviceWarnings(discreteF16, deriveBudget(discreteF16), catalog, true)).toEqual([]);
  });

  test('when only a tight budget fits, the smallest model that fits; when nothing fits, "too small"', () => {
    const smallest = Math.min(...catalog.filter((e) => e.engine === 'wllama').map((e) => e.memoryBytes));
    const tight = deriveBudget(swiftshader, { ramMB: Math.ceil((smallest * 1.2) / 2 ** 20) });
    expect(recommendModel(swiftshader, tight, catalog)!.entry.memoryBytes).toBe(smallest);
    const tiny = deriveBudget({ ...swiftshader, gpu: null }, { ramMB: 50 });
    expect(recommendModel({ ...swiftshader, gpu: null }, tiny, catalog)).toBeNull();
    const w = deviceWarnings({ ...swiftshader, gpu: null }, tiny, catalog, false);
    expect(w.map((x) => x.kind)).toEqual(['too-small', 'no-webgpu', 'not-isolated']);
    expect(w[0]).toMatchObject({ neededMB: Math.round(smallest / 2 ** 20), availableMB: 50 });
  });
});
