/**
 * Matrix products against a weight matrix `W[rows][cols]` (any supported ggml type, dequantised in
 * `load4`). Four entry points share one bind-group layout, in two families:
 *  - tiled (GPUs): `matvec` (decode, one token): 256 threads = 8 rows × 32 lanes, each lane strides
 *    the row with vec4 loads, then a shared-memory tree reduction per row; `matmul` (prefill,
 *    `step.nTok` tokens): 32 rows × 32 tokens per workgroup, K in tiles of 32 staged through
 *    workgroup memory, each of the 16×16 threads accumulating a 2×2 block.
 *  - flat (software adapters such as SwiftShader, where every workgroup barrier is a costly context
 *    switch): `matvec_flat`, one thread per row; `matmul_flat`, one thread per 4 rows × 4 tokens,
 *    register-blocked straight from memory, each 32-element block's scale applied once. No
 *    barriers, no workgroup memory.
 * A batched step (one decode token per sequence, prefill chunks beside them) uses the `matmul` of its
 * family: on SwiftShader a 4-token step of `matmul_flat` costs 1.5× a one-token `matvec_flat` step
 * (bench-40m-q8; one row and 4 tokens per thread measured 2.2×).
 * Output `Y[t][r]` is written, or added to (`p.add`, the residual stream).
 */
import { rowDot, weightAccess } from './weights.wgsl';

export const MATMUL_TILE = 32;
export const MATVEC_ROWS = 8;
/** Flat family: rows per 64-thread workgroup in `matvec_flat`; rows × tokens per thread in `matmul_flat`. */
export const FLAT_MATVEC_ROWS = 64;
export const FLAT_BLOCK = 4;

export function matmulShader(type: number): string {
  return /* wgsl */ `
struct Params { rows: u32, cols: u32, add: u32, pad: u32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> X: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<uniform> st: Step;
${weightAccess(type)}
${rowDot(type)}

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn matvec(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) li: u32) {
  let lane = li & 31u;
  let row = (wg.x + wg.y * nwg.x) * ${MATVEC_ROWS}u + (li >> 5u);
  var acc = 0.0;
  if (row < p.rows) {
    for (var k = lane * 4u; k < p.cols; k += 128u) {
      acc += dot(load4(row, k), X[k >> 2u]);
    }
  }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 16u; s > 0u; s >>= 1u) {
    if (lane < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (lane == 0u && row < p.rows) {
    var v = red[li];
    if (p.add != 0u) { v += Y[row]; }
    Y[row] = v;
  }
}

var<workgroup> tw: array<vec4<f32>, 256>;
var<workgroup> tx: array<vec4<f32>, 256>;

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
          @builtin(local_invocation_index) li: u32) {
  let row0 = wg.x * 32u;
  let tok0 = wg.y * 32u;
  let lr = li >> 3u;          // loader: row / token within the tile
  let lk = (li & 7u) * 4u;    // loader: column within the k tile
  let r = lid.y * 2u;
  let t = lid.x * 2u;
  var a00 = 0.0; var a01 = 0.0; var a10 = 0.0; var a11 = 0.0;
  for (var k0 = 0u; k0 < p.cols; k0 += 32u) {
    var w = vec4<f32>(0.0);
    if (row0 + lr < p.rows && k0 + lk < p.cols) { w = load4(row0 + lr, k0 + lk); }
    tw[li] = w;
    var x = vec4<f32>(0.0);
    if (tok0 + lr < st.nTok && k0 + lk < p.cols) { x = X[((tok0 + lr) * p.cols + k0 + lk) >> 2u]; }
    tx[li] = x;
    workgroupBarrier();
    for (var kk = 0u; kk < 8u; kk++) {
      let w0 = tw[r * 8u + kk];
      let w1 = tw[(r + 1u) * 8u + kk];
      let x0 = tx[t * 8u + kk];
      let x1 = tx[(t + 1u) * 8u + kk];
      a00 += dot(w0, x0); a01 += dot(w0, x1);
      a10 += dot(w1, x0); a11 += dot(w1, x1);
    }
    workgroupBarrier();
  }
  var acc = array<f32, 4>(a00, a01, a10, a11);
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + r + (i >> 1u);
    let tok = tok0 + t + (i & 1u);
    if (row < p.rows && tok < st.nTok) {
      let o = tok * p.rows + row;
      var v = acc[i];
      if (p.add != 0u) { v += Y[o]; }
      Y[o] = v;
    }
  }
}

@compute @workgroup_size(64)
fn matvec_flat(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= p.rows) { return; }
  var v = rowDot(row);
  if (p.add != 0u) { v += Y[row]; }
  Y[row] = v;
}

@compute @workgroup_size(64)
fn matmul_flat(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r0 = gid.x * 4u;
  let t0 = gid.y * 4u;
  if (r0 >= p.rows || t0 >= st.nTok) { return; }
  // Clamped rows / tokens past the edge compute duplicates that are never stored.
  let r1 = min(r0 + 1u, p.rows - 1u); let r2 = min(r0 + 2u, p.rows - 1u); let r3 = min(r0 + 3u, p.rows - 1u);
  let last = st.nTok - 1u;
  let x0 = t0 * p.cols; let x1 = min(t0 + 1u, last) * p.cols; let x2 = min(t0 + 2u, last) * p.cols; let x3 = min(t0 + 3u, last) * p.cols;
  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  for (var kb = 0u; kb < p.cols; kb += 32u) {
    let ke = min(kb + 32u, p.cols);
    var b0 = vec4<f32>(0.0); var b1 = vec4<f32>(0.0); var b2 = vec4<f32>(0.0); var b3 = vec4<f32>(0.0);
    for (var k = kb; k < ke; k += 4u) {
      let v0 = X[(x0 + k) >> 2u]; let v1 = X[(x1 + k) >> 2u]; let v2 = X[(x2 + k) >> 2u]; let v3 = X[(x3 + k) >> 2u];
      let w0 = load4q(r0, k); let w1 = load4q(r1, k); let w2 = load4q(r2, k); let w3 = load4q(r3, k);
      b0 += vec4<f32>(dot(w0, v0), dot(w0, v1), dot(w0, v2), dot(w0, v3));
      b1 += vec4<f32>(dot(w1, v0), dot(w1, v1), dot(w1, v2), dot(w1, v3));
      b2 += vec4<f32>(dot(w2, v0), dot(w2, v1), dot(w2, v2), dot(w2, v3));
      b3 += vec4<f32>(dot(w3, v0), dot(w3, v1), dot(w3, v2), dot(w3, v3));
    }
    a0 += scaleAt(r0, kb) * b0; a1 += scaleAt(r1, kb) * b1; a2 += scaleAt(r2, kb) * b2; a3 += scaleAt(r3, kb) * b3;
  }
  var acc = array<vec4<f32>, 4>(a0, a1, a2, a3);
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      if (r0 + i < p.rows && t0 + j < st.nTok) {
        let o = (t0 + j) * p.rows + r0 + i;
        var v = acc[i][j];
        if (p.add != 0u) { v += Y[o]; }
        Y[o] = v;
      }
    }
  }
}

`;
}
