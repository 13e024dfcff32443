/**
 * Placement: which models are resident (in which budget) and which are evicted. Pure functions, no I/O.
 *
 * The problem is a 2-D knapsack with a cardinality limit: every candidate model costs VRAM and RAM and
 * takes one worker slot; the chosen set must fit all three budgets. The objective, compared
 * lexicographically, is
 *   1. maximise the priority-weighted queued demand of the chosen models,
 *   2. then minimise the number of loads (models chosen that are not resident yet),
 *   3. then maximise the retention value (`keepValue`) of idle resident models kept.
 * Term 3 makes eviction size-, recency- and keepAlive-aware: retention values come from recency and
 * keepAlive (see `retentionValue`), and because the knapsack maximises their *sum*, evicting one large
 * model is preferred to evicting several small ones of equal value.
 *
 * Demand is compared exactly: the solvers sum it in integers (every finite number is an integer multiple
 * of a power of two, see `exactDemands`), never with a tolerance. Classes are 4096× apart, so a set with
 * realtime work has demand ~2^36 while a background job adds 1–4: a relative tolerance (or the rounding
 * of a floating-point sum) at that scale would make background demand invisible, and a free slot would
 * stay empty until the realtime work ends.
 *
 * Locked models (running jobs, a load in progress) are kept unconditionally while they fit;
 * if the budget shrank below them, the ones that no longer fit are returned in `evict` with `forced`.
 * `placeExact` (branch and bound) is exact and used up to `exactLimit` candidates; beyond, `placeGreedy`.
 */
import { MB } from '../models/cost';

/** One candidate model. */
export interface PlacementModel {
  id: string;
  vramBytes: number;
  ramBytes: number;
  /** Priority-weighted queued demand (finite, ≥ 0; anything else counts as 0). */
  demand: number;
  /** Loaded (or loading) now. */
  resident: boolean;
  /** Must stay if it fits: running jobs, a load in progress, pinned. */
  locked: boolean;
  /** Retention value of an idle resident model, in [0, 1] (see `retentionValue`). */
  keepValue: number;
  /** Last use, for the LRU baseline. */
  lastUsed?: number;
}

/** What is available. */
export interface PlacementBudget {
  vramBytes: number;
  ramBytes: number;
  slots: number;
}

/** A model that can never fit, with the figures for `ModelTooLargeError`. */
export interface RefusedModel {
  id: string;
  resource: 'vram' | 'ram' | 'slots';
  neededMB: number;
  availableMB: number;
}

/** Objective value of a chosen set. */
export interface PlacementScore {
  /** Total demand: the exact sum, rounded once to a number (equal exact sums give equal numbers). */
  demand: number;
  loads: number;
  keepValue: number;
}

/** Objective value with the demand as an exact integer (in units of 2^-scale, see `exactDemands`). */
interface ExactScore {
  demand: bigint;
  loads: number;
  keepValue: number;
}

/** The decision. */
export interface PlacementResult {
  /** Every model resident after the decision (kept + loaded). */
  resident: string[];
  /** Not resident now, to be loaded. */
  load: string[];
  /** Resident now, to be unloaded. */
  evict: string[];
  /** Locked models evicted only because the budget no longer holds them (their jobs must be preempted). */
  forced: string[];
  refused: RefusedModel[];
  score: PlacementScore;
  exact: boolean;
}

/** Tolerance of the retention term only (sums of values in [0, 1]); demand has none. */
const EPS = 1e-9;

/** The lexicographic comparison, on number or exact demand; retention wins only by more than `keepSlack`. */
function better<D extends number | bigint>(
  a: { demand: D; loads: number; keepValue: number }, b: { demand: D; loads: number; keepValue: number }, keepSlack: number,
): boolean {
  if (a.demand !== b.demand) return a.demand > b.demand;
  if (a.loads !== b.loads) return a.loads < b.loads;
  return a.keepValue > b.keepValue + keepSlack;
}

