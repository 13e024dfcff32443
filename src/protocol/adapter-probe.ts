/**
 * The one WebGPU adapter probe, for the page (device budget, model picker) and the engine workers alike:
 * what `navigator.gpu.requestAdapter()` grants, without creating a device. A missing `navigator.gpu`, a
 * refusal, an exception or an answer slower than `timeoutMs` (some drivers hang) is `null`: no adapter.
 */

/** What the adapter offers. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  description: string;
  /** Its features, sorted (e.g. `shader-f16`). */
  features: string[];
  /** `shader-f16` is among them. */
  f16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** A software adapter (SwiftShader, llvmpipe, a fallback adapter): its "GPU" is the CPU. */
  software: boolean;
}

/** Facts of an adapter object (`requestAdapter()`'s answer). */
export function adapterFacts(adapter: GPUAdapter): AdapterFacts {
  const info = adapter.info;
  const architecture = info?.architecture ?? '';
  const description = info?.description ?? '';
  const features = [...adapter.features].map(String).sort();
  return {
    vendor: info?.vendor ?? '',
    architecture,
    description,
    features,
    f16: features.includes('shader-f16'),
    maxBufferSize: Number(adapter.limits.maxBufferSize),
    maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize),
    software: /swiftshader|llvmpipe|software/i.test(`${architecture} ${description}`)
      || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true,
  };
}

/** Probe `gpu` (default: this context's `navigator.gpu`); `null` when there is no usable adapter. */
export async function probeAdapter(
  gpu: GPU | undefined = (globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined)?.gpu,
  timeoutMs = 5000,
): Promise<AdapterFacts | null> {
  if (!gpu) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const adapter = await Promise.race([
      gpu.requestAdapter(),
      new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); }),
    ]);
    return adapter ? adapterFacts(adapter) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

let cached: Promise<AdapterFacts | null> | null = null;

/** `probeAdapter()` of this context's `navigator.gpu`, asked once (the adapter does not change under a page). */
export function probeAdapterOnce(): Promise<AdapterFacts | null> {
  cached ??= probeAdapter();
  return cached;
}
