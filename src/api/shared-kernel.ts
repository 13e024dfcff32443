/**
 * The page's shared kernel. Every API surface (`connect()`, the `LanguageModel` polyfill, the embeddable
 * elements, the service-worker endpoint) defaults to one kernel, created lazily on first use, so that
 * several elements and clients are scheduled together — one run queue, one resident-model set, one
 * memory budget. By default that kernel is shared by every tab of the origin (`TabKernel`: one tab
 * hosts it, the others reach it; each model is loaded once for all of them). A page can ask for a
 * kernel of its own instead (`configureSharedKernel({ mode: 'private' })` before anything asks for one,
 * or `connect({ kernel: 'private' })` for one client); where the browser lacks Web Locks or
 * `BroadcastChannel` the shared kernel is the page's own (`kernel.host.fallback` says why). A host that
 * builds its own kernel (the desktop) installs it with `setSharedKernel()` before anything asks for one.
 */
import { InvalidRequestError } from '../errors';
import { TabKernel } from '../kernel/cross-tab/tab-kernel';
import { Kernel, type KernelOptions } from '../kernel/kernel';
import type { KernelApi } from '../kernel/kernel-api';

/** How `getSharedKernel()` builds the page's kernel. */
export interface SharedKernelConfig {
  /** `shared` (default): one kernel for every tab of the origin; `private`: this page's own. */
  mode?: 'shared' | 'private';
  /** Tabs share a kernel within one namespace (default `llmos-kernel`). */
  namespace?: string;
}

let shared: KernelApi | null = null;
let privateKernel: Kernel | null = null;
let config: Required<SharedKernelConfig> = { mode: 'shared', namespace: 'llmos-kernel' };

/** Choose how the shared kernel is built; only before it exists (`InvalidRequestError` after). */
export function configureSharedKernel(c: SharedKernelConfig): void {
  if (shared) throw new InvalidRequestError('The shared kernel already exists: configure it before first use', { field: 'mode' });
  if (c.mode !== undefined && c.mode !== 'shared' && c.mode !== 'private') throw new InvalidRequestError('mode must be shared or private', { field: 'mode', value: String(c.mode) });
  config = { ...config, ...c };
}

/** A new kernel as the configuration says: shared across tabs, or the page's own. */
export function createPageKernel(options: KernelOptions = {}): KernelApi {
  return config.mode === 'private' ? new Kernel(options) : new TabKernel({ ...options, namespace: config.namespace });
}

/**
 * The page's shared kernel, created on first call (with `options`, which later calls ignore). It returns
 * at once; jobs submitted before the device probe (or the host tab) answers simply wait for it.
 */
export function getSharedKernel(options: KernelOptions = {}): KernelApi {
  shared ??= createPageKernel(options);
  return shared;
}

/** This page's own kernel, never shared with other tabs (`connect({ kernel: 'private' })`). */
export function getPrivateKernel(options: KernelOptions = {}): Kernel {
  privateKernel ??= new Kernel(options);
  return privateKernel;
}

/** Whether a shared kernel exists yet (nothing is created). */
export function hasSharedKernel(): boolean {
  return shared !== null;
}

/**
 * Install `kernel` as the page's shared kernel (the host's own), or forget the current one with `null`.
 * A kernel replaced here is not shut down: whoever created it owns it.
 */
export function setSharedKernel(kernel: KernelApi | null): void {
  shared = kernel;
}
