/**
 * `faultCase()`: a test that also records what it checks (area + expected behaviour) so the
 * reliability reporter can regenerate docs/reliability.md from the suite's real results.
 */
import { test } from 'vitest';

export interface ReliabilityMeta { area: string; expected: string }

declare module 'vitest' {
  interface TaskMeta { reliability?: ReliabilityMeta }
}

export function faultCase(area: string, name: string, expected: string, fn: () => Promise<void> | void, timeout?: number): void {
  test(name, async ({ task }) => {
    task.meta.reliability = { area, expected };
    await fn();
  }, timeout);
}
