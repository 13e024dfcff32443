/**
 * Where expected digests come from, besides the catalog: the server's response headers (RFC 9530
 * `Repr-Digest: sha-256=:…:`, Hugging Face's `X-Linked-ETag`, a plain `X-Sha256`), the Git LFS pointer that
 * Hugging Face serves for `/resolve/` files under `/raw/`, and an optional JSON manifest with one digest per
 * chunk (`{ sha256, chunkSize, chunks: [hex…] }`) that lets a bad chunk be caught the moment it arrives.
 */
import { IntegrityError, NetworkError } from '../errors';

/** What is known about the expected bytes of a file. */
export interface IntegrityInfo {
  /** SHA-256 (hex) of the whole file. */
  sha256?: string;
  /** Chunk size the per-chunk digests were computed with. */
  chunkSize?: number;
  /** SHA-256 (hex) of each chunk of `chunkSize` bytes. */
  chunkSha256?: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;

function base64ToHex(b64: string): string | undefined {
  try {
    const bin = atob(b64);
    if (bin.length !== 32) return undefined;
    let s = '';
    for (let i = 0; i < bin.length; i++) s += bin.charCodeAt(i).toString(16).padStart(2, '0');
    return s;
  } catch {
    return undefined;
  }
}

/** The whole-file SHA-256 a server states in its headers, if any (hex, lower case). */
export function digestFromHeaders(headers: Headers): string | undefined {
  // RFC 9530: the digest of the selected representation (the whole file, even on a 206).
  const repr = headers.get('Repr-Digest');
  if (repr) {
    const m = /sha-256=:([A-Za-z0-9+/=]+):/i.exec(repr);
    const hex = m ? base64ToHex(m[1]!) : undefined;
    if (hex) return hex;
  }
  for (const name of ['X-Linked-ETag', 'X-Sha256']) {
    const v = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
    if (v && HEX64.test(v)) return v;
  }
  return undefined;
}

/**
 * For a Hugging Face `/resolve/` URL, read the Git LFS pointer (`oid sha256:…`) from the matching `/raw/`
 * URL. Any failure means "unknown", never an error: the digest is a bonus, not a requirement.
 */
export async function hfLfsSha256(url: string, signal?: AbortSignal, fetchFn: typeof fetch = fetch): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(url, globalThis.location?.href);
  } catch {
    return undefined;
  }
  if (u.hostname !== 'huggingface.co' || !u.pathname.includes('/resolve/')) return undefined;
  u.pathname = u.pathname.replace('/resolve/', '/raw/');
  try {
    const res = await fetchFn(u.href, signal ? { signal } : {});
    if (!res.ok) return undefined;
    const text = await res.text();
    return /^oid sha256:([0-9a-f]{64})$/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/** Fetch and validate a per-chunk digest manifest. */
export async function fetchManifest(url: string, signal?: AbortSignal, fetchFn: typeof fetch = fetch): Promise<IntegrityInfo> {
  let res: Response;
  try {
    res = await fetchFn(url, { cache: 'no-store', ...(signal ? { signal } : {}) });
  } catch (e) {
    signal?.throwIfAborted();
    throw new NetworkError(`Could not fetch the digest manifest ${url}`, { url, cause: String(e) });
  }
  if (!res.ok) throw new NetworkError(`Fetching the digest manifest ${url} failed with HTTP ${res.status}`, { url, status: res.status });
  const raw = (await res.json().catch(() => null)) as { sha256?: unknown; chunkSize?: unknown; chunks?: unknown } | null;
  const chunks = Array.isArray(raw?.chunks) ? raw.chunks.map((c) => String(c).toLowerCase()) : undefined;
  const chunkSize = Number(raw?.chunkSize);
  const sha256 = typeof raw?.sha256 === 'string' ? raw.sha256.toLowerCase() : undefined;
  if ((sha256 !== undefined && !HEX64.test(sha256)) || (chunks && (!chunks.every((c) => HEX64.test(c)) || !(chunkSize > 0)))) {
    throw new IntegrityError(`The digest manifest ${url} is malformed`, { url });
  }
  return { ...(sha256 ? { sha256 } : {}), ...(chunks ? { chunkSize, chunkSha256: chunks } : {}) };
}
