/**
 * Per-app identity and limits. Every API client and embedded element runs as a kernel process that
 * carries an app id; its quota (highest priority class, concurrent jobs, allowed models) comes from the
 * *host's* policy for that app id, never from the app itself: an app may ask for a tighter quota, not a
 * looser one. The kernel enforces the quota with `PermissionError` (at spawn, submit and renice).
 *
 * Apps without a policy get `DEFAULT_APP_QUOTA`: everything but the `realtime` class, which is kept
 * for the OS's own interface unless the host grants it.
 */
import { InvalidRequestError } from '../errors';
import type { KernelApi } from '../kernel/kernel-api';
import { PRIORITIES, parsePriority, rankOf, type Priority } from '../kernel/priority';
import type { ProcessQuota } from '../kernel/types';

/** What apps get when the host set no policy for their id. */
export const DEFAULT_APP_QUOTA: Readonly<ProcessQuota> = Object.freeze({ maxPriority: 'interactive' as Priority });

const policies = new WeakMap<KernelApi, Map<string, ProcessQuota>>();

/** Check an app id: a non-empty string of at most 200 characters. */
export function validateAppId(appId: unknown): string {
  if (typeof appId !== 'string' || !appId.trim() || appId.length > 200) {
    throw new InvalidRequestError('appId must be a non-empty string of at most 200 characters', { field: 'appId', value: String(appId) });
  }
  return appId;
}

/**
 * Set the host's policy for an app id on a kernel (`null` removes it: the app falls back to
 * `DEFAULT_APP_QUOTA`). Applies to processes spawned afterwards.
 */
export function setAppPolicy(kernel: KernelApi, appId: string, quota: ProcessQuota | null): void {
  validateAppId(appId);
  let map = policies.get(kernel);
  if (!map) policies.set(kernel, map = new Map());
  if (quota === null) map.delete(appId);
  else map.set(appId, Object.freeze({ ...quota }));
}

/** The policy in force for an app id on a kernel. */
export function appPolicy(kernel: KernelApi, appId: string): ProcessQuota {
  return policies.get(kernel)?.get(appId) ?? DEFAULT_APP_QUOTA;
}

/** The stricter of two quotas, field by field (absent = unlimited). */
export function intersectQuota(a: ProcessQuota, b: ProcessQuota): ProcessQuota {
  const out: ProcessQuota = {};
  const prio = [a.maxPriority, b.maxPriority].filter((p): p is Priority => p !== undefined).map((p) => parsePriority(p, 'quota.maxPriority'));
  if (prio.length) out.maxPriority = PRIORITIES[Math.min(...prio.map(rankOf))]!;
  const jobs = [a.maxConcurrentJobs, b.maxConcurrentJobs].filter((n): n is number => n !== undefined);
  if (jobs.length) out.maxConcurrentJobs = Math.min(...jobs);
  if (a.allowedModels && b.allowedModels) out.allowedModels = a.allowedModels.filter((m) => b.allowedModels!.includes(m));
  else if (a.allowedModels ?? b.allowedModels) out.allowedModels = [...(a.allowedModels ?? b.allowedModels)!];
  return out;
}

/** What an API surface asks for when it starts a process. */
export interface AppProcessOptions {
  appId: string;
  /** Process name shown by `ps()` (default: the app id). */
  name?: string;
  priority?: Priority;
  /** A tighter quota than the host's policy (never a looser one). */
  quota?: ProcessQuota;
}

/**
 * Spawn the kernel process of an app: its quota is the host's policy intersected with what it asked.
 * Returns the pid. A priority above the quota is the kernel's `PermissionError`.
 */
export function spawnAppProcess(kernel: KernelApi, options: AppProcessOptions, defaultPriority: Priority = 'normal'): number {
  const appId = validateAppId(options.appId);
  const priority = parsePriority(options.priority ?? defaultPriority);
  const quota = intersectQuota(appPolicy(kernel, appId), options.quota ?? {});
  return kernel.spawn({ name: options.name ?? appId, appId }, { priority, quota });
}
