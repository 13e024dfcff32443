/**
 * Service-worker registration for the installed app (production builds only: the dev server has no
 * `sw.js`). Uses workbox-window: when a new service worker is installed and waiting, the update prompt
 * appears; the first install shows "works offline".
 *
 * Reload now must always reload, whatever the order of events (issue 13: under CPU load the old flow — a
 * `controlling` listener added only after the click — left the page without a reload in 2 runs of 4; and
 * a click in a second tab after the first tab had applied the update could never reload):
 *  - the page listens for `controllerchange` from the start, and reloads on it once the user accepted;
 *  - on accept it reads the registration afresh: a new worker that already controls the page (another
 *    tab accepted the update first, so the controller change came before the click) means reload now;
 *    a waiting worker is asked to skip waiting directly;
 *  - if no controller change comes within `fallbackMs` (a lost message, an old worker whose pending
 *    events hold the activation), the page reloads anyway: a fresh page either runs the new version or
 *    shows the prompt again.
 * A page that opens while a new worker already waits shows the prompt too, whatever that worker's script
 * URL (Workbox reports only a waiting worker of its own URL).
 */
import { Workbox } from 'workbox-window';
import './llmos-update-prompt/define';
import type { LlmosUpdatePrompt } from './llmos-update-prompt/llmos-update-prompt';

/** Options of `registerPwa`. */
export interface PwaOptions {
  url?: string;
  scope?: string;
  /** Reload this long after Reload now even when no controller change came (default 10 s). */
  fallbackMs?: number;
}

/** Register `/sw.js` and drive `prompt`. Resolves with the Workbox (null where service workers are unavailable). */
export async function registerPwa(prompt: LlmosUpdatePrompt, options: PwaOptions = {}): Promise<Workbox | null> {
  if (!('serviceWorker' in navigator)) return null;
  const container = navigator.serviceWorker;
  const scope = options.scope ?? import.meta.env.BASE_URL;
  const wb = new Workbox(options.url ?? `${import.meta.env.BASE_URL}sw.js`, { scope });
  let accepted = false;
  let reloading = false;
  const reload = () => {
    if (reloading) return;
    reloading = true;
    location.reload();
  };
  // Before anything can change the controller, so no change is missed.
  container.addEventListener('controllerchange', () => { if (accepted) reload(); });
  wb.addEventListener('waiting', () => { prompt.needRefresh = true; });
  wb.addEventListener('installed', (e) => { if (!e.isUpdate) prompt.offlineReady = true; });
  prompt.addEventListener('llmos-update-accept', () => {
    accepted = true;
    setTimeout(reload, options.fallbackMs ?? 10_000);
    void container.getRegistration(scope).then((reg) => {
      const waiting = reg?.waiting;
      // Nothing waits any more: the new worker already took over (or the update is gone) — reload into it.
      if (!waiting) return reload();
      waiting.postMessage({ type: 'SKIP_WAITING' });
    }, reload);
  });
  try {
    const reg = await wb.register();
    if (reg?.waiting && container.controller) prompt.needRefresh = true;
  } catch {
    return null; // no service worker (private mode, file://): the desktop works online only
  }
  return wb;
}
