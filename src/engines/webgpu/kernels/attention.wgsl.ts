/**
 * Causal attention over the f16 KV cache, one workgroup of 64 threads per (head, query token). Keys
 * are visited in chunks of 64 with an online softmax (running max and normaliser, as FlashAttention):
 * each thread scores one key of the chunk, the chunk's probabilities go through workgroup memory,
 * and each thread accumulates up to 4 output dimensions. Grouped-query attention maps query head h
 * to KV head h / (nHead / nHeadKv).
 * `ATTENTION_FLAT_WGSL` is the barrier-free form for software adapters: one thread per (head, token)
 * walks the keys with the same online softmax, its output row in private memory.
 */
export const ATTENTION_WG = 64;

export const ATTENTION_WGSL = /* wgsl */ `
struct Params { nHead: u32, nHeadKv: u32, headDim: u32, scale: f32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> Kc: array<u32>;
@group(0) @binding(3) var<storage, read> Vc: array<u32>;
@group(0) @binding(4) var<storage, read_write> O: array<f32>;
@group(0) @binding(5) var<uniform> st: Step;
@group(0) @binding(6) var<storage, read> at: array<vec2<u32>>;

var<workgroup> qs: array<f32, 256>;
var<workgroup> red: array<f32, 64>;
var<workgroup> probs: array<f32, 64>;

fn reduceMax(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] = max(red[li], red[li + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn reduceSum(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let h = wg.x;
  let t = wg.y;
  let hd = p.headDim;
  let nEmbd = p.nHead * hd;
  let kvWords = p.nHeadKv * hd / 2u;            // u32 words per cached position
  let kvh = h / (p.nHead / p.nHeadKv);
  let kvOff = at[t].y * kvWords + kvh * hd / 2u;
  let nKeys = at[t].x + 1u;
  for (var d = li; d < hd; d += 64u) { qs[d] = Q[t * nEmbd + h * hd + d] * p.scale; }
  workgroupBarrier();
  var m = -3.0e38;
  var l = 0.0;
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var base = 0u; base < nKeys; base += 64u) {
    let j = base + li;
    var s = -3.0e38;
    if (j < nKeys) {
      s = 0.0;
      let row = j * kvWords + kvOff;
      for (var w = 0u; w < hd / 2u; w++) {
        let kv = unpack2x16float(Kc[row + w]);
        s += qs[2u * w] * kv.x + qs[2u * w + 1u] * kv.y;
      }
    }
    let mNew = max(m, reduceMax(li, s));
    var pj = 0.0;
    if (j < nKeys) { pj = exp(s - mNew); }
    probs[li] = pj;
    let corr = exp(m - mNew);
    l = l * corr + reduceSum(li, pj);   // the barriers in reduceSum also publish probs[]
    let cnt = min(64u, nKeys - base);
    for (var i = 0u; i < 4u; i++) {
      let d = li + i * 64u;
      if (d < hd) {
        var a = acc[i] * corr;
        for (var jj = 0u; jj < cnt; jj++) {
          let v = unpack2x16float(Vc[(base + jj) * kvWords + kvOff + (d >> 1u)]);
          a += probs[jj] * select(v.x, v.y, (d & 1u) == 1u);
        }
        acc[i] = a;
      }
    }
    m = mNew;
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let d = li + i * 64u;
    if (d < hd) { O[t * nEmbd + h * hd + d] = acc[i] / l; }
  }
}
`;

export const ATTENTION_FLAT_WGSL = /* wgsl */ `
struct Params { nHead: u32, nHeadKv: u32, headDim: u32, scale: f32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> Kc: array<u32>;
@group(0) @binding(3) var<storage, read> Vc: array<u32>;
@group(0) @binding(4) var<storage, read_write> O: array<f32>;
@group(0) @binding(5) var<uniform> st: Step;
@group(0) @binding(6) var<storage, read> at: array<vec2<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let h = gid.x % p.nHead;
  let t = gid.x / p.nHead;
  if (t >= st.nTok) { return; }
  let hd = p.headDim;
  let half = hd / 2u;
  let nEmbd = p.nHead * hd;
  let kvWords = p.nHeadKv * half;
  let kvOff = at[t].y * kvWords + (h / (p.nHead / p.nHeadKv)) * half;
  let nKeys = at[t].x + 1u;
  var q: array<vec2<f32>, 128>;
  var acc: array<vec2<f32>, 128>;
  for (var w = 0u; w < half; w++) {
    q[w] = vec2<f32>(Q[t * nEmbd + h * hd + 2u * w], Q[t * nEmbd + h * hd + 2u * w + 1u]) * p.scale;
    acc[w] = vec2<f32>(0.0);
  }
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < nKeys; j++) {
    let row = j * kvWords + kvOff;
    var s = 0.0;
    for (var w = 0u; w < half; w++) { s += dot(q[w], unpack2x16float(Kc[row + w])); }
    let mNew = max(m, s);
    let corr = exp(m - mNew);
    let pj = exp(s - mNew);
    l = l * corr + pj;
    for (var w = 0u; w < half; w++) { acc[w] = acc[w] * corr + pj * unpack2x16float(Vc[row + w]); }
    m = mNew;
  }
  for (var w = 0u; w < half; w++) {
    let o = acc[w] / l;
    O[t * nEmbd + h * hd + 2u * w] = o.x;
    O[t * nEmbd + h * hd + 2u * w + 1u] = o.y;
  }
}
`;
