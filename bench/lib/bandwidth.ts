/**
 * Memory read bandwidth with wasm SIMD, for decode rooflines (browser side; cross-origin isolated pages).
 *
 * Each worker (bandwidth.worker.ts) owns a memory far larger than the caches. A pass starts the active
 * workers together at a SharedArrayBuffer barrier (worker 0 reads the clock, then releases the others), each reads its whole memory (`v128.load` +
 * `i32x4.add`, 128 bytes an iteration) as many times as it takes for the pass to read `minBytesPerPass`
 * in all, and the figure is bytes ÷ the wall time of the concurrent read (worker 0's clock, from the
 * barrier's release until the last worker finished) — not each worker's best pass.
 *
 * `measureBandwidth` runs identical arms interleaved pass by pass (A/A control: their ratio shows the
 * noise floor), for each thread count; `BandwidthProbe.pass` alone measures between other work (e.g.
 * next to each decode run, so a roofline and the decode it bounds see the same machine).
 */

/** Slots of the control SharedArrayBuffer (Int32). */
export const CTL_ARRIVED = 0;
export const CTL_DONE = 1;
/** Number of the pass released by worker 0 (passes are numbered from 1). */
export const CTL_GO = 2;

/** Page → probe worker. */
export type ProbeRequest =
  | { type: 'init'; index: number; bytes: number; ctl: SharedArrayBuffer }
  | { type: 'pass'; gen: number; active: number; sweeps: number };

/** Probe worker → page. */
export type ProbeReply =
  | { type: 'ready'; index: number; bytes: number; sink: number }
  | { type: 'done'; index: number; gen: number; wallMs: number; ownMs: number; bytesRead: number; sink: number }
  | { type: 'error'; index: number; message: string };

/** One timed pass. */
export interface BandwidthPass {
  threads: number;
  arm: string;
  /** 1-based pass number within its arm and thread count. */
  pass: number;
  /** Bytes read by all threads together. */
  bytes: number;
  /** Wall time of the concurrent read. */
  wallMs: number;
  /** bytes ÷ wall time, GB/s (10^9 bytes). */
  gbps: number;
  /** Each thread's own read time (for skew). */
  threadMs: number[];
}

/** A set of probe workers, each with its own large memory. */
export class BandwidthProbe {
  private gen = 0;
  private constructor(private readonly workers: Worker[], private readonly ctl: Int32Array, readonly bytesPerWorker: number) {}

  /** Start `workers` probe workers with `bytesPerWorker` bytes of memory each (filled before this resolves). */
  static async start(workers: number, bytesPerWorker: number): Promise<BandwidthProbe> {
    const sab = new SharedArrayBuffer(64);
    const list = Array.from({ length: workers }, (_, i) =>
      new Worker(new URL('./bandwidth.worker.ts', import.meta.url), { type: 'module', name: `bandwidth-probe-${i}` }));
    const probe = new BandwidthProbe(list, new Int32Array(sab), bytesPerWorker);
    try {
      // One at a time: filling two large memories at once on a small machine only slows both.
      for (let i = 0; i < workers; i++) await probe.ask(i, { type: 'init', index: i, bytes: bytesPerWorker, ctl: sab });
    } catch (e) {
      probe.terminate();
      throw e;
    }
    return probe;
  }

  private ask(i: number, msg: ProbeRequest): Promise<ProbeReply> {
    const w = this.workers[i]!;
    return new Promise((resolve, reject) => {
      w.onmessage = (e: MessageEvent<ProbeReply>) => (e.data.type === 'error' ? reject(new Error(`bandwidth worker ${i}: ${e.data.message}`)) : resolve(e.data));
      w.onerror = (e) => reject(new Error(`bandwidth worker ${i}: ${e.message}`));
      w.postMessage(msg);
    });
  }

  /** One concurrent pass on the first `threads` workers reading at least `minBytes` in all. */
  async pass(threads: number, minBytes: number): Promise<Omit<BandwidthPass, 'arm' | 'pass'>> {
    if (threads < 1 || threads > this.workers.length) throw new Error(`threads must be 1…${this.workers.length}`);
    const sweeps = Math.max(1, Math.ceil(minBytes / (threads * this.bytesPerWorker)));
    Atomics.store(this.ctl, CTL_ARRIVED, 0);
    Atomics.store(this.ctl, CTL_DONE, 0);
    const gen = ++this.gen;
    const replies = await Promise.all(Array.from({ length: threads }, (_, i) => this.ask(i, { type: 'pass', gen, active: threads, sweeps })));
    const done = replies.filter((r): r is Extract<ProbeReply, { type: 'done' }> => r.type === 'done');
    const bytes = done.reduce((a, r) => a + r.bytesRead, 0);
    const wallMs = done.find((r) => r.index === 0)!.wallMs;
    return { threads, bytes, wallMs, gbps: bytes / wallMs / 1e6, threadMs: done.map((r) => r.ownMs) };
  }

  /** Stop the workers and free their memory. */
  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}

/** Options of `measureBandwidth`. */
export interface BandwidthOptions {
  /** Thread counts to measure, e.g. [1, 2]; at most the probe's worker count. */
  threadCounts: number[];
  /** Bytes a pass reads in all (≥ 2 GiB). */
  minBytesPerPass: number;
  /** Timed passes per arm and thread count. */
  passes: number;
  /** Identical arms, interleaved pass by pass (A/A control). */
  arms?: string[];
  /** Progress lines. */
  onPass?: (p: BandwidthPass) => void;
}

/**
 * Measure read bandwidth on `probe`: one untimed warm-up pass per thread count, then `passes` rounds; in
 * each, every thread count and every arm once, the order alternating round by round so no arm always
 * runs first.
 */
export async function measureBandwidth(probe: BandwidthProbe, o: BandwidthOptions): Promise<BandwidthPass[]> {
  const arms = o.arms ?? ['A', 'B'];
  const out: BandwidthPass[] = [];
  for (const t of o.threadCounts) await probe.pass(t, o.minBytesPerPass);
  for (let i = 0; i < o.passes; i++) {
    const threads = i % 2 ? [...o.threadCounts].reverse() : o.threadCounts;
    for (const t of threads) {
      for (const arm of i % 2 ? [...arms].reverse() : arms) {
        const p = { ...(await probe.pass(t, o.minBytesPerPass)), arm, pass: i + 1 };
        out.push(p);
        o.onPass?.(p);
      }
    }
  }
  return out;
}
