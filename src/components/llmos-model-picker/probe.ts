/**
 * Page-side probes the picker needs: which fixture models this server serves, and what the WebGPU
 * adapter offers. Every probe has a timeout; none throws.
 */
import { probeAdapterOnce } from '../../protocol/adapter-probe';

/** A fixture model the server really serves. */
export interface FixtureModel {
  name: string;
  url: string;
  bytes: number;
}

const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"

/**
 * Keep the names whose URL answers with a GGUF file. The first four bytes are fetched (Range) and the
 * magic checked, because a production server without the fixture server may answer any path with the
 * app's `index.html` (SPA fallback) and a 200.
 */
export async function probeFixtures(base: string, names: readonly string[], timeoutMs = 5000): Promise<FixtureModel[]> {
  const found = await Promise.all(names.map(async (name): Promise<FixtureModel | null> => {
    const url = new URL(name, new URL(base, location.href)).pathname;
    try {
      const res = await fetch(url, { headers: { Range: 'bytes=0-3' }, signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
      if (!res.ok) return null;
      const head = new Uint8Array(await res.arrayBuffer()).subarray(0, 4);
      if (!GGUF_MAGIC.every((b, i) => head[i] === b)) return null;
      const total = /\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1] ?? res.headers.get('Content-Length');
      return { name, url, bytes: Number(total ?? 0) };
    } catch {
      return null;
    }
  }));
  return found.filter((f): f is FixtureModel => f !== null);
}

/** What the page can learn about WebGPU without creating a device. */
export interface GpuSupport {
  webgpu: boolean;
  f16: boolean;
}

/** Is there an adapter, and does it have `shader-f16`? (The shared probe, asked once.) */
export async function probeGpuSupport(): Promise<GpuSupport> {
  const a = await probeAdapterOnce();
  return { webgpu: a !== null, f16: a?.f16 ?? false };
}
