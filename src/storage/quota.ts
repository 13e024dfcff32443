/**
 * Storage quota and persistence: `navigator.storage.persist()`, usage and quota from
 * `navigator.storage.estimate()`, a check before a download that refuses with `StorageQuotaError` (needed
 * vs available), and the mapping of a browser `QuotaExceededError` into the same typed error.
 */
import { StorageQuotaError, type ErrorDetails } from '../errors';

export const MB = 1024 * 1024;
/** Bytes as megabytes with one decimal. */
export const toMB = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

/** Usage and quota of this origin, in bytes. */
export interface StorageInfo {
  usage: number;
  quota: number;
  /** `quota − usage`, never negative. */
  available: number;
  /** Whether the browser granted persistent storage (not evicted under pressure). */
  persisted: boolean;
}

/** Where usage/quota come from (injectable for tests). */
export type EstimateFn = () => Promise<StorageEstimate>;

const defaultEstimate: EstimateFn = () =>
  globalThis.navigator?.storage?.estimate?.() ?? Promise.resolve({ usage: 0, quota: Number.MAX_SAFE_INTEGER });

/** Current usage, quota and persistence. */
export async function storageInfo(estimate: EstimateFn = defaultEstimate): Promise<StorageInfo> {
  const e = await estimate();
  const usage = e.usage ?? 0;
  const quota = e.quota ?? Number.MAX_SAFE_INTEGER;
  const persisted = (await globalThis.navigator?.storage?.persisted?.().catch(() => false)) ?? false;
  return { usage, quota, available: Math.max(0, quota - usage), persisted };
}

/** Ask the browser not to evict our storage under pressure; resolves with what it granted. */
export async function requestPersistence(): Promise<boolean> {
  try {
    const storage = globalThis.navigator?.storage;
    if (!storage?.persist) return false;
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    return false; // not granted is not an error: the cache still works, it is just evictable
  }
}

/** Throw `StorageQuotaError` unless `neededBytes` fit in what this origin may still store. */
export async function ensureSpace(neededBytes: number, estimate: EstimateFn = defaultEstimate, details: ErrorDetails = {}): Promise<StorageInfo> {
  const info = await storageInfo(estimate);
  if (neededBytes > info.available) {
    throw new StorageQuotaError(
      `Not enough storage: ${toMB(neededBytes)} MB needed, ${toMB(info.available)} MB available`,
      { ...details, neededBytes, availableBytes: info.available, neededMB: toMB(neededBytes), availableMB: toMB(info.available) },
    );
  }
  return info;
}

/** Whether an error thrown by IndexedDB (or the Cache API / OPFS) means "quota exceeded". */
export function isQuotaError(e: unknown): boolean {
  if (e instanceof StorageQuotaError) return true;
  const name = (e as { name?: unknown } | null)?.name;
  const message = String((e as { message?: unknown } | null)?.message ?? '');
  return name === 'QuotaExceededError' || /quota/i.test(message);
}

/** Re-throw a storage failure, as `StorageQuotaError` when it is a quota failure. */
export function rethrowQuota(e: unknown, details: ErrorDetails = {}): never {
  if (e instanceof StorageQuotaError) throw e;
  if (isQuotaError(e)) {
    throw new StorageQuotaError(`Storage quota exceeded: ${e instanceof Error ? e.message : String(e)}`, details, { cause: e });
  }
  throw e;
}
