/** Small HTTP helpers of the downloader: a Range request, `Content-Range` parsing, retry policy, abortable sleep. @internal */
import { AbortError, NetworkError } from '../errors';

/** A network failure worth retrying: no HTTP status, 5xx or 429 (a 4xx will not get better). */
export function retryable(e: unknown): boolean {
  if (!(e instanceof NetworkError)) return false;
  const status = Number(e.details.status ?? 0);
  return !(status >= 400 && status < 500 && status !== 429);
}

/** The total size in `Content-Range: bytes a-b/total` (0 when absent or `*`). */
export function parseTotal(contentRange: string | null): number {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : 0;
}

/** The first byte in `Content-Range: bytes a-b/total` (-1 when absent). */
export function parseStart(contentRange: string | null): number {
  const m = /bytes\s+(\d+)-/.exec(contentRange ?? '');
  return m ? Number(m[1]) : -1;
}

/** Wait `ms`, or reject with `AbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new AbortError('Download cancelled', {})); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}


/**
 * GET one byte range of `url` (never from the HTTP cache). A network failure is a `NetworkError`, a cancel
 * an `AbortError`, and any status but 200 / 206 a `NetworkError` with `details.status` (its body discarded).
 */
export async function fetchRange(fetchFn: typeof fetch, url: string, range: string, signal: AbortSignal, model: { id: string; name: string }): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { Range: range }, cache: 'no-store', signal });
  } catch (e) {
    if (signal.aborted) throw new AbortError(`Download of ${model.name} cancelled`, { id: model.id });
    throw new NetworkError(`Could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { url });
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new NetworkError(`Fetching ${url} failed with HTTP ${res.status}`, { url, status: res.status });
  }
  return res;
}
