import { describe, expect, test } from 'vitest';
import type { DownloadProgress } from './download-progress';
import { PairProgress } from './pair-progress';

const ev = (id: string, p: Partial<DownloadProgress>): DownloadProgress => ({
  id, phase: 'downloading', loaded: 0, total: 0, fraction: 0, bytesPerSec: 0, etaSec: null, chunksDone: 0, chunksTotal: 0, resumedFrom: 0, ...p,
});

describe('PairProgress (a model and its vision projector as one download)', () => {
  test('sums bytes, rate and chunks under the model id; done only when both are', () => {
    const out: DownloadProgress[] = [];
    const pair = new PairProgress('m', [{ id: 'm', loaded: 0, total: 1000 }, { id: 'm#mmproj', loaded: 100, total: 200 }], (p) => out.push(p));
    pair.update(ev('m', { loaded: 500, total: 1000, bytesPerSec: 100, chunksDone: 1, chunksTotal: 2 }));
    expect(out.at(-1)).toMatchObject({ id: 'm', phase: 'downloading', loaded: 600, total: 1200, fraction: 0.5, bytesPerSec: 100, etaSec: 6, chunksDone: 1, resumedFrom: 100 });
    pair.update(ev('m', { phase: 'done', loaded: 1000, total: 1000, chunksDone: 2, chunksTotal: 2 }));
    expect(out.at(-1)!.phase).not.toBe('done'); // the projector is not in yet
    expect(out.at(-1)!.fraction).toBeLessThan(1);
    pair.update(ev('m#mmproj', { phase: 'done', loaded: 200, total: 200, chunksDone: 1, chunksTotal: 1 }));
    expect(out.at(-1)).toMatchObject({ id: 'm', phase: 'done', loaded: 1200, total: 1200, fraction: 1, etaSec: 0, chunksDone: 3, chunksTotal: 3 });
  });

  test('an unknown size keeps the fraction at 0; queued until a part starts', () => {
    const out: DownloadProgress[] = [];
    const pair = new PairProgress('m', [{ id: 'm', loaded: 0, total: 0 }, { id: 'p', loaded: 0, total: 50 }], (p) => out.push(p));
    pair.update(ev('p', { phase: 'queued', total: 50 }));
    expect(out.at(-1)).toMatchObject({ phase: 'queued', total: 0, fraction: 0, etaSec: null });
    pair.update(ev('p', { phase: 'verifying', loaded: 50, total: 50 }));
    expect(out.at(-1)!.phase).toBe('queued'); // the model has not started
  });
});
