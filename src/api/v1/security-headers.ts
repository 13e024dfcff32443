/**
 * The HTTP security headers of the app, in one place: the Vite dev and preview servers send them
 * (vite.config.ts), the service worker attaches them to every response it serves for the app's own
 * origin (workers/sw.ts), and docs/deploying.md lists them for static hosts.
 *
 * Why as headers and not only the `<meta>` policy of index.html: a `<meta>` policy covers its document
 * only. Dedicated workers take their policy from *their own* script response, so without a header the
 * engine workers and wllama's nested workers run with no policy at all; and `frame-ancestors` is
 * ignored in `<meta>`.
 *
 * - `script-src 'self' 'wasm-unsafe-eval'`: wasm compilation (wllama, WebLLM's tokenizer and model
 *   library) needs `'wasm-unsafe-eval'`; JavaScript `eval`/`new Function` stay blocked (no `'unsafe-eval'`).
 * - `worker-src 'self' blob:`: wllama starts its worker from a `blob:` URL.
 * - `connect-src 'self' https: blob: data:`: model downloads from any https host (the model library);
 *   plus, where the service worker serves the response, the origins of the remote servers the user added
 *   (Settings → Servers: an Ollama on `http://localhost:11434`, a vLLM on the LAN) and no other.
 * - `frame-ancestors 'self'` for the app; `*` for `bridge.html`, whose purpose is to be framed by other
 *   sites (it checks each embedder's origin itself, see src/api/bridge/cross-origin-bridge.ts).
 * - `Referrer-Policy: strict-origin-when-cross-origin`, not `no-referrer`: under `no-referrer` a
 *   same-origin `fetch()` POST carries `Origin: null`, which the `/v1` door would refuse.
 */

/** Directives shared by every page of the app. */
const BASE = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' https: blob: data:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "media-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'self'",
  "manifest-src 'self'",
];

/** The Content-Security-Policy of the app's pages and workers. */
export const APP_CSP = [...BASE, "form-action 'self'", "frame-ancestors 'self'"].join('; ');

/** The Content-Security-Policy of `bridge.html`: framable by any site, submits no forms. */
export const BRIDGE_CSP = [...BASE, "form-action 'none'", 'frame-ancestors *'].join('; ');

/** The headers that do not depend on the path. */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // The bridge is framed by pages of other sites, and the elements library is loaded by them.
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

/** Whether a path is the bridge page (`/bridge.html`, or `/bridge` on hosts that drop `.html`), at any base. */
export function isBridgePath(pathname: string): boolean {
  return /\/bridge(\.html)?$/.test(pathname);
}

/** An origin fit for a CSP source list: `http(s)://host[:port]`, nothing else (no `;`, no spaces, no path). */
const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** Keep only well-formed http(s) origins (they end up inside the CSP header). */
export function cspOrigins(origins: readonly unknown[]): string[] {
  return [...new Set(origins.filter((o): o is string => typeof o === 'string' && ORIGIN.test(o)).map((o) => o.toLowerCase()))].slice(0, 64);
}

/**
 * Every security header for a response at `pathname` (URL path of the app's origin). `connectOrigins`:
 * the origins of the user's remote servers, added to `connect-src` (the bridge page never gets them).
 */
export function securityHeaders(pathname: string, connectOrigins: readonly string[] = []): Record<string, string> {
  if (isBridgePath(pathname)) return { ...COMMON_SECURITY_HEADERS, 'Content-Security-Policy': BRIDGE_CSP };
  const extra = cspOrigins(connectOrigins);
  const csp = extra.length ? APP_CSP.replace("connect-src 'self' https: blob: data:", `connect-src 'self' https: blob: data: ${extra.join(' ')}`) : APP_CSP;
  return { ...COMMON_SECURITY_HEADERS, 'Content-Security-Policy': csp };
}

/**
 * The same response with the security headers set (replacing the host's values, so the app runs under
 * its policy on any static host). Opaque responses cannot be read or rebuilt and pass through.
 */
export function withSecurityHeaders(response: Response, pathname: string, connectOrigins: readonly string[] = []): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(securityHeaders(pathname, connectOrigins))) headers.set(k, v);
  // Null-body statuses (204, 304) arrive with `body === null`, which the constructor accepts.
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
