/**
 * One thread of the memory-bandwidth probe (bench/lib/bandwidth.ts): owns a wasm memory far larger than the
 * caches, filled so every page is really backed, and on each `pass` message waits at a shared barrier
 * with the other active workers, then reads its whole memory `sweeps` times with the SIMD module of
 * `simd-read-wasm.ts`. Worker 0 keeps the clock: it waits for the others to arrive, reads the clock, then
 * releases them, and stops the clock once every active worker has finished: the figure is the wall time
 * of the concurrent read, never shorter than any thread's part of it.
 */
import { READ_STRIDE, simdReadModuleBytes } from './simd-read-wasm';
import type { ProbeReply, ProbeRequest } from './bandwidth';
import { CTL_ARRIVED, CTL_DONE, CTL_GO } from './bandwidth';

const CHUNK = 16 * 1024 * 1024; // bytes per wasm call: small enough that a tier-up applies mid-pass
const SPIN = 200_000;

let ctl: Int32Array | null = null;
let index = 0;
let bytes = 0;
let read: ((p: number, end: number) => number) | null = null;

/** Wait until `ctl[slot] >= target`: spin first (tight start), then sleep on the futex. */
function waitFor(slot: number, target: number): void {
  let spins = 0, v: number;
  while ((v = Atomics.load(ctl!, slot)) < target) {
    if (++spins > SPIN) Atomics.wait(ctl!, slot, v, 50);
  }
}

/** Add one to `ctl[slot]`; the last of `n` arrivals wakes the sleepers. */
function arrive(slot: number, n: number): void {
  if (Atomics.add(ctl!, slot, 1) + 1 >= n) Atomics.notify(ctl!, slot);
}

function sweep(times: number): number {
  let sink = 0;
  for (let t = 0; t < times; t++) {
    for (let p = 0; p < bytes; p += CHUNK) sink = (sink + read!(p, Math.min(p + CHUNK, bytes))) | 0;
  }
  return sink;
}

async function init(msg: Extract<ProbeRequest, { type: 'init' }>): Promise<ProbeReply> {
  ctl = new Int32Array(msg.ctl);
  index = msg.index;
  bytes = Math.floor(msg.bytes / READ_STRIDE) * READ_STRIDE;
  const pages = Math.ceil(bytes / 65536);
  const mem = new WebAssembly.Memory({ initial: pages, maximum: pages });
  // Write every page: an untouched page reads as the kernel's shared zero page, i.e. from cache.
  const words = new Uint32Array(mem.buffer);
  for (let i = 0; i < words.length; i += 1 << 20) words.fill((i >>> 20) * 2654435761 + index, i, Math.min(i + (1 << 20), words.length));
  const { instance } = await WebAssembly.instantiate(simdReadModuleBytes(), { env: { mem } });
  read = instance.exports.read as (p: number, end: number) => number;
  // Warm-up on a cache-sized range: enough calls for V8 to tier `read` up from Liftoff to TurboFan.
  let sink = 0;
  for (let i = 0; i < 4000; i++) sink = (sink + read(0, 64 * 1024)) | 0;
  return { type: 'ready', index, bytes, sink };
}

function pass(msg: Extract<ProbeRequest, { type: 'pass' }>): ProbeReply {
  // Worker 0 starts the clock, then releases the others: no read starts before t0, none ends after t1.
  if (index === 0) {
    waitFor(CTL_ARRIVED, msg.active - 1);
  } else {
    arrive(CTL_ARRIVED, msg.active - 1);
    waitFor(CTL_GO, msg.gen);
  }
  const t0 = performance.now();
  if (index === 0) {
    Atomics.store(ctl!, CTL_GO, msg.gen);
    Atomics.notify(ctl!, CTL_GO);
  }
  const sink = sweep(msg.sweeps);
  const ownMs = performance.now() - t0;
  arrive(CTL_DONE, msg.active);
  let wallMs = NaN;
  if (index === 0) {
    waitFor(CTL_DONE, msg.active);
    wallMs = performance.now() - t0;
  }
  return { type: 'done', index, gen: msg.gen, wallMs, ownMs, bytesRead: bytes * msg.sweeps, sink };
}

self.onmessage = async (e: MessageEvent<ProbeRequest>) => {
  try {
    const reply = e.data.type === 'init' ? await init(e.data) : pass(e.data);
    self.postMessage(reply);
  } catch (err) {
    self.postMessage({ type: 'error', index, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies ProbeReply);
  }
};
