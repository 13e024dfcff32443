/**
 * WGSL weight access per ggml type: the storage bindings of a weight matrix (`W` at binding 1, the
 * packed f16 block scales `S` at binding 2 for quantised types) and `load4(row, k)`, which returns
 * four consecutive dequantised elements of row `row` starting at column `k` (a multiple of 4).
 * Dequantisation happens here, in registers: quantised weights stay quantised in GPU memory.
 * `load4q(row, k)` is the same without the block scale, and `scaleAt(row, k)` the scale of the
 * 32-element block holding column `k` (1 for unquantised types): a kernel that walks a row block by
 * block applies each scale once per block instead of once per four elements.
 * The including shader declares `p.cols` (elements per row).
 */
import { GGML } from '../model-config';

const F32 = /* wgsl */ `
@group(0) @binding(1) var<storage, read> W: array<vec4<f32>>;
fn load4(row: u32, k: u32) -> vec4<f32> {
  return W[(row * p.cols + k) >> 2u];
}
fn load4q(row: u32, k: u32) -> vec4<f32> { return load4(row, k); }
fn scaleAt(row: u32, k: u32) -> f32 { return 1.0; }`;

const F16 = /* wgsl */ `
@group(0) @binding(1) var<storage, read> W: array<u32>;
fn load4(row: u32, k: u32) -> vec4<f32> {
  let e = (row * p.cols + k) >> 1u;
  return vec4<f32>(unpack2x16float(W[e]), unpack2x16float(W[e + 1u]));
}
fn load4q(row: u32, k: u32) -> vec4<f32> { return load4(row, k); }
fn scaleAt(row: u32, k: u32) -> f32 { return 1.0; }`;

const SCALE = /* wgsl */ `
@group(0) @binding(2) var<storage, read> S: array<u32>;
fn blockScale(b: u32) -> f32 {
  return unpack2x16float(S[b >> 1u])[b & 1u];
}`;

// Q8_0: 32 int8 per block, four to a u32; element e of the matrix is byte e.
const Q8_0 = /* wgsl */ `
@group(0) @binding(1) var<storage, read> W: array<u32>;
${SCALE}
fn load4q(row: u32, k: u32) -> vec4<f32> {
  let w = bitcast<i32>(W[(row * p.cols + k) >> 2u]);
  return vec4<f32>(vec4<i32>(extractBits(w, 0u, 8u), extractBits(w, 8u, 8u), extractBits(w, 16u, 8u), extractBits(w, 24u, 8u)));
}
fn scaleAt(row: u32, k: u32) -> f32 { return blockScale((row * p.cols + k) >> 5u); }
fn load4(row: u32, k: u32) -> vec4<f32> { return load4q(row, k) * scaleAt(row, k); }`;

// Q4_0: 16 bytes of nibbles per block; element j in the low nibble of byte j, element j+16 in its
// high nibble; value = (nibble - 8) * d.
const Q4_0 = /* wgsl */ `
@group(0) @binding(1) var<storage, read> W: array<u32>;
${SCALE}
fn load4q(row: u32, k: u32) -> vec4<f32> {
  let e = row * p.cols + k;
  let b = e >> 5u;
  let j = e & 31u;
  let word = W[(b << 2u) + ((j & 15u) >> 2u)];
  let sh = select(0u, 4u, j >= 16u);
  let q = vec4<u32>((word >> sh) & 15u, (word >> (8u + sh)) & 15u, (word >> (16u + sh)) & 15u, (word >> (24u + sh)) & 15u);
  return vec4<f32>(q) - vec4<f32>(8.0);
}
fn scaleAt(row: u32, k: u32) -> f32 { return blockScale((row * p.cols + k) >> 5u); }
fn load4(row: u32, k: u32) -> vec4<f32> { return load4q(row, k) * scaleAt(row, k); }`;

/** The WGSL weight bindings and `load4` for ggml type `type`. */
export function weightAccess(type: number): string {
  switch (type) {
    case GGML.F32: return F32;
    case GGML.F16: return F16;
    case GGML.Q8_0: return Q8_0;
    case GGML.Q4_0: return Q4_0;
    default: throw new Error(`no WGSL weight access for ggml type ${type}`);
  }
}

/**
 * `rowDot(row)`: the whole dot product of weight row `row` with the activation vector `X` (an
 * `array<vec4<f32>>` the including shader declares), walking quantised rows block by block so each
 * block's scale is read once. Requires `p.cols % 32 == 0` for quantised types.
 */
export function rowDot(type: number): string {
  switch (type) {
    case GGML.F32: return /* wgsl */ `
fn rowDot(row: u32) -> f32 {
  let base = (row * p.cols) >> 2u;
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < (p.cols >> 2u); k++) { acc += W[base + k] * X[k]; }
  return (acc.x + acc.y) + (acc.z + acc.w);
}`;
    case GGML.F16: return /* wgsl */ `
fn rowDot(row: u32) -> f32 {
  let base = (row * p.cols) >> 1u;
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < (p.cols >> 2u); k++) {
    acc += vec4<f32>(unpack2x16float(W[base + 2u * k]), unpack2x16float(W[base + 2u * k + 1u])) * X[k];
  }
  return (acc.x + acc.y) + (acc.z + acc.w);
}`;
    case GGML.Q8_0: return /* wgsl */ `
fn rowDot(row: u32) -> f32 {
  let nb = p.cols >> 5u;
  var acc = 0.0;
  for (var b = 0u; b < nb; b++) {
    let blk = row * nb + b;
    var s = vec4<f32>(0.0);
    for (var j = 0u; j < 8u; j++) {
      let w = bitcast<i32>(W[blk * 8u + j]);
      let q = vec4<i32>(extractBits(w, 0u, 8u), extractBits(w, 8u, 8u), extractBits(w, 16u, 8u), extractBits(w, 24u, 8u));
      s += vec4<f32>(q) * X[b * 8u + j];
    }
    acc += blockScale(blk) * ((s.x + s.y) + (s.z + s.w));
  }
  return acc;
}`;
    case GGML.Q4_0: return /* wgsl */ `
fn rowDot(row: u32) -> f32 {
  let nb = p.cols >> 5u;
  var acc = 0.0;
  for (var b = 0u; b < nb; b++) {
    let blk = row * nb + b;
    var s = vec4<f32>(0.0);
    for (var j = 0u; j < 4u; j++) {
      let w = W[blk * 4u + j];
      let lo = vec4<f32>(vec4<u32>(w & 15u, (w >> 8u) & 15u, (w >> 16u) & 15u, (w >> 24u) & 15u)) - vec4<f32>(8.0);
      let hi = vec4<f32>(vec4<u32>((w >> 4u) & 15u, (w >> 12u) & 15u, (w >> 20u) & 15u, w >> 28u)) - vec4<f32>(8.0);
      s += lo * X[b * 8u + j] + hi * X[b * 8u + 4u + j];
    }
    acc += blockScale(blk) * ((s.x + s.y) + (s.z + s.w));
  }
  return acc;
}`;
    default: throw new Error(`no WGSL rowDot for ggml type ${type}`);
  }
}

/** Whether weights of this type have a scales buffer (binding 2). */
export function hasScales(type: number): boolean {
  return type === GGML.Q8_0 || type === GGML.Q4_0;
}
