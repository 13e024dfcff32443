/** Browser-side helpers for bench pages. */
export function publish(result: unknown): void {
  (window as unknown as { __benchResult: unknown }).__benchResult = result;
}

export function log(...args: unknown[]): void {
  console.log('[bench]', ...args);
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Memory read bandwidth (bytes/s) measured with `threads` workers, each summing its own slice of a
 * shared buffer larger than the caches. It is the roofline for decode: every weight is read once a token.
 */
export async function measureReadBandwidth(threads: number, bytesPerThread = 128 * 1024 * 1024, reps = 5): Promise<number> {
  const src = `
    self.onmessage = (e) => {
      const { buf, offset, length, reps } = e.data;
      const a = new Float64Array(buf, offset, length / 8);
      let best = Infinity, sink = 0;
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0; i < a.length; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
        sink += s0 + s1 + s2 + s3;
        best = Math.min(best, performance.now() - t0);
      }
      self.postMessage({ best, sink });
    };`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const buf = new SharedArrayBuffer(bytesPerThread * threads);
  new Float64Array(buf).fill(1);
  const workers = Array.from({ length: threads }, () => new Worker(url));
  try {
    const times = await Promise.all(workers.map((w, i) => new Promise<number>((resolve) => {
      w.onmessage = (e) => resolve((e.data as { best: number }).best);
      w.postMessage({ buf, offset: i * bytesPerThread, length: bytesPerThread, reps });
    })));
    const slowest = Math.max(...times) / 1000;
    return (bytesPerThread * threads) / slowest;
  } finally {
    workers.forEach((w) => w.terminate());
    URL.revokeObjectURL(url);
  }
}
