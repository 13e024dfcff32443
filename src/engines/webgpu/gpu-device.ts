/**
 * Acquires a WebGPU device for the engine, with the adapter's full buffer limits (a model's largest
 * matrix decides what it needs), and turns its loss into a promise that rejects with a typed
 * `DeviceLostError` — raced against every GPU wait so a lost device never hangs a generation.
 */
import { DeviceLostError, WebGpuUnavailableError } from '../../errors';

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: { vendor: string; architecture: string; fallback: boolean };
  f16: boolean;
  /** Rejects (never resolves) once the device is lost or destroyed. */
  lost: Promise<never>;
  /** Set when the device has been lost. */
  isLost(): boolean;
}

export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new WebGpuUnavailableError('WebGPU is not available here (no navigator.gpu)', {});
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError('No WebGPU adapter is available', {});
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(8, adapter.limits.maxStorageBuffersPerShaderStage),
    },
  });
  let lostFlag = false;
  const lost = device.lost.then((info): never => {
    lostFlag = true;
    throw new DeviceLostError(`The GPU device was lost (${info.reason}): ${info.message || 'no message'}`, { reason: info.reason });
  });
  lost.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
  return {
    device,
    adapter: {
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
      fallback: (adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter === true,
    },
    f16: adapter.features.has('shader-f16'),
    lost,
    isLost: () => lostFlag,
  };
}
