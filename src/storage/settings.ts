/**
 * The `settings` store: JSON-safe values by key. Defaults live with their owners (JSON), not here. A
 * stored value of the wrong kind for its reader (a string where a map of numbers belongs) reads as the
 * default and is reported once (`damaged-records.ts`), never handed to the UI.
 */
import { damagedRecords } from './damaged-records';
import type { LlmOsDatabase } from './db';
import { inValue, sameKind, settingProblem, type Problem } from './record-checks';

/**
 * A setting's value, or `fallback` when unset or damaged. `check` says what a usable value is (default:
 * the kind of `fallback`, see `sameKind`).
 */
export async function getSetting<T>(db: LlmOsDatabase, key: string, fallback: T, check: (v: unknown) => Problem = (v) => sameKind(v, fallback)): Promise<T> {
  const rec = await db.get('settings', key);
  if (rec === undefined) return fallback;
  const problem = settingProblem(rec) ?? inValue(check((rec as { value?: unknown }).value));
  return damagedRecords.check<{ value: T }>(db, 'settings', rec, problem)?.value ?? fallback;
}

/** Store a setting. */
export async function setSetting(db: LlmOsDatabase, key: string, value: unknown, now: number = Date.now()): Promise<void> {
  await db.put('settings', { key, value, updatedAt: now });
}

/** Remove a setting (back to its default). */
export function deleteSetting(db: LlmOsDatabase, key: string): Promise<void> {
  return db.delete('settings', key);
}

/** Every stored setting as a plain object (records without a usable key skipped and reported). */
export async function allSettings(db: LlmOsDatabase): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const rec of await db.getAll('settings')) {
    if (damagedRecords.check(db, 'settings', rec, settingProblem(rec))) out[rec.key] = rec.value;
  }
  return out;
}
