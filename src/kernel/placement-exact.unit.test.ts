/**
 * Placement compares demand exactly. Demand spans classes 4096× apart: with realtime work resident the
 * total is ~2^36 while a background job adds 1–4, so any relative tolerance (or a rounded float sum) at
 * that scale hides background demand, and a free slot stays empty until the realtime work ends.
 *
 * The reference here is independent of `placement.ts`: an exhaustive enumeration of every feasible
 * resident set, scored with exact integer demand (`BigInt`), then fewer loads, then retention.
 */
import { describe, expect, test } from 'vitest';
import { MB } from '../models/cost';
import { place, placeExact, retentionValue, type PlacementBudget, type PlacementModel, type PlacementResult } from './placement';
import { classWeight, rankOf } from './priority';
import { RESIDENT_HYSTERESIS } from './resident-set';
import { jobDemand } from './run-queue';
import { rng } from './testing/rng';

const AGING_STEP_MS = 1_000;
const REALTIME = rankOf('realtime');
const BACKGROUND = rankOf('background');

/** Demand as an exact integer in units of 2^-80 (every demand the generator makes is ≥ 0.5 or 0). */
function exactUnits(demand: number): bigint {
  const scaled = demand * 2 ** 80;
  if (!Number.isInteger(scaled)) throw new Error(`demand ${demand} is not a multiple of 2^-80`);
  return BigInt(scaled);
}

interface RefScore { demand: bigint; loads: number; keepValue: number }

/** The documented objective, computed exactly: demand, then fewer loads, then retention of idle residents kept. */
function refScore(set: readonly PlacementModel[]): RefScore {
  let demand = 0n, loads = 0, keepValue = 0;
  for (const m of set) {
    demand += exactUnits(m.demand);
    if (!m.resident) loads++;
    else if (!m.locked) keepValue += m.keepValue;
  }
  return { demand, loads, keepValue };
}

function refBetter(a: RefScore, b: RefScore): boolean {
  if (a.demand !== b.demand) return a.demand > b.demand;
  if (a.loads !== b.loads) return a.loads < b.loads;
  return a.keepValue > b.keepValue + 1e-9;
}

function fits(set: readonly PlacementModel[], budget: PlacementBudget): boolean {
  return set.length <= budget.slots
    && set.reduce((s, m) => s + m.vramBytes, 0) <= budget.vramBytes
    && set.reduce((s, m) => s + m.ramBytes, 0) <= budget.ramBytes;
}

/** Optimum by enumerating every subset that keeps the locked models and fits the budget. */
function bruteOptimum(models: readonly PlacementModel[], budget: PlacementBudget): { score: RefScore; set: PlacementModel[] } {
  let best: { score: RefScore; set: PlacementModel[] } | null = null;
  for (let mask = 0; mask < 1 << models.length; mask++) {
    const set = models.filter((_, i) => mask & (1 << i));
    if (models.some((m, i) => m.locked && !(mask & (1 << i))) || !fits(set, budget)) continue;
    const score = refScore(set);
    if (!best || refBetter(score, best.score)) best = { score, set };
  }
  if (!best) throw new Error('the locked residents do not fit: the generator must not make such instances');
  return best;
}

/** Demand of `jobs` queued jobs of random classes (realtime often) that waited a random time. */
function queuedDemand(r: () => number, jobs: number): number {
  let d = 0;
  for (let j = 0; j < jobs; j++) {
    const rank = [BACKGROUND, BACKGROUND, 1, 2, REALTIME][Math.floor(r() * 5)]!;
    d += jobDemand(rank, r() * 5 * AGING_STEP_MS, AGING_STEP_MS);
  }
  return d;
}

/**
 * A random instance shaped like what `residentSet` builds: residents are a feasible set (some locked by
 * running jobs, some running preemptible lower-class jobs), resident queued demand counts ×
 * `RESIDENT_HYSTERESIS`, and queued models of every class wait to be loaded.
 */
