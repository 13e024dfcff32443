/**
 * How many bytes a download may carry. A body is bounded by the smallest size any source declares — the
 * response's `Content-Length` (for a 206, from the first byte asked) or `Content-Range` total, and the
 * end of the tensor data that the file's own GGUF header implies (read from the first bytes as they
 * arrive, or from the chunks stored before a resume) — plus a small slack for trailing padding. A body
 * that runs past it (a server that streams forever, a header that lies) stops with
 * `DownloadTooLargeError` on the network piece that crosses the bound, before any of that piece is kept:
 * memory stays at one chunk, whatever the server sends. @internal
 */
import { DownloadTooLargeError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { readChunks } from '../storage/weight-store';
import { DEFAULT_GGUF_LIMITS, parseGgufPrefix, type GgufHeader } from './gguf-header';
import { parseTotal } from './http-range';

/** What declared the size a body was held to. */
export type SizeSource = 'gguf-header' | 'content-length' | 'content-range';

/**
 * Bytes a body may run past its declared size. GGUF writers pad the last tensor to the alignment (32
 * bytes by default); anything much longer is not the file its header describes.
 */
export const SIZE_SLACK_BYTES = 64 * 1024;

/** The file size a GGUF header implies: the end of its tensor data. */
const ggufEnd = (h: GgufHeader): number => h.dataOffset + h.dataBytes;

/** The bound of one response body (see the module comment). */
export class BodyLimit {
  private declared = Infinity;
  private source: SizeSource | null = null;

  constructor(private readonly ctx: { id: string; url: string }) {}

  /** The bounds a response's headers declare; `start` is the file offset of its first byte. */
  fromResponse(res: Response, start: number): this {
    if (res.status === 206) this.bound(parseTotal(res.headers.get('Content-Range')), 'content-range');
    // A content-coded body's length counts encoded bytes, not the file's.
    const coded = (res.headers.get('Content-Encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
    const length = res.headers.get('Content-Length');
    if (length !== null && !coded && /^\d+$/.test(length.trim())) this.bound(start + Number(length), 'content-length');
    return this;
  }

  /** A file size some source declares; the smallest one holds (the first known, on a tie). */
  bound(fileSize: number | null, source: SizeSource): void {
    if (fileSize === null || !(fileSize > 0) || !Number.isFinite(fileSize) || fileSize >= this.declared) return;
    this.declared = fileSize;
    this.source = source;
  }

  /** Throw `DownloadTooLargeError` when the body reached file offset `end` past the bound. */
  check(end: number): void {
    const limitBytes = this.declared + SIZE_SLACK_BYTES;
    if (end <= limitBytes) return;
    throw new DownloadTooLargeError(
      `${this.ctx.url} sent more than the ${this.declared} bytes its ${words[this.source!]} declares; the download was stopped`,
      { id: this.ctx.id, url: this.ctx.url, limitBytes, receivedBytes: end, declaredBytes: this.declared, source: this.source },
    );
  }
}

const words: Record<SizeSource, string> = { 'gguf-header': 'GGUF header', 'content-length': 'Content-Length', 'content-range': 'Content-Range total' };

/**
 * Learns the file size a GGUF header implies from the first bytes of a body as they stream: keeps the
 * bytes from offset 0 (up to the header size limit) and parses them each time they double, so a large
 * header costs linear time. A header it cannot read (not GGUF, an unknown tensor type) leaves the size
 * unknown: the download's own checks report such files.
 */
export class HeaderProbe {
  private buf = new Uint8Array(0);
  private len = 0;
  private nextTry = 4096;
  private done = false;

  /** Bytes at file offset `at`; returns the implied file size once the header is read, else null. */
  feed(at: number, bytes: Uint8Array): number | null {
    if (at === 0 && this.len > 0 && !this.done) this.reset(); // the body starts over (a server that ignored Range)
    if (this.done || at !== this.len) return null;
    const max = DEFAULT_GGUF_LIMITS.maxHeaderBytes;
    const take = bytes.subarray(0, max - this.len);
    if (this.len + take.length > this.buf.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(this.buf.length * 2, this.len + take.length, 64 * 1024)));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(take, this.len);
    this.len += take.length;
    if (this.len < this.nextTry && this.len < max) return null;
    this.nextTry = this.len * 2;
    const end = this.parse(this.buf.subarray(0, this.len));
    if (end !== null || this.len >= max) this.finish();
    return end;
  }

  private parse(bytes: Uint8Array): number | null {
    try {
      const h = parseGgufPrefix(bytes);
      return h ? ggufEnd(h) : null;
    } catch {
      this.finish();
      return null;
    }
  }

  private finish(): void {
    this.done = true;
    this.buf = new Uint8Array(0); // the header is read: its bytes are not needed any more
  }

  private reset(): void {
    this.len = 0;
    this.nextTry = 4096;
  }
}

/** The file size the GGUF header of a model's stored chunks implies (a resume), or null when unknown. */
export async function storedGgufEnd(db: LlmOsDatabase, id: string): Promise<number | null> {
  const chunks = await readChunks(db, id);
  const run = chunks.findIndex((c, i) => c.index !== i); // only the bytes from offset 0 without a gap
  const blob = new Blob(chunks.slice(0, run < 0 ? chunks.length : run).map((c) => c.blob));
  if (blob.size === 0) return null;
  for (let window = Math.min(blob.size, 256 * 1024); ; window = Math.min(blob.size, window * 4, DEFAULT_GGUF_LIMITS.maxHeaderBytes)) {
    try {
      const h = parseGgufPrefix(new Uint8Array(await blob.slice(0, window).arrayBuffer()));
      if (h) return ggufEnd(h);
    } catch {
      return null;
    }
    if (window >= blob.size || window >= DEFAULT_GGUF_LIMITS.maxHeaderBytes) return null;
  }
}
