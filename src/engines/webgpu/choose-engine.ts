/**
 * Which engine runs a GGUF model on this device. wllama's WebGPU backend needs `shader-f16`; where
 * WebGPU exists without it, our f32 WebGPU engine gives GPU inference instead of wllama's CPU path.
 * Pure and dependency-free, so the page (UI, kernel) can import it without pulling in any engine.
 */

/** What the device offers (from `DeviceBudget` / `probeGpu`). */
export interface GgufDeviceFacts {
  /** `navigator.gpu` exists and an adapter was granted. */
  webgpu: boolean;
  /** The adapter has `shader-f16`. */
  f16: boolean;
}

/** `'webgpu'` on WebGPU devices without `shader-f16`; otherwise `'wllama'` (its WebGPU with f16, or wasm). */
export function chooseGgufEngine(facts: GgufDeviceFacts): 'webgpu' | 'wllama' {
  return facts.webgpu && !facts.f16 ? 'webgpu' : 'wllama';
}