/**
 * Is `a` strictly better than `b`? Demand is compared exactly (no tolerance: a background job's demand
 * must count next to realtime demand), then fewer loads, then retention up to `EPS`.
 */
export function betterScore(a: PlacementScore, b: PlacementScore): boolean {
  return better(a, b, EPS);
}

/**
 * The branch-and-bound test: could a subtree whose optimistic bound is `bound` still beat `best`? The
 * same comparison on exact demand, with half the retention tolerance as slack, so that the rounding of
 * the bound's floating-point retention sum never prunes a set the search would accept.
 */
function mayBeat(bound: ExactScore, best: ExactScore): boolean {
  return better(bound, best, EPS / 2);
}

/**
 * Demands as exact integers in units of 2^-scale. A finite number is m × 2^-k with m an integer; with
 * `scale` the largest such k among the demands, each becomes an integer and sums of them are exact.
 */
function exactDemands(models: readonly PlacementModel[]): { units: Map<PlacementModel, bigint>; scale: number } {
  const parts = models.map((m) => {
    let mantissa = Number.isFinite(m.demand) && m.demand > 0 ? m.demand : 0;
    let k = 0;
    // Doubling is exact; at most 1074 steps (the smallest subnormal).
    while (!Number.isInteger(mantissa)) { mantissa *= 2; k++; }
    return { m, mantissa: BigInt(mantissa), k };
  });
  const scale = Math.max(0, ...parts.map((p) => p.k));
  return { units: new Map(parts.map((p) => [p.m, p.mantissa << BigInt(scale - p.k)])), scale };
}

/** An exact demand (units of 2^-scale) as the nearest number. */
function demandNumber(units: bigint, scale: number): number {
  let v = Number(units);
  for (let s = scale; s > 0; s -= 1000) v /= 2 ** Math.min(s, 1000);
  return v;
}

/**
 * Retention value of an idle resident model: 0.99 × the unexpired fraction of its keepAlive; a pinned
 * model (`keepAliveMs` < 0) has 1, above any other, so it is evicted last — only when queued work
 * cannot be placed otherwise (a pin must not make other jobs wait forever). 0 means "unload after use".
 */
export function retentionValue(idleMs: number, keepAliveMs: number): number {
  if (keepAliveMs < 0) return 1;
  if (keepAliveMs === 0) return 0;
  return 0.99 * Math.max(0, 1 - Math.max(0, idleMs) / keepAliveMs);
}

/** A model needing more than a whole budget, or null. */
export function refusal(m: Pick<PlacementModel, 'id' | 'vramBytes' | 'ramBytes'>, budget: PlacementBudget): RefusedModel | null {
  const mb = (b: number) => Math.round((b / MB) * 10) / 10;
  if (budget.slots < 1) return { id: m.id, resource: 'slots', neededMB: 0, availableMB: 0 };
  if (m.vramBytes > budget.vramBytes) return { id: m.id, resource: 'vram', neededMB: mb(m.vramBytes), availableMB: mb(Math.max(0, budget.vramBytes)) };
  if (m.ramBytes > budget.ramBytes) return { id: m.id, resource: 'ram', neededMB: mb(m.ramBytes), availableMB: mb(Math.max(0, budget.ramBytes)) };
  return null;
}

interface Prepared {
  forcedIn: PlacementModel[];
  forcedOut: PlacementModel[];
  free: PlacementModel[];
  refused: RefusedModel[];
  room: { vram: number; ram: number; slots: number };
}

