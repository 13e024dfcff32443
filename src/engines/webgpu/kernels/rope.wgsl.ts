/**
 * RoPE (llama.cpp's normal mode: adjacent pairs rotate) applied to Q in place and to K, then K and V
 * stored into the layer's KV cache as packed f16 pairs (`pack2x16float`, so the cache takes half the
 * memory of f32 and needs no `shader-f16`). Angles come from the table computed on the CPU. One
 * thread per pair; `gid.y` is the token. Each token of the step has its own position and sequence
 * (`at[t]`: position, first cache row of its sequence), so one step can hold a prefill chunk of one
 * sequence or one decode token of each of several.
 */
export const ROPE_WGSL = /* wgsl */ `
struct Params { nHead: u32, nHeadKv: u32, headDim: u32, ropeDim: u32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read_write> Kc: array<u32>;
@group(0) @binding(6) var<storage, read_write> Vc: array<u32>;
@group(0) @binding(7) var<storage, read> table: array<vec2<f32>>;
@group(0) @binding(5) var<uniform> st: Step;
@group(0) @binding(8) var<storage, read> at: array<vec2<u32>>;

fn rotate(x: vec2<f32>, pos: u32, pair: u32) -> vec2<f32> {
  if (pair >= p.ropeDim / 2u) { return x; }
  let cs = table[pos * (p.ropeDim / 2u) + pair];
  return vec2<f32>(x.x * cs.x - x.y * cs.y, x.x * cs.y + x.y * cs.x);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.y;
  if (t >= st.nTok) { return; }
  let pos = at[t].x;
  let row = at[t].y + pos;
  let half = p.headDim / 2u;
  let qPairs = p.nHead * half;
  let kvPairs = p.nHeadKv * half;
  let i = gid.x;
  if (i < qPairs) {
    let o = t * qPairs * 2u + i * 2u;
    let r = rotate(vec2<f32>(Q[o], Q[o + 1u]), pos, i % half);
    Q[o] = r.x;
    Q[o + 1u] = r.y;
  } else if (i < qPairs + kvPairs) {
    let j = i - qPairs;
    let o = t * kvPairs * 2u + j * 2u;
    Kc[row * kvPairs + j] = pack2x16float(rotate(vec2<f32>(K[o], K[o + 1u]), pos, j % half));
  } else if (i < qPairs + 2u * kvPairs) {
    let j = i - qPairs - kvPairs;
    let o = t * kvPairs * 2u + j * 2u;
    Vc[row * kvPairs + j] = pack2x16float(vec2<f32>(V[o], V[o + 1u]));
  }
}
`;
