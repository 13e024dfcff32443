/**
 * The RoPE table, computed on the CPU exactly as ggml's `rope_cache_init` does (θ advanced by repeated
 * f32 multiplication, `cos`/`sin` of the f32 angle) and uploaded once: the GPU kernels then rotate with
 * table look-ups, free of WGSL's loosely specified `sin`/`cos` precision.
 */
import type { LlamaConfig } from './model-config';

/** `[pos][pair] → (cos, sin)`, `nCtx × ropeDim/2 × 2` floats. */
export function ropeTable(cfg: Pick<LlamaConfig, 'ropeBase' | 'ropeDim' | 'ropeFreqScale'>, nCtx: number, freqFactors?: Float32Array): Float32Array {
  const f = Math.fround;
  const half = cfg.ropeDim / 2;
  const out = new Float32Array(nCtx * half * 2);
  const thetaScale = f(Math.pow(cfg.ropeBase, -2 / cfg.ropeDim));
  for (let pos = 0; pos < nCtx; pos++) {
    let theta = f(pos);
    for (let i = 0; i < half; i++) {
      const ff = freqFactors?.[i] ?? 1;
      const t = f(cfg.ropeFreqScale * f(theta / ff));
      out[(pos * half + i) * 2] = Math.cos(t);
      out[(pos * half + i) * 2 + 1] = Math.sin(t);
      theta = f(theta * thetaScale);
    }
  }
  return out;
}

/** Rotate one head in place (llama.cpp's normal, non-NeoX RoPE: adjacent pairs). */
export function ropeHead(x: Float32Array, off: number, table: Float32Array, pos: number, ropeDim: number): void {
  const half = ropeDim / 2;
  for (let i = 0; i < half; i++) {
    const c = table[(pos * half + i) * 2]!, s = table[(pos * half + i) * 2 + 1]!;
    const x0 = x[off + 2 * i]!, x1 = x[off + 2 * i + 1]!;
    x[off + 2 * i] = x0 * c - x1 * s;
    x[off + 2 * i + 1] = x0 * s + x1 * c;
  }
}
