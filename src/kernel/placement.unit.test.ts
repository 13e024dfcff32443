import { describe, expect, test } from 'vitest';
import {
  betterScore, place, placeBruteForce, placeExact, placeGreedy, placeLru, refusal, retentionValue,
  type PlacementBudget, type PlacementModel, type PlacementResult,
} from './placement';
import { MB } from '../models/cost';
import { rng } from './testing/rng';

function randomInstance(r: () => number, n: number): { models: PlacementModel[]; budget: PlacementBudget } {
  const budget = { vramBytes: Math.floor(r() * 4000) * MB, ramBytes: Math.floor(r() * 4000) * MB, slots: 1 + Math.floor(r() * 5) };
  const models: PlacementModel[] = [];
  let slotsUsedByResidents = 0;
  const room = { v: budget.vramBytes, r: budget.ramBytes };
  for (let i = 0; i < n; i++) {
    const vram = r() < 0.3 ? 0 : Math.floor(r() * 2500) * MB;
    const ram = Math.floor(r() * 2500) * MB;
    // Residents are a feasible set (as the kernel guarantees), some of them locked.
    const canBeResident = slotsUsedByResidents < budget.slots && vram <= room.v && ram <= room.r;
    const resident = canBeResident && r() < 0.5;
    if (resident) { slotsUsedByResidents++; room.v -= vram; room.r -= ram; }
    const classes = [0, 1, 4096, 4096 * 4096];
    const demand = r() < 0.35 ? 0 : classes[Math.floor(r() * 4)]! * (1 + Math.floor(r() * 3)) * (r() < 0.5 ? 1 : 1.5);
    models.push({
      id: `m${i}`, vramBytes: vram, ramBytes: ram, demand, resident,
      locked: resident && r() < 0.25, keepValue: resident ? Math.round(r() * 99) / 100 : 0, lastUsed: Math.floor(r() * 1000),
    });
  }
  return { models, budget };
}

function usage(res: PlacementResult, models: PlacementModel[]) {
  const chosen = models.filter((m) => res.resident.includes(m.id));
  return {
    vram: chosen.reduce((s, m) => s + m.vramBytes, 0),
    ram: chosen.reduce((s, m) => s + m.ramBytes, 0),
    slots: chosen.length,
  };
}

function expectWithinBudget(res: PlacementResult, models: PlacementModel[], budget: PlacementBudget) {
  const u = usage(res, models);
  expect(u.vram).toBeLessThanOrEqual(budget.vramBytes);
  expect(u.ram).toBeLessThanOrEqual(budget.ramBytes);
  expect(u.slots).toBeLessThanOrEqual(budget.slots);
}