function randomInstance(r: () => number): { models: PlacementModel[]; budget: PlacementBudget } {
  const budget = { vramBytes: Math.floor(r() * 3000) * MB, ramBytes: Math.floor(r() * 3000) * MB, slots: 1 + Math.floor(r() * 4) };
  const n = 2 + Math.floor(r() * 8);
  const models: PlacementModel[] = [];
  const room = { vram: budget.vramBytes, ram: budget.ramBytes, slots: budget.slots };
  for (let i = 0; i < n; i++) {
    const vramBytes = r() < 0.4 ? 0 : Math.floor(r() * 1500) * MB;
    const ramBytes = Math.floor(r() * 1500) * MB;
    const queued = r() < 0.6 ? queuedDemand(r, 1 + Math.floor(r() * 3)) : 0;
    const resident = room.slots >= 1 && vramBytes <= room.vram && ramBytes <= room.ram && r() < 0.5;
    if (!resident) {
      models.push({ id: `m${i}`, vramBytes, ramBytes, demand: queued, resident, locked: false, keepValue: 0, lastUsed: 0 });
      continue;
    }
    room.slots--; room.vram -= vramBytes; room.ram -= ramBytes;
    const running = r() < 0.6;
    const locked = running && r() < 0.6;
    // A preemptible running job carries its demand as if one class higher (see `residentSet`).
    const runningDemand = running && !locked ? 0.99 * classWeight(Math.floor(r() * 3) + 1) : 0;
    const keepValue = running ? 0.99 : retentionValue(r() * 10_000, [0, -1, 5_000][Math.floor(r() * 3)]!);
    models.push({ id: `m${i}`, vramBytes, ramBytes, demand: queued * RESIDENT_HYSTERESIS + runningDemand, resident, locked, keepValue, lastUsed: i });
  }
  return { models, budget };
}

function chosenSet(res: PlacementResult, models: readonly PlacementModel[]): PlacementModel[] {
  return models.filter((m) => res.resident.includes(m.id));
}

describe('placement compares demand exactly', () => {
  test('a realtime model running in one slot does not keep a queued background model out of a free slot', () => {
    const budget = { vramBytes: 0, ramBytes: 1000 * MB, slots: 2 };
    // One realtime job runs (the model is locked), a second one is queued for the same model.
    const realtime: PlacementModel = {
      id: 'realtime', vramBytes: 0, ramBytes: 400 * MB, demand: RESIDENT_HYSTERESIS * jobDemand(REALTIME, 0, AGING_STEP_MS),
      resident: true, locked: true, keepValue: 0.99, lastUsed: 1,
    };
    const background: PlacementModel = {
      id: 'background', vramBytes: 0, ramBytes: 400 * MB, demand: jobDemand(BACKGROUND, 0, AGING_STEP_MS),
      resident: false, locked: false, keepValue: 0, lastUsed: 0,
    };
    for (const res of [placeExact([realtime, background], budget), place([realtime, background], budget)]) {
      expect(res.resident).toEqual(['realtime', 'background']);
      expect(res.load).toEqual(['background']);
      expect(res.evict).toEqual([]);
      expect(res.score.demand).toBe(realtime.demand + background.demand);
    }
  });

  test('demand differences below the rounding of a floating-point sum still count', () => {
    // 2^37 + 1 + 2^-30 rounds to 2^37 + 1 as a double: only an exact sum sees that `newer` wins.
    const budget = { vramBytes: 0, ramBytes: 100 * MB, slots: 2 };
    const res = placeExact([
      { id: 'rt', vramBytes: 0, ramBytes: 50 * MB, demand: 2 ** 37, resident: true, locked: true, keepValue: 0.99 },
      { id: 'older', vramBytes: 0, ramBytes: 50 * MB, demand: 1, resident: true, locked: false, keepValue: 0.5 },
      { id: 'newer', vramBytes: 0, ramBytes: 50 * MB, demand: 1 + 2 ** -30, resident: false, locked: false, keepValue: 0 },
    ], budget);
    expect(res.resident).toEqual(['rt', 'newer']);
    expect(res.evict).toEqual(['older']);
  });

  test('branch and bound is never below the exhaustive optimum on 4,000 random instances', () => {
    const r = rng(19);
    const cases = 4000;
    let mixed = 0;
    const below: string[] = [];
    for (let i = 0; i < cases; i++) {
      const { models, budget } = randomInstance(r);
      const optimum = bruteOptimum(models, budget);
      const demands = optimum.set.map((m) => m.demand).filter((d) => d > 0);
      if (demands.some((d) => d >= classWeight(REALTIME)) && demands.some((d) => d < classWeight(1))) mixed++;
      for (const [solver, res] of [['placeExact', placeExact(models, budget)], ['place', place(models, budget)]] as const) {
        const set = chosenSet(res, models);
        expect(fits(set, budget), `instance ${i}, ${solver}: within budget`).toBe(true);
        for (const m of models.filter((x) => x.locked)) expect(res.resident, `instance ${i}, ${solver}: locked ${m.id} kept`).toContain(m.id);
        if (refBetter(optimum.score, refScore(set))) {
          below.push(`instance ${i}, ${solver}: chose ${res.resident.join(',')}, optimum ${optimum.set.map((m) => m.id).join(',')}`);
        }
      }
    }
    expect(below, `${below.length} placements below the optimum`).toEqual([]);
    // The generator really makes optima that mix realtime and background demand.
    expect(mixed).toBeGreaterThan(100);
  });
});
