/**
 * Priority classes of the scheduler, highest first: `realtime` > `interactive` > `normal` > `background`.
 * A class is compared by its rank (0 = background … 3 = realtime); aging may lift a waiting job's
 * effective rank up to `interactive`, never to `realtime`.
 */
import { InvalidRequestError } from '../errors';

/** The four priority classes, lowest first (index = rank). */
export const PRIORITIES = ['background', 'normal', 'interactive', 'realtime'] as const;

/** A priority class. */
export type Priority = (typeof PRIORITIES)[number];

/** Rank of a class: 0 (background) … 3 (realtime). */
export function rankOf(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** The class of a rank (clamped to the valid range). */
export function priorityOfRank(rank: number): Priority {
  return PRIORITIES[Math.max(0, Math.min(PRIORITIES.length - 1, Math.floor(rank)))]!;
}

/** Highest rank aging can reach: aged jobs compete with interactive ones but never with realtime. */
export const AGING_CAP_RANK = rankOf('interactive');

/** Whether a value is a priority class. */
export function isPriority(v: unknown): v is Priority {
  return typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v);
}

/** Validate user input: a bad class is an `InvalidRequestError` naming the valid ones. */
export function parsePriority(v: unknown, field = 'priority'): Priority {
  if (!isPriority(v)) {
    throw new InvalidRequestError(`${field} must be one of ${PRIORITIES.join(', ')}`, { field, value: String(v) });
  }
  return v;
}

/**
 * Weight of one queued job of a given rank in placement demand. Classes are 2^12 apart so that one job
 * of a higher class outweighs any admissible number (queue limit × aging factor ≤ 4096) of lower ones.
 */
export function classWeight(rank: number): number {
  return 2 ** (12 * rank);
}
