/**
 * RMSNorm: `Y[t] = X[t] / sqrt(mean(X[t]²) + eps) * w`, one workgroup per token row. With `p.gather`
 * (the head, before the logits product) it normalises the rows `sel[0…nTok-1]` of `X` into rows
 * `0…nTok-1` of `Y`: the last token of each sequence in the step, whose logits come back.
 * `main`: a 256-thread workgroup per row with a tree reduction (GPUs); `flat`: one thread per row,
 * no barriers (software adapters).
 */
export const RMSNORM_WGSL = /* wgsl */ `
struct Params { n: u32, eps: f32, gather: u32, pad: u32 };
struct Step { nTok: u32, pos0: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wn: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<uniform> st: Step;
@group(0) @binding(6) var<storage, read> sel: array<u32>;

var<workgroup> red: array<f32, 256>;

fn srcRow(t: u32) -> u32 {
  return select(t, sel[t], p.gather != 0u);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let src = srcRow(wg.x) * p.n;
  let dst = wg.x * p.n;
  var s = 0.0;
  for (var i = li; i < p.n; i += 256u) {
    let v = X[src + i];
    s += v * v;
  }
  red[li] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (li < k) { red[li] += red[li + k]; }
    workgroupBarrier();
  }
  let scale = 1.0 / sqrt(red[0] / f32(p.n) + p.eps);
  for (var i = li; i < p.n; i += 256u) {
    Y[dst + i] = (X[src + i] * scale) * Wn[i];
  }
}

@compute @workgroup_size(64)
fn flat(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= st.nTok) { return; }
  let src = srcRow(t) * p.n;
  let dst = t * p.n;
  var s = 0.0;
  for (var i = 0u; i < p.n; i++) { let v = X[src + i]; s += v * v; }
  let scale = 1.0 / sqrt(s / f32(p.n) + p.eps);
  for (var i = 0u; i < p.n; i++) { Y[dst + i] = (X[src + i] * scale) * Wn[i]; }
}
`;