/** Split candidates into locked-and-fitting, locked-but-over-budget, free and refused. */
function prepare(models: readonly PlacementModel[], budget: PlacementBudget): Prepared {
  const room = { vram: budget.vramBytes, ram: budget.ramBytes, slots: budget.slots };
  const forcedIn: PlacementModel[] = [];
  const forcedOut: PlacementModel[] = [];
  const free: PlacementModel[] = [];
  const refused: RefusedModel[] = [];
  for (const m of models) {
    const r = refusal(m, budget);
    if (r) {
      refused.push(r);
      if (m.resident) forcedOut.push(m);
      continue;
    }
    if (m.locked) {
      if (m.vramBytes <= room.vram && m.ramBytes <= room.ram && room.slots >= 1) {
        forcedIn.push(m);
        room.vram -= m.vramBytes; room.ram -= m.ramBytes; room.slots -= 1;
      } else {
        forcedOut.push(m);
      }
    } else if (m.resident || m.demand > 0) {
      // A model that is neither resident nor wanted is never worth a load.
      free.push(m);
    }
  }
  return { forcedIn, forcedOut, free, refused, room };
}

/** Score of a set, its demand summed exactly in `units` (see `exactDemands`). */
function scoreOf(set: readonly PlacementModel[], units: ReadonlyMap<PlacementModel, bigint>): ExactScore {
  let demand = 0n, loads = 0, keepValue = 0;
  for (const m of set) {
    demand += units.get(m) ?? 0n;
    if (!m.resident) loads++;
    else if (!m.locked) keepValue += m.keepValue;
  }
  return { demand, loads, keepValue };
}

function finish(models: readonly PlacementModel[], p: Prepared, chosen: PlacementModel[], exact: boolean): PlacementResult {
  const all = [...p.forcedIn, ...chosen];
  const ids = new Set(all.map((m) => m.id));
  const { units, scale } = exactDemands(all);
  const score = scoreOf(all, units);
  return {
    resident: all.map((m) => m.id),
    load: all.filter((m) => !m.resident).map((m) => m.id),
    evict: models.filter((m) => m.resident && !ids.has(m.id)).map((m) => m.id),
    forced: p.forcedOut.filter((m) => m.locked).map((m) => m.id),
    refused: p.refused,
    score: { demand: demandNumber(score.demand, scale), loads: score.loads, keepValue: score.keepValue },
    exact,
  };
}

/** Exact branch and bound over the free candidates (optimal; exponential in the worst case). */
export function placeExact(models: readonly PlacementModel[], budget: PlacementBudget): PlacementResult {
  const p = prepare(models, budget);
  // Highest demand first, so good solutions come early and the bound prunes hard.
  const items = [...p.free].sort((a, b) => b.demand - a.demand || Number(b.resident) - Number(a.resident) || b.keepValue - a.keepValue);
  const n = items.length;
  const { units } = exactDemands([...p.forcedIn, ...items]);
  const demandOf = items.map((m) => units.get(m)!);
  const sufDemand = new Array<bigint>(n + 1).fill(0n);
  const sufKeep = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    sufDemand[i] = sufDemand[i + 1]! + demandOf[i]!;
    sufKeep[i] = sufKeep[i + 1]! + (items[i]!.resident ? items[i]!.keepValue : 0);
  }
  const base = scoreOf(p.forcedIn, units);
  let best: ExactScore = { ...base };
  let bestSet: PlacementModel[] = [];
  const chosen: PlacementModel[] = [];
  const dfs = (i: number, vram: number, ram: number, slots: number, s: ExactScore): void => {
    if (better(s, best, EPS)) { best = { ...s }; bestSet = chosen.slice(); }
    if (i === n) return;
    // Optimistic bound: all remaining demand, no further loads, all remaining retention.
    const bound = { demand: s.demand + sufDemand[i]!, loads: s.loads, keepValue: s.keepValue + sufKeep[i]! };
    if (!mayBeat(bound, best)) return;
    const m = items[i]!;
    if (slots >= 1 && m.vramBytes <= vram && m.ramBytes <= ram) {
      chosen.push(m);
      dfs(i + 1, vram - m.vramBytes, ram - m.ramBytes, slots - 1, {
        demand: s.demand + demandOf[i]!, loads: s.loads + (m.resident ? 0 : 1), keepValue: s.keepValue + (m.resident ? m.keepValue : 0),
      });
      chosen.pop();
    }
    dfs(i + 1, vram, ram, slots, s);
  };
  dfs(0, p.room.vram, p.room.ram, p.room.slots, base);
  return finish(models, p, bestSet, true);
}

