/**
 * One model download, start to finish: fetch the missing chunk runs with HTTP Range, cut the body into
 * fixed-size chunks as it streams, hash each chunk (SHA-256, WebCrypto) and store it with the record's
 * progress in one transaction; resume from the stored chunks after any interruption; check the whole file
 * against its digest when one is known and repair only the chunks that differ. A body longer than the file
 * declares itself to be stops with `DownloadTooLargeError` and the model keeps nothing (`download-limit.ts`).
 * @internal
 */
import { AbortError, DownloadTooLargeError, GgufError, IntegrityError, NetworkError } from '../errors';
import type { LlmOsDatabase } from '../storage/db';
import { putModel } from '../storage/model-records';
import { ensureSpace, type EstimateFn } from '../storage/quota';
import type { ModelRecord } from '../storage/schema';
import { chunkCount, deleteChunk, deleteChunks, putChunk, readChunks, storedChunkIndexes } from '../storage/weight-store';
import { BodyLimit, HeaderProbe, storedGgufEnd } from './download-limit';
import { ProgressMeter, type DownloadPhase, type DownloadProgress, type DownloadWarning } from './download-progress';
import { fetchRange, parseStart, parseTotal, retryable, sleep } from './http-range';
import { digestFromHeaders, hfLfsSha256 } from './integrity';
import { sha256Hex, sha256OfBlobs } from './sha256';

/** Knobs and callbacks of one job. */
export interface JobOptions {
  db: LlmOsDatabase;
  fetch: typeof fetch;
  estimate?: EstimateFn | undefined;
  /** Network failures retried in a row without progress (progress resets the count). */
  retries: number;
  retryDelayMs: number;
  /** Times one chunk may arrive corrupt before the download fails with `IntegrityError`. */
  maxChunkRetries: number;
  progressIntervalMs: number;
  signal: AbortSignal;
  onProgress?: ((p: DownloadProgress) => void) | undefined;
  onWarning?: ((w: DownloadWarning) => void) | undefined;
}

const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46];

/** One download of one model record, run once by `ModelDownloader`. @internal */
export class DownloadJob {
  private rec: ModelRecord;
  private resumedFrom = 0;
  private received = 0;
  private inChunk = 0;
  private lastEmit = 0;
  private phase: DownloadPhase = 'downloading';
  private readonly meter = new ProgressMeter();
  private readonly corrupt = new Map<number, number>();
  private readonly url: string;
  private chunksDone = 0;
  /** Chunks a repair pass replaced. */
  private replaced: number[] = [];
  /** The file size the GGUF header implies, once read (from the stream or the stored chunks). */
  private fileEnd: number | null = null;
  private probe = new HeaderProbe();

  constructor(record: ModelRecord, private readonly o: JobOptions) {
    if (!record.url) throw new NetworkError(`Model ${record.id} has no URL to download from`, { id: record.id });
    this.rec = { ...record };
    this.url = record.url;
  }

  /** Run to completion; resolves with the final record (state `cached`). */
  async run(): Promise<ModelRecord> {
    try {
      return await this.runOnce();
    } catch (e) {
      // The file is not what it declares: keep none of it (a resume would only mix it with the next try).
      if (e instanceof DownloadTooLargeError) await this.restart(0);
      throw e;
    }
  }

  private async runOnce(): Promise<ModelRecord> {
    const { db } = this.o;
    this.rec.pending = true;
    this.rec.storedBytes = await this.storedBytes();
    this.resumedFrom = this.rec.storedBytes;
    if (this.rec.storedBytes > 0) this.fileEnd = await storedGgufEnd(db, this.rec.id);
    await putModel(db, this.rec);
    this.rec.sha256 ??= await hfLfsSha256(this.url, this.o.signal, this.o.fetch);
    if (this.rec.sizeBytes > 0 || this.rec.sizeHint) await this.checkSpace();
    for (let round = 0; ; round++) {
      await this.withRetries(() => this.fillMissing());
      if (!this.rec.sha256 || (await this.verifyWhole())) break;
      if (round >= 2) {
        throw new IntegrityError(`${this.rec.name}: the file does not match its SHA-256 digest`, { id: this.rec.id, url: this.url, expected: this.rec.sha256 });
      }
      await this.withRetries(() => this.repair());
    }
    this.rec = { ...this.rec, state: 'cached', pending: false };
    await putModel(db, this.rec);
    this.phase = 'done';
    this.emit(true);
    return this.rec;
  }

