/**
 * The desktop's windows: which are open, which is active, and the kernel process behind each AI app
 * window (spawned at open with the app's default priority, killed at close). A process killed from
 * elsewhere (the task manager) marks its window as ended; `restart` gives it a new process. Fires
 * `change` on every change. No DOM beyond creating each app's element.
 */
import type { DesktopServices } from '../services/desktop-services';
import { APPS, appById, type AppDescriptor, type AppId } from '../registry';
import { APP_LOADERS } from '../app-loaders';

/** An app element as the desktop drives it (every app takes these; system apps ignore `pid`). */
export interface AppElement extends HTMLElement {
  services?: DesktopServices | null;
  pid?: number | null;
  kernel?: unknown;
  /** The task manager's Servers section (`RemoteServers`). */
  servers?: unknown;
  /** Show one section of the app (Settings: `servers`). */
  reveal?(section: string): Promise<void>;
}

/** One open window. */
export interface AppWindow {
  id: string;
  app: AppDescriptor;
  /** Kernel process of an AI app window (null for system apps). */
  pid: number | null;
  /** The process was ended outside the window (task manager, kernel). */
  ended: boolean;
  element: AppElement;
}

let seq = 0;

/** Open windows, the active one, and the kernel process of each AI app window. */
export class WindowManager extends EventTarget {
  windows: AppWindow[] = [];
  active: string | null = null;
  private readonly off: () => void;

  constructor(private readonly services: DesktopServices) {
    super();
    this.off = services.kernel.events.on('process-exited', ({ pid }) => {
      const w = this.windows.find((x) => x.pid === pid);
      if (w && !w.ended) {
        w.ended = true;
        this.changed();
      }
    });
  }

  /** Open a window of an app (a single-window app's existing window is focused instead). */
  async open(id: AppId): Promise<AppWindow> {
    const app = appById(id);
    if (!app) throw new Error(`Unknown app ${id}`);
    const existing = !app.multi ? this.windows.find((w) => w.app.id === id) : undefined;
    if (existing) {
      this.focus(existing.id);
      return existing;
    }
    await APP_LOADERS[app.id]();
    const element = document.createElement(app.tag) as AppElement;
    const win: AppWindow = { id: `w${++seq}`, app, pid: null, ended: false, element };
    element.dataset.window = win.id;
    this.attach(win);
    this.windows = [...this.windows, win];
    this.focus(win.id);
    return win;
  }

  private attach(win: AppWindow): void {
    const el = win.element;
    el.services = this.services;
    if (win.app.id === 'tasks' || win.app.id === 'device') el.kernel = this.services.kernel;
    if (win.app.id === 'tasks') el.servers = this.services.servers;
    if (win.app.process) {
      const n = this.windows.filter((w) => w.app.id === win.app.id && w !== win).length;
      const name = n > 0 ? `${win.app.title()} ${n + 1}` : win.app.title();
      win.pid = this.services.kernel.spawn({ name, appId: win.app.id }, { priority: this.services.settings.priorityOf(win.app.id) });
      win.ended = false;
      el.pid = win.pid;
    }
  }

  /** Give an ended window a fresh process. */
  restart(id: string): void {
    const win = this.windows.find((w) => w.id === id);
    if (!win || !win.app.process) return;
    this.attach(win);
    this.changed();
  }

  /** Close a window, ending its process. */
  close(id: string): void {
    const i = this.windows.findIndex((w) => w.id === id);
    if (i < 0) return;
    const win = this.windows[i]!;
    if (win.pid !== null && !win.ended) {
      try {
        this.services.kernel.kill(win.pid);
      } catch {
        // Already gone: nothing to end.
      }
    }
    this.windows = this.windows.filter((w) => w !== win);
    if (this.active === id) this.active = this.windows[Math.min(i, this.windows.length - 1)]?.id ?? null;
    this.changed();
  }

  /** Make a window the active one. */
  focus(id: string): void {
    if (!this.windows.some((w) => w.id === id)) return;
    this.active = id;
    this.changed();
  }

  /** Title of a window: the app's name, numbered when several are open. */
  title(win: AppWindow): string {
    const same = this.windows.filter((w) => w.app.id === win.app.id);
    return same.length > 1 ? `${win.app.title()} ${same.indexOf(win) + 1}` : win.app.title();
  }

  /** Stop listening to the kernel. */
  dispose(): void {
    this.off();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** Every app id (for launchers). */
export const APP_IDS: readonly AppId[] = APPS.map((a) => a.id);
