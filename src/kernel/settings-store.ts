/**
 * Persistence of the user's budget overrides. A tiny synchronous key-value store: `localStorage` in the
 * page (key `llmos-kernel:budget`), memory elsewhere (workers, Node tests). Stored values are validated
 * on read; a corrupt entry is ignored rather than breaking the kernel.
 */
import { validateOverrides, type BudgetOverrides } from './device-budget';

/** Where the kernel keeps the overrides. */
export interface KernelSettingsStore {
  read(): BudgetOverrides;
  write(overrides: BudgetOverrides): void;
}

/** Default key in `localStorage`. */
export const BUDGET_SETTINGS_KEY = 'llmos-kernel:budget';

/** In-memory store (tests, workers). */
export function memorySettingsStore(initial: BudgetOverrides = {}): KernelSettingsStore {
  let value = validateOverrides(initial);
  return { read: () => ({ ...value }), write: (o) => { value = validateOverrides(o); } };
}

/** `localStorage`-backed store; falls back to memory where there is none (or it throws: private mode). */
export function localSettingsStore(key = BUDGET_SETTINGS_KEY, given?: Storage): KernelSettingsStore {
  let storage = given;
  try {
    // Reading `localStorage` itself throws in a frame denied storage (third-party, blocked cookies).
    storage ??= globalThis.localStorage;
  } catch {
    storage = undefined;
  }
  if (!storage) return memorySettingsStore();
  const fallback = memorySettingsStore();
  return {
    read() {
      try {
        const raw = storage.getItem(key);
        return raw ? validateOverrides(JSON.parse(raw)) : fallback.read();
      } catch {
        return fallback.read();
      }
    },
    write(o) {
      const clean = validateOverrides(o);
      fallback.write(clean);
      try {
        storage.setItem(key, JSON.stringify(clean));
      } catch {
        // Quota or disabled storage: the override still applies for this session.
      }
    },
  };
}