  /** The record as the job currently knows it. */
  get record(): ModelRecord {
    return this.rec;
  }

  private async storedBytes(): Promise<number> {
    const chunks = await storedChunkIndexes(this.o.db, this.rec.id);
    this.chunksDone = chunks.length;
    if (!this.rec.sizeBytes) return chunks.length * this.rec.chunkSize;
    const last = chunkCount(this.rec.sizeBytes, this.rec.chunkSize) - 1;
    return chunks.reduce((s, i) => s + (i === last ? this.rec.sizeBytes - i * this.rec.chunkSize : this.rec.chunkSize), 0);
  }

  private checkSpace(): Promise<unknown> {
    const size = this.rec.sizeBytes || this.rec.sizeHint || 0;
    return ensureSpace(size - this.rec.storedBytes, this.o.estimate, { id: this.rec.id, url: this.url });
  }

  private async withRetries(fn: () => Promise<void>): Promise<void> {
    for (let failures = 0; ; ) {
      const before = this.rec.storedBytes;
      try {
        return await fn();
      } catch (e) {
        if (this.o.signal.aborted) throw new AbortError(`Download of ${this.rec.name} cancelled`, { id: this.rec.id });
        if (!retryable(e)) throw e;
        failures = this.rec.storedBytes > before ? 1 : failures + 1;
        if (failures > this.o.retries) throw e;
        const delay = this.o.retryDelayMs * 2 ** (failures - 1);
        this.warn('RETRY', `Connection lost; retrying in ${delay} ms`, { attempt: failures, cause: (e as Error).message });
        await sleep(delay, this.o.signal);
      }
    }
  }

  /** Fetch every missing chunk, one Range request per run of consecutive missing chunks. */
  private async fillMissing(): Promise<void> {
    for (;;) {
      const have = new Set(await storedChunkIndexes(this.o.db, this.rec.id));
      const total = this.rec.sizeBytes ? chunkCount(this.rec.sizeBytes, this.rec.chunkSize) : Infinity;
      let first = 0;
      while (have.has(first)) first++;
      if (first >= total) return;
      const end = Math.min(total, ...[...have].filter((i) => i > first)); // up to the next stored chunk
      await this.fetchRun(first, end, 'fill');
    }
  }

  private async fetchRun(first: number, end: number, mode: 'fill' | 'repair'): Promise<void> {
    const cs = this.rec.chunkSize;
    const size = this.rec.sizeBytes;
    const start = first * cs;
    const last = size && Number.isFinite(end) ? Math.min(end * cs, size) - 1 : undefined;
    const res = await fetchRange(this.o.fetch, this.url, `bytes=${start}-${last ?? ''}`, this.o.signal, { id: this.rec.id, name: this.rec.name });
    const range = res.headers.get('Content-Range');
    const etag = res.headers.get('ETag') ?? undefined;
    const total = res.status === 206 ? parseTotal(range) : Number(res.headers.get('Content-Length') ?? 0);
    if (res.status === 206 && parseStart(range) !== start) {
      await res.body?.cancel();
      throw new NetworkError(`${this.url} answered a different byte range than asked`, { url: this.url, asked: start, got: range });
    }
    const changed = Boolean(this.rec.etag && etag && !etag.startsWith('W/') && etag !== this.rec.etag) || Boolean(size && total && total !== size);
    if (changed) {
      this.warn('SOURCE_CHANGED', 'The file changed on the server; starting over', { etag, was: this.rec.etag, size: total });
      await this.restart(total);
      if (start > 0) {
        await res.body?.cancel();
        return; // the next pass fetches from byte 0
      }
    } else if (res.status === 200 && start > 0) {
      this.warn('RANGE_IGNORED', 'The server ignored the Range request; downloading from the start again', { url: this.url });
      if (mode === 'fill') await this.restart(total);
    }
    // A 200 carries the whole file: after a restart keep all of it, else only the chunks that were asked for.
    const whole = res.status === 200 && (start > 0 || changed);
    const wasUnknown = !this.rec.sizeBytes;
    this.rec.sizeBytes ||= total;
    this.rec.etag = etag?.startsWith('W/') ? undefined : etag;
    this.rec.sha256 ??= digestFromHeaders(res.headers);
    await putModel(this.o.db, this.rec);
    if (wasUnknown && this.rec.sizeBytes) {
      await this.checkSpace().catch(async (e) => { await res.body?.cancel(); throw e; });
    }
    const expected = Number(res.headers.get('Content-Length') ?? -1);
    const limit = new BodyLimit({ id: this.rec.id, url: this.url }).fromResponse(res, res.status === 200 ? 0 : start);
    limit.bound(this.fileEnd, 'gguf-header');
    await this.consume(res, res.status === 200 ? 0 : first, whole ? Infinity : end, expected, mode, limit);
  }

