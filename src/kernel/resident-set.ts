/**
 * The resident set the scheduler asks placement (`placement.ts`, pure) for on every pass: the models
 * resident now, with their locks, demand and retention value, and the queued models that could be
 * loaded, under the budget in force.
 */
import type { Budget } from './device-budget';
import type { ModelRegistry } from './model-registry';
import { place, placeLru, retentionValue, type PlacementModel, type PlacementResult } from './placement';
import { classWeight } from './priority';
import type { SchedulerConfig } from './scheduler-config';
import type { Slot, WorkerPool } from './worker-pool';

/**
 * Switching hysteresis: a resident model's queued demand counts this much more, so replacing it by a
 * model that must be loaded has to win by that margin (a load costs seconds). Below the 4096× gap
 * between classes, so it never overrides a class.
 */
export const RESIDENT_HYSTERESIS = 2;

/** What the resident set is computed from: the scheduler's state. */
export interface ResidentSetInput {
  readonly budget: Budget | null;
  readonly pool: WorkerPool;
  readonly registry: ModelRegistry;
  readonly config: SchedulerConfig;
}

/**
 * Placement for the current state. Running jobs lock their model, except jobs ranked below
 * `unlockBelow` (the best queued rank): their model may be evicted (they are preempted), and it
 * carries their demand as if they were one class higher — so only strictly higher-class queued work
 * can displace them, never a pile of equal-class jobs. Models being unloaded (or drained from
 * inactive slots) are not candidates and their memory counts as free: they are on their way out, and
 * a load starts only once the memory really is free (see `pass`).
 */
export function residentSet(state: ResidentSetInput, demand: Map<string, number>, now: number, unlockBelow: number): PlacementResult {
  const budget = state.budget!;
  const models: PlacementModel[] = [];
  // Remote models cost no memory and have slots of their own (`remoteSlots`): they stay out of the knapsack,
  // resident while they have work or are kept alive, loaded as soon as they have demand.
  const remote = (id: string) => state.registry.has(id) && state.registry.get(id).engine === 'remote';
  const remoteResident: string[] = [];
  const remoteLoad: string[] = [];
  const lockOf = (slot: Slot) => Math.max(-1, ...[...slot.running].map((j) => (j.preemptible ? j.runRank : Infinity)));
  const residentSlots = state.pool.slots
    .filter((s) => s.model !== null && s.active && s.modelState !== 'unloading')
    .sort((a, b) => lockOf(b) - lockOf(a));
  for (const s of residentSlots) {
    if (remote(s.model!)) { remoteResident.push(s.model!); continue; }
    const running = [...s.running];
    // A model loaded for queued work serves at least one job before it can be evicted again.
    const fresh = s.fresh && demand.has(s.model!);
    const locked = s.modelState === 'loading' || fresh || running.some((j) => j.runRank >= unlockBelow || !j.preemptible);
    const runningDemand = locked ? 0 : running.reduce((d, j) => d + 0.99 * classWeight(j.runRank + 1), 0);
    models.push({
      id: s.model!, vramBytes: s.vramBytes, ramBytes: s.ramBytes, demand: (demand.get(s.model!) ?? 0) * RESIDENT_HYSTERESIS + runningDemand,
      resident: true, locked,
      keepValue: s.idleSince === null ? 0.99 : retentionValue(now - s.idleSince, s.keepAliveMs),
      lastUsed: s.lastUsed,
    });
  }
  const residentIds = new Set(models.map((m) => m.id));
  for (const [id, d] of demand) {
    if (residentIds.has(id) || remoteResident.includes(id)) continue;
    if (remote(id)) { remoteLoad.push(id); continue; }
    const reg = state.registry.get(id);
    models.push({ id, vramBytes: reg.vramBytes, ramBytes: reg.ramBytes, demand: d, resident: false, locked: false, keepValue: 0, lastUsed: 0 });
  }
  const b = { vramBytes: budget.vramBytes, ramBytes: budget.ramBytes, slots: state.pool.activeSlots.length - remoteSlots(state.registry) };
  const res = state.config.placement === 'lru' ? placeLru(models, b) : place(models, b, state.config.exactLimit);
  return { ...res, resident: [...res.resident, ...remoteResident, ...remoteLoad], load: [...res.load, ...remoteLoad] };
}

/** Worker slots kept for remote models beyond the device's slot budget: one per registered remote model. */
export function remoteSlots(registry: ModelRegistry): number {
  let n = 0;
  for (const m of registry.list()) if (m.engine === 'remote') n++;
  return n;
}
