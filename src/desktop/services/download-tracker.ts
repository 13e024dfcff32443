/**
 * Downloads of the model library as the desktop shows them: one entry per model with its latest
 * progress (bytes, rate, ETA) or the error that stopped it. It outlives the model-library window, so
 * closing the window does not lose a download's progress. Fires `change` on every update.
 */
import { AbortError, toLlmOsError, type LlmOsError } from '../../errors';
import type { DownloadProgress } from '../../models/download-progress';
import type { ModelLibrary } from '../../models/model-library';

/** What the tracker knows about one model's download. */
export interface DownloadState {
  id: string;
  running: boolean;
  progress: DownloadProgress | null;
  /** Why the last run stopped (never set for a user cancel). */
  error: LlmOsError | null;
}

/** Progress and errors of the model library's downloads, shared by every window. */
export class DownloadTracker extends EventTarget {
  private readonly states = new Map<string, DownloadState>();

  constructor(private readonly library: () => Promise<ModelLibrary>) {
    super();
  }

  /** The state of one model's download, if any was started in this session. */
  get(id: string): DownloadState | undefined {
    return this.states.get(id);
  }

  /** Every tracked download. */
  all(): DownloadState[] {
    return [...this.states.values()];
  }

  /** Start (or resume) a download; resolves when it ends (never rejects: the error is in the state). */
  async start(id: string): Promise<void> {
    const cur = this.states.get(id);
    if (cur?.running) return;
    const state: DownloadState = { id, running: true, progress: cur?.progress ?? null, error: null };
    this.set(state);
    try {
      const lib = await this.library();
      await lib.download(id, { onProgress: (p) => this.set({ ...this.states.get(id)!, progress: p }) });
      this.set({ ...this.states.get(id)!, running: false });
    } catch (e) {
      const err = toLlmOsError(e);
      this.set({ ...this.states.get(id)!, running: false, error: err instanceof AbortError ? null : err });
    }
  }

  /** Resume every download a reload interrupted, tracking each one's progress. */
  async resumePending(): Promise<void> {
    const lib = await this.library();
    await lib.resumePending({
      onProgress: (p) => this.set({ id: p.id, running: p.phase !== 'done', progress: p, error: null }),
    }).then((results) => {
      for (const s of this.states.values()) if (s.running) this.set({ ...s, running: false });
      for (const r of results) if (r.status === 'rejected') {
        const err = toLlmOsError(r.reason);
        const id = String(err.details['id'] ?? '');
        if (id && !(err instanceof AbortError)) this.set({ id, running: false, progress: this.states.get(id)?.progress ?? null, error: err });
      }
    });
  }

  /** Cancel a running download (stored chunks stay, so it can resume). */
  async cancel(id: string): Promise<void> {
    (await this.library()).cancel(id);
  }

  /** Forget a model's entry (after a delete). */
  forget(id: string): void {
    if (this.states.delete(id)) this.dispatchEvent(new Event('change'));
  }

  private set(s: DownloadState): void {
    this.states.set(s.id, s);
    this.dispatchEvent(new Event('change'));
  }
}
