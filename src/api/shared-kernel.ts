/**
 * The page's shared kernel. Every API surface (`connect()`, the `LanguageModel` polyfill, the embeddable
 * elements, the service-worker endpoint) defaults to one kernel per page, created lazily on first use,
 * so that several elements and clients on one page are scheduled together — one run queue, one
 * resident-model set, one memory budget. A host that builds its own kernel (the desktop) installs it
 * with `setSharedKernel()` before anything asks for one.
 */
import { Kernel, type KernelOptions } from '../kernel/kernel';

let shared: Kernel | null = null;

/**
 * The page's shared kernel, created on first call (with `options`, which later calls ignore). `new
 * Kernel()` returns at once; jobs submitted before the device probe finishes simply wait for it.
 */
export function getSharedKernel(options: KernelOptions = {}): Kernel {
  shared ??= new Kernel(options);
  return shared;
}

/** Whether a shared kernel exists yet (nothing is created). */
export function hasSharedKernel(): boolean {
  return shared !== null;
}

/**
 * Install `kernel` as the page's shared kernel (the host's own), or forget the current one with `null`.
 * A kernel replaced here is not shut down: whoever created it owns it.
 */
export function setSharedKernel(kernel: Kernel | null): void {
  shared = kernel;
}