describe('placement', () => {
  test('exact branch and bound equals brute force on 2,000 random instances', () => {
    const r = rng(42);
    let withLoads = 0, withEvictions = 0;
    for (let i = 0; i < 2000; i++) {
      const { models, budget } = randomInstance(r, 2 + Math.floor(r() * 11));
      const exact = placeExact(models, budget);
      const brute = placeBruteForce(models, budget);
      // Same optimum (several sets may reach it): neither is better than the other.
      expect(betterScore(exact.score, brute.score), `instance ${i}`).toBe(false);
      expect(betterScore(brute.score, exact.score), `instance ${i}`).toBe(false);
      expectWithinBudget(exact, models, budget);
      // Locked residents are kept (the random residents are a feasible set).
      for (const m of models.filter((x) => x.locked)) expect(exact.resident).toContain(m.id);
      // The plan is consistent: loads are non-residents, evictions are residents.
      for (const id of exact.load) expect(models.find((m) => m.id === id)!.resident).toBe(false);
      for (const id of exact.evict) expect(models.find((m) => m.id === id)!.resident).toBe(true);
      if (exact.load.length) withLoads++;
      if (exact.evict.length) withEvictions++;
    }
    // The generator really exercises loading and eviction, not only trivial fits.
    expect(withLoads).toBeGreaterThan(800);
    expect(withEvictions).toBeGreaterThan(200);
  });

  test('greedy is always within budget and never better than exact', () => {
    const r = rng(7);
    for (let i = 0; i < 1000; i++) {
      const { models, budget } = randomInstance(r, 1 + Math.floor(r() * 12));
      const g = placeGreedy(models, budget);
      const e = placeExact(models, budget);
      expectWithinBudget(g, models, budget);
      expect(betterScore(g.score, e.score)).toBe(false);
      expectWithinBudget(placeLru(models, budget), models, budget);
    }
  });

  test('exact solves 20 candidates quickly; beyond the limit greedy takes over', () => {
    const r = rng(3);
    const { models, budget } = randomInstance(r, 20);
    const t0 = performance.now();
    const res = place(models, budget);
    expect(res.exact).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    const big = randomInstance(r, 40);
    const g = place(big.models.map((m) => ({ ...m, demand: m.demand || 1 })), big.budget);
    expect(g.exact).toBe(false);
    expectWithinBudget(g, big.models, big.budget);
  });

  test('higher-class demand wins over any number of lower-class jobs', () => {
    const budget = { vramBytes: 0, ramBytes: 100 * MB, slots: 1 };
    const res = placeExact([
      { id: 'bg', vramBytes: 0, ramBytes: 60 * MB, demand: 200 * 4, resident: true, locked: false, keepValue: 0.9 },
      { id: 'ia', vramBytes: 0, ramBytes: 60 * MB, demand: 4096, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(res.resident).toEqual(['ia']);
    expect(res.evict).toEqual(['bg']);
    expect(res.load).toEqual(['ia']);
  });

  test('ties in demand are broken by fewer loads, then by retention (recency, keepAlive, size)', () => {
    const budget = { vramBytes: 0, ramBytes: 100 * MB, slots: 4 };
    const a = placeExact([
      { id: 'resident', vramBytes: 0, ramBytes: 60 * MB, demand: 1, resident: true, locked: false, keepValue: 0.1 },
      { id: 'other', vramBytes: 0, ramBytes: 60 * MB, demand: 1, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(a.resident).toEqual(['resident']);
    expect(a.load).toEqual([]);
    // Room for a 50 MB newcomer: evict the one large idle model rather than two small ones of equal value.
    const b = placeExact([
      { id: 'large', vramBytes: 0, ramBytes: 50 * MB, demand: 0, resident: true, locked: false, keepValue: 0.5 },
      { id: 'small1', vramBytes: 0, ramBytes: 25 * MB, demand: 0, resident: true, locked: false, keepValue: 0.5 },
      { id: 'small2', vramBytes: 0, ramBytes: 25 * MB, demand: 0, resident: true, locked: false, keepValue: 0.5 },
      { id: 'new', vramBytes: 0, ramBytes: 50 * MB, demand: 1, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(b.evict).toEqual(['large']);
    // Same size: the less recently used (lower retention) goes.
    const c = placeExact([
      { id: 'recent', vramBytes: 0, ramBytes: 50 * MB, demand: 0, resident: true, locked: false, keepValue: retentionValue(1_000, 300_000) },
      { id: 'stale', vramBytes: 0, ramBytes: 50 * MB, demand: 0, resident: true, locked: false, keepValue: retentionValue(200_000, 300_000) },
      { id: 'new', vramBytes: 0, ramBytes: 50 * MB, demand: 1, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(c.evict).toEqual(['stale']);
  });

  test('locked models stay, pinned ones go last; a budget below locked models forces evictions', () => {
    const budget = { vramBytes: 0, ramBytes: 100 * MB, slots: 2 };
    const res = placeExact([
      { id: 'running', vramBytes: 0, ramBytes: 70 * MB, demand: 0, resident: true, locked: true, keepValue: 0.99 },
      { id: 'wanted', vramBytes: 0, ramBytes: 70 * MB, demand: 4096 ** 3, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(res.resident).toEqual(['running']);
    const pins = placeExact([
      { id: 'pinned', vramBytes: 0, ramBytes: 40 * MB, demand: 0, resident: true, locked: false, keepValue: retentionValue(1e9, -1) },
      { id: 'fresh', vramBytes: 0, ramBytes: 40 * MB, demand: 0, resident: true, locked: false, keepValue: retentionValue(0, 300_000) },
      { id: 'wanted', vramBytes: 0, ramBytes: 40 * MB, demand: 1, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(pins.evict).toEqual(['fresh']);
    const shrunk = placeExact([
      { id: 'a', vramBytes: 0, ramBytes: 70 * MB, demand: 0, resident: true, locked: true, keepValue: 0 },
      { id: 'b', vramBytes: 0, ramBytes: 70 * MB, demand: 0, resident: true, locked: true, keepValue: 0 },
    ], budget);
    expect(shrunk.resident).toEqual(['a']);
    expect(shrunk.forced).toEqual(['b']);
    expect(shrunk.evict).toEqual(['b']);
  });

  test('a model larger than the whole budget is refused with needed and available MB', () => {
    const budget = { vramBytes: 512 * MB, ramBytes: 100 * MB, slots: 2 };
    expect(refusal({ id: 'x', vramBytes: 600 * MB, ramBytes: 0 }, budget)).toEqual({ id: 'x', resource: 'vram', neededMB: 600, availableMB: 512 });
    expect(refusal({ id: 'y', vramBytes: 0, ramBytes: 101 * MB }, budget)).toMatchObject({ resource: 'ram', neededMB: 101, availableMB: 100 });
    expect(refusal({ id: 'z', vramBytes: 0, ramBytes: 1 }, { ...budget, slots: 0 })).toMatchObject({ resource: 'slots' });
    const res = place([{ id: 'x', vramBytes: 600 * MB, ramBytes: 0, demand: 5, resident: false, locked: false, keepValue: 0 }], budget);
    expect(res.refused.map((r) => r.id)).toEqual(['x']);
    expect(res.resident).toEqual([]);
  });

  test('retention value: pinned high, keepAlive 0 nothing, decays to 0 at expiry', () => {
    expect(retentionValue(0, -1)).toBe(1);
    expect(retentionValue(0, 0)).toBe(0);
    expect(retentionValue(0, 1000)).toBeCloseTo(0.99);
    expect(retentionValue(500, 1000)).toBeCloseTo(0.495);
    expect(retentionValue(5000, 1000)).toBe(0);
  });
});
