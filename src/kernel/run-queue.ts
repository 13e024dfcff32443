/**
 * Run-queue policy, pure functions: aging, the order of queued jobs, placement demand and fair share.
 *
 * - Order: effective rank (class raised by aging), then the process's fair-share pass, then FIFO.
 * - Aging: every `agingStepMs` a job spends queued lifts it one class, up to `interactive` (never
 *   `realtime`), so background work still progresses under constant interactive load. Running jobs keep
 *   the rank they were dispatched with, so an aged job is not preempted by the class it aged into.
 * - Fair share: deficit round robin over tokens, in its stride form: each process's pass grows by
 *   1/weight per token served; among equal ranks the smallest pass goes first. A process that was idle
 *   re-enters no further than `FAIR_SHARE_SLACK` behind the current minimum pass (as CFS places a waking
 *   task), so a long idle spell banks at most that much credit, while a process that merely resubmits
 *   after each job keeps the credit it is owed.
 */
import { AGING_CAP_RANK, classWeight } from './priority';

/** Most credit (tokens ÷ weight) a process returning from idleness keeps over the busiest-served one. */
export const FAIR_SHARE_SLACK = 128;

/** Effective rank of a queued job: base class plus one per aging step, capped at interactive. */
export function effectiveRank(baseRank: number, waitedMs: number, agingStepMs: number): number {
  if (baseRank >= AGING_CAP_RANK || !(agingStepMs > 0) || !Number.isFinite(agingStepMs)) return baseRank;
  return Math.min(AGING_CAP_RANK, baseRank + Math.floor(Math.max(0, waitedMs) / agingStepMs));
}

/** Demand of one queued job for placement: class weight × (1 + waiting, up to ×4) — so no model starves. */
export function jobDemand(rank: number, waitedMs: number, agingStepMs: number): number {
  const factor = agingStepMs > 0 && Number.isFinite(agingStepMs) ? Math.min(3, Math.max(0, waitedMs) / agingStepMs) : 0;
  return classWeight(rank) * (1 + factor);
}
/** What ordering needs of a queued job. */
export interface QueueKey {
  rank: number;
  /** The owning process's fair-share pass. */
  pass: number;
  /** Submission order. */
  seq: number;
}

/** Queue order: higher rank first, then smaller pass, then earlier submission. */
export function compareQueued(a: QueueKey, b: QueueKey): number {
  return b.rank - a.rank || a.pass - b.pass || a.seq - b.seq;
}

/** Milliseconds until a queued job's rank next rises by aging, or Infinity. */
export function msToNextAging(baseRank: number, waitedMs: number, agingStepMs: number): number {
  if (effectiveRank(baseRank, waitedMs, agingStepMs) >= AGING_CAP_RANK || !(agingStepMs > 0) || !Number.isFinite(agingStepMs)) return Infinity;
  return agingStepMs - (Math.max(0, waitedMs) % agingStepMs);
}

/** Jain's fairness index of allocations: (Σx)² / (n·Σx²); 1 = perfectly fair. */
export function jainIndex(xs: readonly number[]): number {
  const n = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return n === 0 || sq === 0 ? 1 : (sum * sum) / (n * sq);
}
