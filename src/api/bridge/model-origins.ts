/**
 * Origins of model URLs: the user's allow-list of sites whose GGUF files callers of `/v1` may name as
 * `model` (Settings → "Model sites for /v1"). Pure: used by the settings sanitiser and the endpoint.
 */

/** At most this many origins are kept (a list, not a database). */
export const MAX_MODEL_ORIGINS = 64;

/**
 * `https://host[:port]` for an http(s) origin typed by a user (a trailing `/` is accepted), `null` for
 * anything else: other schemes, credentials, paths, queries, fragments, garbage.
 */
export function normaliseOrigin(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  return url.origin;
}

/** The well-formed origins of a list, normalised, without duplicates, at most `MAX_MODEL_ORIGINS`. */
export function normaliseOrigins(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out = new Set<string>();
  for (const item of list) {
    const o = normaliseOrigin(item);
    if (o) out.add(o);
    if (out.size >= MAX_MODEL_ORIGINS) break;
  }
  return [...out];
}

/**
 * Whether a model URL (absolute, or relative to `ownOrigin`) is on `ownOrigin` or on an allowed origin.
 * Only http(s) URLs can be: `data:`, `blob:`, `file:` and unparsable references never are.
 */
export function isModelOriginAllowed(ref: string, ownOrigin: string, allowed: Iterable<string>): boolean {
  let url: URL;
  try {
    url = new URL(ref, `${ownOrigin}/`);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.origin === ownOrigin) return true;
  for (const o of allowed) if (normaliseOrigin(o) === url.origin) return true;
  return false;
}

/** Where the desktop keeps its settings in `localStorage` (`DesktopSettings`); `remoteModelOrigins` is read from it here. */
export const DESKTOP_SETTINGS_KEY = 'llmos-desktop:settings';

/** The remote model origins the user allowed in the desktop's settings (none when unset or unreadable). */
export function storedRemoteOrigins(storage: Storage | undefined = globalThis.localStorage): string[] {
  try {
    const raw = storage?.getItem(DESKTOP_SETTINGS_KEY);
    const value: unknown = raw ? JSON.parse(raw) : null;
    return value && typeof value === 'object' ? normaliseOrigins((value as Record<string, unknown>)['remoteModelOrigins']) : [];
  } catch {
    return [];
  }
}
