/** Fetch a URL into a Blob with progress, abort and typed errors naming the URL. */
import { AbortError, NetworkError } from '../errors';

export async function fetchBlob(
  url: string,
  onProgress?: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw new AbortError('Download aborted', { url });
    throw new NetworkError(`Could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, { url });
  }
  if (!res.ok) throw new NetworkError(`Fetching ${url} failed with HTTP ${res.status}`, { url, status: res.status });
  const total = Number(res.headers.get('Content-Length') ?? 0);
  if (!res.body) return res.blob();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.byteLength;
      onProgress?.(loaded, total || loaded);
    }
  } catch (e) {
    if (signal?.aborted) throw new AbortError('Download aborted', { url });
    throw new NetworkError(`Download of ${url} broke off after ${loaded} bytes`, { url, loaded, cause: String(e) });
  }
  if (total && loaded !== total) throw new NetworkError(`Download of ${url} ended early (${loaded}/${total} bytes)`, { url, loaded, total });
  return new Blob(parts as BlobPart[]);
}
