/**
 * How background and interactive work share a batch (the sequences of one model decoding together):
 * background jobs leave the last sequence free, so that an interactive job arriving starts at once
 * beside them instead of waiting for a preempted run to stop (an abort lands only between batch steps),
 * and they take none, and yield the ones they hold, while interactive work runs there — they share
 * every decode step's compute with it (measured: an interactive first token 3× slower beside three
 * background sequences), and resuming them afterwards costs one prefill mostly served from the cache.
 * Pure functions of the slot's running jobs; the scheduler applies them.
 */
import type { Job } from './job';
import { rankOf } from './priority';
import type { Slot } from './worker-pool';

const BACKGROUND_RANK = rankOf('background');
const INTERACTIVE_RANK = rankOf('interactive');

/** Whether `slot` runs interactive or realtime work (not being preempted). */
export function foreground(slot: Pick<Slot, 'running'>): boolean {
  for (const j of slot.running) if (j.phase === 'running' && j.runRank >= INTERACTIVE_RANK && !j.preempting) return true;
  return false;
}

/**
 * Jobs a slot runs at once: its `sequences`. With `rank`, what a job of that rank may fill: all of them
 * above background; for background work one fewer, and none while the slot runs foreground work.
 */
export function batchCapacity(slot: Pick<Slot, 'running'>, sequences: number, rank?: number): number {
  if (rank === undefined || rank > BACKGROUND_RANK || sequences === 1) return sequences;
  return foreground(slot) ? 0 : sequences - 1;
}

/** The running background jobs that must yield: those beside foreground work in a batch (preemptible, not already stopping). */
export function yieldingToForeground(slots: Iterable<Pick<Slot, 'running'>>): Job[] {
  const out: Job[] = [];
  for (const s of slots) {
    if (s.running.size < 2 || !foreground(s)) continue;
    for (const j of s.running) if (j.runRank <= BACKGROUND_RANK && j.preemptible && !j.preempting) out.push(j);
  }
  return out;
}
