/**
 * Which engine runs a GGUF model on this device. wllama's WebGPU backend needs `shader-f16`; where a
 * hardware WebGPU adapter exists without it, our f32 WebGPU engine gives GPU inference instead of
 * wllama's CPU path. On a software adapter (SwiftShader, a "fallback adapter") the "GPU" is the CPU
 * again and wllama's wasm decodes faster (bench/webgpu-engine: 0.57× and 0.32× for our engine), so auto
 * keeps wllama there. The user can force either engine (desktop settings → GGUF engine).
 * Pure and dependency-free, so the page (UI, kernel) can import it without pulling in any engine.
 */

/** The user's choice: `auto` follows the rule above. */
export type GgufEnginePreference = 'auto' | 'wllama' | 'webgpu';

/** What the device offers (from `DeviceBudget` / `probeGpu`). */
export interface GgufDeviceFacts {
  /** `navigator.gpu` exists and an adapter was granted. */
  webgpu: boolean;
  /** The adapter has `shader-f16`. */
  f16: boolean;
  /** The adapter is a software rasteriser (SwiftShader, fallback adapter). */
  software?: boolean;
  /** The user's preference (default `auto`); `webgpu` is honoured only where WebGPU exists. */
  preference?: GgufEnginePreference;
}

/** The engine kind for a GGUF model on this device. */
export function chooseGgufEngine(facts: GgufDeviceFacts): 'webgpu' | 'wllama' {
  if (facts.preference === 'wllama') return 'wllama';
  if (facts.preference === 'webgpu') return facts.webgpu ? 'webgpu' : 'wllama';
  return facts.webgpu && !facts.f16 && !facts.software ? 'webgpu' : 'wllama';
}