  /** Forget every stored chunk (the source changed or cannot resume). */
  private async restart(total: number): Promise<void> {
    await deleteChunks(this.o.db, this.rec.id);
    this.rec = { ...this.rec, sizeBytes: total || 0, storedBytes: 0, state: 'remote', verified: false, etag: undefined };
    this.resumedFrom = 0;
    this.chunksDone = 0;
    this.fileEnd = null;
    this.probe = new HeaderProbe();
    await putModel(this.o.db, this.rec);
  }

  /** Cut the body into chunks as it arrives; store each one once complete and hashed (chunks `[firstIndex, until)`). */
  private async consume(res: Response, firstIndex: number, until: number, expected: number, mode: 'fill' | 'repair', limit: BodyLimit): Promise<void> {
    if (!res.body) throw new NetworkError(`${this.url} returned no body`, { url: this.url });
    const reader = res.body.getReader();
    const cs = this.rec.chunkSize;
    const buf = new Uint8Array(cs);
    const stored = mode === 'repair' ? new Map((await readChunks(this.o.db, this.rec.id)).map((c) => [c.index, c.sha256])) : null;
    let fill = 0, index = firstIndex, got = 0;
    try {
      while (index < until) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (e) {
          if (this.o.signal.aborted) throw new AbortError(`Download of ${this.rec.name} cancelled`, { id: this.rec.id });
          throw new NetworkError(`Download of ${this.url} broke off after ${got} bytes`, { url: this.url, received: got, cause: String(e) });
        }
        if (step.done) break;
        const value = step.value;
        // Bound the body before keeping any of this piece: what it declares, or what its header implies.
        const at = firstIndex * cs + got;
        const end = this.probe.feed(at, value);
        if (end !== null) limit.bound(this.fileEnd = end, 'gguf-header');
        limit.check(at + value.length);
        for (let off = 0; off < value.length && index < until; ) {
          const n = Math.min(cs - fill, value.length - off);
          buf.set(value.subarray(off, off + n), fill);
          fill += n; off += n; got += n; this.received += n;
          const size = this.rec.sizeBytes;
          if (fill === cs || (size > 0 && index * cs + fill === size)) {
            await this.finishChunk(index++, buf.subarray(0, fill), stored);
            fill = 0;
          }
        }
        this.inChunk = fill;
        this.emit(false);
      }
      if (index >= until) return; // everything asked for arrived (a whole-file 200 may carry more)
      if (!this.rec.sizeBytes) {
        // No length header: the end of the body tells the size.
        this.rec.sizeBytes = index * cs + fill;
        if (fill > 0) await this.finishChunk(index, buf.subarray(0, fill), stored);
        await putModel(this.o.db, this.rec);
      } else if (fill > 0 || (expected >= 0 && got < expected) || index * cs < this.rec.sizeBytes) {
        throw new NetworkError(`Download of ${this.url} ended early (${got} bytes received)`, { url: this.url, received: got, expected });
      }
    } finally {
      this.inChunk = 0;
      await reader.cancel().catch(() => undefined);
    }
  }

  private async finishChunk(index: number, bytes: Uint8Array<ArrayBuffer>, stored: Map<number, string> | null): Promise<void> {
    if (index === 0 && !GGUF_MAGIC.every((b, i) => bytes[i] === b)) {
      throw new GgufError(`${this.url} is not a GGUF file (wrong magic bytes)`, { url: this.url });
    }
    const sha256 = await sha256Hex(bytes);
    const want = this.rec.chunkSha256?.[index];
    if (want && want !== sha256) {
      const n = (this.corrupt.get(index) ?? 0) + 1;
      this.corrupt.set(index, n);
      this.warn('CHUNK_CORRUPT', `Chunk ${index} failed its SHA-256 check; fetching it again`, { index, attempt: n });
      if (n > this.o.maxChunkRetries) {
        throw new IntegrityError(`Chunk ${index} of ${this.rec.name} keeps failing its SHA-256 check`, { id: this.rec.id, index, expected: want, got: sha256 });
      }
      return; // not stored: the chunk stays missing and is fetched again
    }
    const before = stored?.get(index);
    if (stored && before === sha256) return; // repair pass: this chunk was right
    if (stored && before !== undefined) this.replaced.push(index);
    const next = { ...this.rec, storedBytes: this.rec.storedBytes + (before === undefined ? bytes.length : 0), state: 'partial' as const };
    await putChunk(this.o.db, { modelId: this.rec.id, index, blob: new Blob([bytes]), size: bytes.length, sha256 }, next);
    this.rec = next;
    if (before === undefined) this.chunksDone++;
    this.emit(true);
  }

  /** Hash the stored file; true when it matches the expected digest. */
  private async verifyWhole(): Promise<boolean> {
    if (this.rec.verified) return true;
    this.phase = 'verifying';
    this.emit(true);
    const chunks = await readChunks(this.o.db, this.rec.id);
    const ok = (await sha256OfBlobs(chunks.map((c) => c.blob), this.o.signal)) === this.rec.sha256;
    this.phase = 'downloading';
    if (ok) {
      this.rec.verified = true;
      await putModel(this.o.db, this.rec);
    }
    return ok;
  }

  /**
   * The whole file is wrong. First drop chunks whose bytes no longer match the hash taken when they were
   * written (storage damage); if none, stream the file again and replace only the chunks that differ.
   */
  private async repair(): Promise<void> {
    let dropped = 0;
    for (const c of await readChunks(this.o.db, this.rec.id)) {
      if ((await sha256Hex(new Uint8Array(await c.blob.arrayBuffer()))) !== c.sha256) {
        await deleteChunk(this.o.db, this.rec.id, c.index);
        this.rec.storedBytes -= c.size;
        this.chunksDone--;
        dropped++;
      }
    }
    if (dropped) return;
    this.replaced = [];
    await this.fetchRun(0, Infinity, 'repair');
    this.warn('FILE_CORRUPT', `The file failed its SHA-256 check; replaced chunk(s) ${this.replaced.join(', ') || 'none'}`, { replaced: [...this.replaced] });
    if (this.replaced.length === 0) {
      throw new IntegrityError(`${this.url} does not match its expected SHA-256 digest`, { id: this.rec.id, url: this.url, expected: this.rec.sha256 });
    }
  }

  private warn(code: DownloadWarning['code'], message: string, details: Record<string, unknown>): void {
    this.o.onWarning?.({ id: this.rec.id, code, message, details });
  }

  private emit(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < this.o.progressIntervalMs) return;
    this.lastEmit = now;
    const total = this.rec.sizeBytes;
    const loaded = Math.min(this.rec.storedBytes + this.inChunk, total || Infinity);
    const { bytesPerSec, etaSec } = this.meter.sample(this.received, total ? total - loaded : Infinity);
    this.o.onProgress?.({
      id: this.rec.id, phase: this.phase, loaded, total, fraction: total ? loaded / total : 0, bytesPerSec,
      etaSec: total ? etaSec : null, chunksDone: this.chunksDone,
      chunksTotal: total ? chunkCount(total, this.rec.chunkSize) : 0, resumedFrom: this.resumedFrom,
    });
  }
}
