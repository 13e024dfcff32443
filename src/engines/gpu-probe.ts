/**
 * Worker-side view of the shared adapter probe (`protocol/adapter-probe.ts`): the facts engines need to
 * pick a backend honestly, asked once per worker.
 */
import { probeAdapterOnce } from '../protocol/adapter-probe';

export interface GpuProbe {
  available: boolean;
  f16: boolean;
  vendor: string;
  architecture: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export async function probeGpu(): Promise<GpuProbe> {
  const a = await probeAdapterOnce();
  return a
    ? { available: true, f16: a.f16, vendor: a.vendor, architecture: a.architecture, maxBufferSize: a.maxBufferSize, maxStorageBufferBindingSize: a.maxStorageBufferBindingSize }
    : { available: false, f16: false, vendor: '', architecture: '', maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
}
