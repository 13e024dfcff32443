/**
 * One progress stream for a model downloaded with its vision projector: the two downloads report
 * separately (each under its own record id); listeners of the model see their sum under the model's id —
 * bytes, rate and chunks added up, `done` only once both are. @internal
 */
import type { DownloadPhase, DownloadProgress } from './download-progress';

/** A part before its first event: what its record says. */
export interface PartStart {
  id: string;
  loaded: number;
  total: number;
}

const RANK: Record<DownloadPhase, number> = { queued: 0, verifying: 1, downloading: 2, done: 3 };

/** Merge the progress of a model and its projector into events for the model (see the module comment). */
export class PairProgress {
  private readonly parts = new Map<string, DownloadProgress>();

  constructor(private readonly modelId: string, starts: PartStart[], private readonly emit: (p: DownloadProgress) => void) {
    for (const s of starts) {
      this.parts.set(s.id, {
        id: s.id, phase: 'queued', loaded: s.loaded, total: s.total, fraction: 0, bytesPerSec: 0, etaSec: null,
        chunksDone: 0, chunksTotal: 0, resumedFrom: s.loaded,
      });
    }
  }

  /** Feed one part's event; emits the merged event. */
  update(p: DownloadProgress): void {
    this.parts.set(p.id, p);
    const all = [...this.parts.values()];
    const sum = (k: 'loaded' | 'total' | 'bytesPerSec' | 'chunksDone' | 'chunksTotal' | 'resumedFrom') => all.reduce((n, x) => n + x[k], 0);
    const total = all.every((x) => x.total > 0) ? sum('total') : 0;
    const loaded = sum('loaded');
    const rate = sum('bytesPerSec');
    // The pair is as far as its least advanced part, except that one part still downloading is "downloading".
    const phase: DownloadPhase = all.every((x) => x.phase === 'done') ? 'done'
      : all.some((x) => x.phase === 'downloading') ? 'downloading'
        : all.reduce<DownloadPhase>((m, x) => (x.phase !== 'done' && RANK[x.phase] < RANK[m] ? x.phase : m), 'verifying');
    this.emit({
      id: this.modelId, phase, loaded, total, fraction: total ? Math.min(1, loaded / total) : 0, bytesPerSec: rate,
      etaSec: total ? (rate > 0 ? Math.max(0, total - loaded) / rate : loaded >= total ? 0 : null) : null,
      chunksDone: sum('chunksDone'), chunksTotal: sum('chunksTotal'), resumedFrom: sum('resumedFrom'),
    });
  }
}
