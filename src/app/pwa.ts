/**
 * Service-worker registration for the installed app (production builds only: the dev server has no
 * `sw.js`). Uses workbox-window: when a new service worker is installed and waiting, the update prompt
 * appears; Reload asks it to skip waiting (the service worker answers the `SKIP_WAITING` message) and the
 * page reloads once it controls the page. The first install shows "works offline".
 */
import { Workbox } from 'workbox-window';
import '../components/llmos-update-prompt/define';
import type { LlmosUpdatePrompt } from '../components/llmos-update-prompt/llmos-update-prompt';

/** Register `/sw.js` and drive `prompt`. Resolves with the Workbox (null where service workers are unavailable). */
export async function registerPwa(prompt: LlmosUpdatePrompt, url = `${import.meta.env.BASE_URL}sw.js`): Promise<Workbox | null> {
  if (!('serviceWorker' in navigator)) return null;
  const wb = new Workbox(url, { scope: import.meta.env.BASE_URL });
  wb.addEventListener('waiting', () => { prompt.needRefresh = true; });
  wb.addEventListener('installed', (e) => { if (!e.isUpdate) prompt.offlineReady = true; });
  prompt.addEventListener('llmos-update-accept', () => {
    wb.addEventListener('controlling', () => location.reload());
    wb.messageSkipWaiting();
  });
  try {
    await wb.register();
  } catch {
    return null; // no service worker (private mode, file://): the desktop works online only
  }
  return wb;
}
