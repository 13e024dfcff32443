/** Small element-wise kernels: SwiGLU, and the token-embedding lookup (dequantising one row per token). */
import { weightAccess } from './weights.wgsl';

/** `G = silu(G) * U` over `step.nTok × p.n` elements. */
export const SWIGLU_WGSL = /* wgsl */ `
struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> G: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(5) var<uniform> st: Step;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= st.nTok * p.n) { return; }
  let g = G[i];
  G[i] = g / (1.0 + exp(-g)) * U[i];
}
`;

/** `X[t] = embedding row of token T[t]`, four elements per thread; `gid.y` is the token. */
export function embedShader(type: number): string {
  return /* wgsl */ `
struct Params { rows: u32, cols: u32, pad0: u32, pad1: u32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> T: array<u32>;
@group(0) @binding(4) var<storage, read_write> X: array<vec4<f32>>;
@group(0) @binding(5) var<uniform> st: Step;
${weightAccess(type)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.y;
  let k = gid.x * 4u;
  if (t >= st.nTok || k >= p.cols) { return; }
  let tok = min(T[t], p.rows - 1u);
  X[(t * p.cols + k) >> 2u] = load4(tok, k);
}
`;
}

/** `A[dst + i] = A[src + i]` for `i < n` (u32 words): one sequence's cached prefix copied to another's rows. */
export const COPY_WGSL = /* wgsl */ `
struct Params { srcOff: u32, dstOff: u32, n: u32, pad: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> A: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  A[p.dstOff + i] = A[p.srcOff + i];
}
`;
