/**
 * Download progress: the event shape and a meter that turns byte counts into a rate (sliding window, so
 * a stall shows at once) and an ETA. Pure: the clock is injected.
 */

/** Phases of one download. */
export type DownloadPhase = 'queued' | 'downloading' | 'verifying' | 'done';

/** One progress event (bytes, %, rate, ETA). */
export interface DownloadProgress {
  id: string;
  phase: DownloadPhase;
  /** Bytes of the file in hand (stored chunks + the chunk being received). */
  loaded: number;
  /** File size in bytes; 0 while unknown. */
  total: number;
  /** 0…1 (0 while the size is unknown). */
  fraction: number;
  /** Receive rate over the last few seconds, bytes/s. */
  bytesPerSec: number;
  /** Seconds left at the current rate; null when unknown. */
  etaSec: number | null;
  chunksDone: number;
  chunksTotal: number;
  /** Bytes already stored when this run started (> 0 means it resumed). */
  resumedFrom: number;
}

/** Something the user should know that did not stop the download. */
export interface DownloadWarning {
  id: string;
  code: 'RANGE_IGNORED' | 'SOURCE_CHANGED' | 'CHUNK_CORRUPT' | 'FILE_CORRUPT' | 'RETRY';
  message: string;
  details: Record<string, unknown>;
}

/** Sliding-window rate and ETA. */
export class ProgressMeter {
  private samples: [t: number, bytes: number][] = [];

  constructor(private readonly windowMs = 3000, private readonly now: () => number = () => performance.now()) {}

  /** Record that `received` bytes have arrived in total during this run; returns rate and ETA for `remaining`. */
  sample(received: number, remaining: number): { bytesPerSec: number; etaSec: number | null } {
    const t = this.now();
    this.samples.push([t, received]);
    while (this.samples.length > 2 && t - this.samples[0]![0] > this.windowMs) this.samples.shift();
    const [t0, b0] = this.samples[0]!;
    const dt = (t - t0) / 1000;
    const bytesPerSec = dt > 0 ? (received - b0) / dt : 0;
    const etaSec = bytesPerSec > 0 ? Math.max(0, remaining) / bytesPerSec : remaining <= 0 ? 0 : null;
    return { bytesPerSec, etaSec };
  }
}
