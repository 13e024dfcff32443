/** The `settings` store: JSON-safe values by key. Defaults live with their owners (JSON), not here. */
import type { LlmOsDatabase } from './db';

/** A setting's value, or `fallback` when unset. */
export async function getSetting<T>(db: LlmOsDatabase, key: string, fallback: T): Promise<T> {
  const rec = await db.get('settings', key);
  return rec === undefined ? fallback : (rec.value as T);
}

/** Store a setting. */
export async function setSetting(db: LlmOsDatabase, key: string, value: unknown, now: number = Date.now()): Promise<void> {
  await db.put('settings', { key, value, updatedAt: now });
}

/** Remove a setting (back to its default). */
export function deleteSetting(db: LlmOsDatabase, key: string): Promise<void> {
  return db.delete('settings', key);
}

/** Every stored setting as a plain object. */
export async function allSettings(db: LlmOsDatabase): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const rec of await db.getAll('settings')) out[rec.key] = rec.value;
  return out;
}
