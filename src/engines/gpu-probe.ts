/** Worker-side probe of the WebGPU adapter: the facts engines need to pick a backend honestly. */
export interface GpuProbe {
  available: boolean;
  f16: boolean;
  vendor: string;
  architecture: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

let cached: Promise<GpuProbe> | null = null;

export function probeGpu(): Promise<GpuProbe> {
  cached ??= (async () => {
    const none: GpuProbe = { available: false, f16: false, vendor: '', architecture: '', maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
    const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return none;
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return none;
      return {
        available: true,
        f16: adapter.features.has('shader-f16'),
        vendor: adapter.info?.vendor ?? '',
        architecture: adapter.info?.architecture ?? '',
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      };
    } catch {
      return none;
    }
  })();
  return cached;
}