/** Greedy: by demand per unit of (normalised) size, residents first on ties. Always within budget. */
export function placeGreedy(models: readonly PlacementModel[], budget: PlacementBudget): PlacementResult {
  const p = prepare(models, budget);
  const size = (m: PlacementModel) =>
    (budget.vramBytes > 0 ? m.vramBytes / budget.vramBytes : 0) + (budget.ramBytes > 0 ? m.ramBytes / budget.ramBytes : 0) + 1 / Math.max(1, budget.slots);
  const items = [...p.free].sort((a, b) => b.demand / size(b) - a.demand / size(a)
    || Number(b.resident) - Number(a.resident) || b.keepValue / size(b) - a.keepValue / size(a));
  const room = { ...p.room };
  const chosen: PlacementModel[] = [];
  for (const m of items) {
    if (room.slots >= 1 && m.vramBytes <= room.vram && m.ramBytes <= room.ram) {
      chosen.push(m);
      room.vram -= m.vramBytes; room.ram -= m.ramBytes; room.slots -= 1;
    }
  }
  return finish(models, p, chosen, false);
}

/** Exact up to `exactLimit` free candidates (default 20), greedy beyond. */
export function place(models: readonly PlacementModel[], budget: PlacementBudget, exactLimit = 20): PlacementResult {
  const candidates = models.filter((m) => m.locked || m.resident || m.demand > 0).length;
  return candidates <= exactLimit ? placeExact(models, budget) : placeGreedy(models, budget);
}

/**
 * LRU-only baseline (for the budget benchmark): keep every resident model, and to make room for the
 * most demanded missing model evict idle residents least-recently-used first. Ignores demand otherwise.
 */
export function placeLru(models: readonly PlacementModel[], budget: PlacementBudget): PlacementResult {
  const p = prepare(models, budget);
  const residents = p.free.filter((m) => m.resident);
  const wanted = p.free.filter((m) => !m.resident && m.demand > 0).sort((a, b) => b.demand - a.demand)[0];
  let kept = residents;
  if (wanted) {
    const lru = [...residents].sort((a, b) => (a.lastUsed ?? 0) - (b.lastUsed ?? 0));
    const fits = (set: PlacementModel[]) => {
      const v = set.reduce((s, m) => s + m.vramBytes, wanted.vramBytes);
      const r = set.reduce((s, m) => s + m.ramBytes, wanted.ramBytes);
      return v <= p.room.vram && r <= p.room.ram && set.length + 1 <= p.room.slots;
    };
    while (lru.length && !fits(lru)) lru.shift();
    if (fits(lru)) kept = [...lru, wanted];
  }
  return finish(models, p, kept, false);
}

/** Brute force over every subset (tests only: the reference `placeExact` is checked against). */
export function placeBruteForce(models: readonly PlacementModel[], budget: PlacementBudget): PlacementResult {
  const p = prepare(models, budget);
  const n = p.free.length;
  const { units } = exactDemands([...p.forcedIn, ...p.free]);
  let best = scoreOf(p.forcedIn, units);
  let bestSet: PlacementModel[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const set = p.free.filter((_, i) => mask & (1 << i));
    const v = set.reduce((s, m) => s + m.vramBytes, 0);
    const r = set.reduce((s, m) => s + m.ramBytes, 0);
    if (v > p.room.vram || r > p.room.ram || set.length > p.room.slots) continue;
    const s = scoreOf([...p.forcedIn, ...set], units);
    if (better(s, best, EPS)) { best = s; bestSet = set; }
  }
  return finish(models, p, bestSet, true);
}
