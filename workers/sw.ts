/**
 * The app's service worker: Workbox precaches the app shell (the manifest is injected at build time by
 * vite-plugin-pwa, `injectManifest` strategy), and `/v1/…` requests are answered by relaying them to an
 * open page's kernel (the OpenAI-compatible endpoint, see src/api/v1/sw-relay.ts). Every response it serves
 * carries the app's security headers (src/api/v1/security-headers.ts), so pages and workers run under the
 * Content-Security-Policy on any static host. This script's own headers come from the host: the browser
 * fetches sw.js itself, never through a service worker (docs/deploying.md).
 */
/// <reference lib="webworker" />
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { withSecurityHeaders } from '../src/api/v1/security-headers';
import { handleV1Fetch, isV1Request } from '../src/api/v1/sw-relay';
import { cspOrigins } from '../src/api/v1/security-headers';
import { openLlmOsDb } from '../src/storage/db';
import { getSetting } from '../src/storage/settings';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

// Before Workbox's listener: the endpoint is never served from the cache.
self.addEventListener('fetch', (event) => {
  if (isV1Request(event.request, self.registration.scope)) event.respondWith(handleV1Fetch(event, self));
});

/**
 * The origins of the remote servers the user added (Settings → Servers): the CSP's `connect-src` of what
 * this worker serves includes them, so engine workers started afterwards may talk to an `http:` server.
 * Read from IndexedDB when this worker starts; the page posts `LLMOS_REMOTE_ORIGINS` when they change.
 */
let remoteOrigins: string[] = [];
const originsLoaded = (async () => {
  try {
    const db = await openLlmOsDb();
    const servers = await getSetting<unknown[]>(db, 'remote.servers', []);
    db.close();
    remoteOrigins = cspOrigins(servers.map((s) => {
      try { return new URL(String((s as { baseUrl?: unknown })?.baseUrl)).origin; } catch { return null; }
    }));
  } catch {
    // No database (yet): no remote servers.
  }
})();

cleanupOutdatedCaches();
// Precache hits and network fallbacks alike (the cached copy stays as the host sent it).
addPlugins([{
  handlerWillRespond: async ({ request, response }) => {
    await originsLoaded;
    return withSecurityHeaders(response, new URL(request.url).pathname, remoteOrigins);
  },
}]);
precacheAndRoute(self.__WB_MANIFEST);

// A new version waits until the page asks (an update prompt posts SKIP_WAITING); the first install
// takes control of open pages at once so the endpoint works without a reload.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (event.data?.type === 'LLMOS_REMOTE_ORIGINS' && Array.isArray(event.data.origins)) {
    remoteOrigins = cspOrigins(event.data.origins);
    event.ports[0]?.postMessage({ ok: true });
  }
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
