/** Where the kernel runs, and which tab owns a process, in words (the task manager and the desktop's status bar). @internal */
import { msg, str } from '@lit/localize';
import type { KernelHostInfo } from '../../kernel/kernel-api';

/** A tab's name: its title, else a short form of its id. */
export function tabName(host: KernelHostInfo, tabId: string): string {
  const title = host.tabs.find((t) => t.tabId === tabId)?.title ?? (host.leader?.tabId === tabId ? host.leader.title : '');
  return title.trim() || msg(str`tab ${tabId.slice(0, 6)}`);
}

/** The owner of a process in the Tab column: `this tab`, the owner's title, or nothing (a page's own kernel). */
export function ownerWords(host: KernelHostInfo, tab: string | null): string {
  if (host.mode === 'private' || tab === null) return '';
  return tab === host.tabId ? msg('this tab') : tabName(host, tab);
}

/** Why the page runs a kernel of its own although it asked to share one. */
function fallbackWords(fallback: NonNullable<KernelHostInfo['fallback']>): string {
  return fallback === 'no-web-locks' ? msg('no Web Locks') : msg('no BroadcastChannel');
}

/**
 * Where the kernel runs, short (the status bar): `this tab`, `tab «title»`, `this page only` (with why,
 * where the browser could not share it), or `finding its tab…` while no host is known yet.
 */
export function hostShortWords(host: KernelHostInfo): string {
  if (host.mode === 'private') return host.fallback ? msg(str`this page only (${fallbackWords(host.fallback)})`) : msg('this page only');
  if (host.local) return msg('this tab');
  if (!host.leader) return msg('finding its tab…');
  return msg(str`tab «${tabName(host, host.leader.tabId)}»`);
}

/** Where the kernel runs, as a line (the task manager): `Kernel: this tab`, `Kernel: in tab «title»`, … */
export function hostLineWords(host: KernelHostInfo): string {
  if (host.mode === 'private') {
    return host.fallback ? msg(str`Kernel: this page only (${fallbackWords(host.fallback)})`) : msg('Kernel: this page only');
  }
  const n = host.tabs.length;
  if (host.local) return n > 1 ? msg(str`Kernel: this tab (${n} tabs share it)`) : msg('Kernel: this tab');
  if (!host.leader) return msg('Kernel: finding the tab that hosts it…');
  return msg(str`Kernel: in tab «${tabName(host, host.leader.tabId)}»`);
}
