/**
 * `KernelApi`: the public face every kernel shows — the page's own `Kernel`, and the `TabKernel` through
 * which every tab of an origin shares one (`cross-tab/`). API surfaces, elements and the desktop depend
 * on this, not on a class, so they work unchanged on either.
 */
import type { Budget, BudgetOverrides, DeviceProbe } from './device-budget';
import type { KernelEvents } from './events';
import type { RegisteredModel } from './model-registry';
import type { Priority } from './priority';
import type {
  AppInfo, JobHandle, JobInfo, ModelRegistration, ProcessInfo, QuarantinedModel, ResidentModel, SpawnOptions, SubmitRequest,
} from './types';

/** A tab of the origin that shares the kernel. */
export interface KernelTab {
  tabId: string;
  /** The page's title when it attached (or its URL path). */
  title: string;
}

/** Where a kernel runs, as the status bar and task manager show it. */
export interface KernelHostInfo {
  /** `shared`: one kernel for every tab of the origin; `private`: this page's own. */
  mode: 'shared' | 'private';
  /**
   * Why this page runs its own kernel although it asked to share one: `no-web-locks` or
   * `no-broadcast-channel` (the browser lacks what the election needs). Null otherwise.
   */
  fallback: 'no-web-locks' | 'no-broadcast-channel' | null;
  /** This tab's id (shared mode), as `ProcessInfo.tab` names it; null in private mode. */
  tabId: string | null;
  /** Whether the kernel and its engine workers run in this tab. */
  local: boolean;
  /** The tab that hosts the kernel (shared mode), null until it is known. */
  leader: KernelTab | null;
  /** The tabs attached to the kernel, the host first (shared mode; empty in private mode). */
  tabs: KernelTab[];
}

/** The kernel's public API. */
export interface KernelApi {
  /** Every scheduling decision, as events (see `KernelEventMap`). */
  readonly events: KernelEvents;
  /** Resolves with the budget once the device is probed (never rejects). */
  readonly ready: Promise<Budget>;
  /** The budget in force, or null before `ready`. */
  readonly budget: Budget | null;
  /** What the device probe saw (null before `ready`). */
  readonly probe: DeviceProbe | null;
  /** Where the kernel runs. */
  readonly host: KernelHostInfo;
  usage(): { vramBytes: number; ramBytes: number };
  setBudget(overrides: { [K in keyof BudgetOverrides]?: BudgetOverrides[K] | null }): Budget | null;
  spawn(app: AppInfo, options: SpawnOptions): number;
  kill(pid: number): void;
  renice(pid: number, priority: Priority): void;
  registerModel(reg: ModelRegistration): RegisteredModel;
  quarantined(): QuarantinedModel[];
  clearQuarantine(model: string): boolean;
  unregisterModel(id: string): boolean;
  registeredModels(): RegisteredModel[];
  submit(req: SubmitRequest): JobHandle;
  ps(): ProcessInfo[];
  jobs(): JobInfo[];
  models(): ResidentModel[];
  shutdown(): void;
}

/** The host info of a page's own kernel. */
export const PRIVATE_HOST: KernelHostInfo = Object.freeze({ mode: 'private', fallback: null, tabId: null, local: true, leader: null, tabs: [] });
