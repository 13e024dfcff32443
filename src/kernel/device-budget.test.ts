/** The device probe and persisted overrides in real Chromium (SwiftShader WebGPU, see docs/architecture.md, "Measured on these machines"). */
import { afterEach, describe, expect, test } from 'vitest';
import { MB } from '../models/cost';
import { deriveBudget, probeDevice } from './device-budget';
import { Kernel } from './kernel';
import { localSettingsStore } from './settings-store';

const KEY = 'llmos-kernel:budget:test';
afterEach(() => localStorage.removeItem(KEY));

describe('device budget in the browser', () => {
  test('the probe sees the SwiftShader adapter as software, with its limits, and derives a budget', async () => {
    const p = await probeDevice();
    expect(p.gpu).not.toBeNull();
    expect(p.gpu!.architecture).toBe('swiftshader');
    expect(p.gpu!.software).toBe(true);
    expect(p.gpu!.features).not.toContain('shader-f16');
    expect(p.gpu!.maxBufferSize).toBeGreaterThan(0);
    expect(p.hardwareConcurrency).toBe(navigator.hardwareConcurrency);
    expect(p.storage!.quotaBytes).toBeGreaterThan(0);
    const b = deriveBudget(p);
    expect(b.vramBytes).toBeGreaterThan(0);
    expect(b.vramBytes).toBeLessThanOrEqual(p.gpu!.maxBufferSize);
    expect(b.ramBytes).toBeGreaterThan(0);
    expect(b.slots).toBeGreaterThanOrEqual(1);
  });

  test('overrides set through the kernel persist in localStorage and apply to the next kernel', async () => {
    const a = new Kernel({ settings: localSettingsStore(KEY) });
    const seen: number[] = [];
    a.events.on('budget-changed', (d) => seen.push(d.budget.ramBytes));
    await a.ready;
    const b1 = a.setBudget({ ramMB: 123, slots: 2 })!;
    expect(b1).toMatchObject({ ramBytes: 123 * MB, slots: 2, source: { ram: 'override', slots: 'override', vram: 'probe' } });
    expect(seen.at(-1)).toBe(123 * MB);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual({ ramMB: 123, slots: 2 });
    a.shutdown();
    const b = new Kernel({ settings: localSettingsStore(KEY) });
    const budget = await b.ready;
    expect(budget.ramBytes).toBe(123 * MB);
    b.setBudget({ slots: null });
    expect(b.budget!.source.slots).toBe('probe');
    b.shutdown();
  });
});
