/**
 * TEST ORACLE — a plain TypeScript forward pass of the llama graph, for the tests of the WebGPU engine
 * (src/engines/webgpu/). Weights are dequantised to f32 exactly as the GPU kernels dequantise them; sums
 * are taken in f64; the KV cache rounds through f16 as the engine's (and llama.cpp's) f16 cache does.
 * Slow and simple on purpose.
 */
import { readGgufHeader } from '../../src/models/gguf-header';
import { dequantize, readTensorBytes } from '../../src/engines/webgpu/tensor-data';
import { llamaConfig, type LlamaConfig } from '../../src/engines/webgpu/model-config';
import { roundF16 } from '../../src/engines/webgpu/f16';
import { ropeHead, ropeTable } from '../../src/engines/webgpu/rope';

interface Layer {
  attnNorm: Float32Array; ffnNorm: Float32Array;
  q: Float32Array; k: Float32Array; v: Float32Array; o: Float32Array;
  gate: Float32Array; up: Float32Array; down: Float32Array;
}

export interface ReferenceOptions {
  /** Round the KV cache through f16 (default true, as the engine and llama.cpp store it). */
  kvF16?: boolean;
}

/** y[r] = Σ_k W[r, k] · x[k] for W stored row-major `[rows][cols]`. */
export function matVec(w: Float32Array, x: Float32Array, rows: number): Float32Array {
  const cols = x.length;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * cols;
    for (let k = 0; k < cols; k++) s += w[base + k]! * x[k]!;
    out[r] = s;
  }
  return out;
}

/** RMSNorm as ggml: sum of squares, f32 scale, then × weight. */
export function rmsNorm(x: Float32Array, w: Float32Array, eps: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.fround(x[i]! * x[i]!);
  const scale = Math.fround(1 / Math.sqrt(Math.fround(sum / x.length + eps)));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i]! * scale) * w[i]!;
  return out;
}

/** One causal attention head: scores against `nKeys` cached keys, softmax, weighted sum of values. */
function attendHead(q: Float32Array, qOff: number, K: Float32Array, V: Float32Array, kvOff: number, stride: number,
  nKeys: number, headDim: number, out: Float32Array): void {
  const scale = 1 / Math.sqrt(headDim);
  const scores = new Float64Array(nKeys);
  let max = -Infinity;
  for (let j = 0; j < nKeys; j++) {
    let s = 0;
    for (let d = 0; d < headDim; d++) s += q[qOff + d]! * K[j * stride + kvOff + d]!;
    scores[j] = s * scale;
    max = Math.max(max, scores[j]!);
  }
  let sum = 0;
  for (let j = 0; j < nKeys; j++) { scores[j] = Math.exp(scores[j]! - max); sum += scores[j]!; }
  for (let d = 0; d < headDim; d++) {
    let acc = 0;
    for (let j = 0; j < nKeys; j++) acc += scores[j]! * V[j * stride + kvOff + d]!;
    out[qOff + d] = acc / sum;
  }
}

export class ReferenceLlama {
  private pos = 0;
  private readonly kCache: Float32Array[];
  private readonly vCache: Float32Array[];
  private readonly rope: Float32Array;

  private constructor(
    readonly cfg: LlamaConfig,
    readonly nCtx: number,
    private readonly embd: Float32Array,
    private readonly outNorm: Float32Array,
    private readonly output: Float32Array,
    private readonly layers: Layer[],
    freqFactors: Float32Array | undefined,
    private readonly kvF16: boolean,
  ) {
    const nKv = cfg.headDim * cfg.nHeadKv;
    this.kCache = layers.map(() => new Float32Array(nCtx * nKv));
    this.vCache = layers.map(() => new Float32Array(nCtx * nKv));
    this.rope = ropeTable(cfg, nCtx, freqFactors);
  }

  /** Read a GGUF Blob and dequantise every weight. */
  static async load(blob: Blob, nCtx = 256, opts: ReferenceOptions = {}): Promise<ReferenceLlama> {
    const header = await readGgufHeader(blob);
    const cfg = llamaConfig(header);
    const get = async (name: string) => dequantize(cfg.tensors.get(name)!, await readTensorBytes(blob, header, cfg.tensors.get(name)!));
    const layers: Layer[] = [];
    for (let l = 0; l < cfg.nLayer; l++) {
      const p = `blk.${l}.`;
      layers.push({
        attnNorm: await get(p + 'attn_norm.weight'), ffnNorm: await get(p + 'ffn_norm.weight'),
        q: await get(p + 'attn_q.weight'), k: await get(p + 'attn_k.weight'), v: await get(p + 'attn_v.weight'),
        o: await get(p + 'attn_output.weight'), gate: await get(p + 'ffn_gate.weight'), up: await get(p + 'ffn_up.weight'),
        down: await get(p + 'ffn_down.weight'),
      });
    }
    const ff = cfg.tensors.has('rope_freqs.weight') ? await get('rope_freqs.weight') : undefined;
    return new ReferenceLlama(cfg, nCtx, await get('token_embd.weight'), await get('output_norm.weight'), await get(cfg.outputTensor),
      layers, ff, opts.kvF16 ?? true);
  }

  /** Forget the context. */
  reset(): void { this.pos = 0; }

  /** Run `tokens` after what is cached; returns the logits after the last one. */
  forward(tokens: number[]): Float32Array {
    let logits: Float32Array = new Float32Array(0);
    for (const t of tokens) logits = this.step(t);
    return logits;
  }

  private step(token: number): Float32Array {
    const { nEmbd, nHead, nHeadKv, headDim, nFf, nVocab, rmsEps, ropeDim } = this.cfg;
    const nKv = headDim * nHeadKv;
    const pos = this.pos++;
    if (pos >= this.nCtx) throw new RangeError('reference context full');
    const x = this.embd.slice(token * nEmbd, (token + 1) * nEmbd);
    const store = this.kvF16 ? roundF16 : (v: number) => v;
    this.layers.forEach((L, l) => {
      const xn = rmsNorm(x, L.attnNorm, rmsEps);
      const q = matVec(L.q, xn, nEmbd);
      const k = matVec(L.k, xn, nKv);
      const v = matVec(L.v, xn, nKv);
      for (let h = 0; h < nHead; h++) ropeHead(q, h * headDim, this.rope, pos, ropeDim);
      for (let h = 0; h < nHeadKv; h++) ropeHead(k, h * headDim, this.rope, pos, ropeDim);
      const K = this.kCache[l]!, V = this.vCache[l]!;
      for (let i = 0; i < nKv; i++) {
        K[pos * nKv + i] = store(k[i]!);
        V[pos * nKv + i] = store(v[i]!);
      }
      const att = new Float32Array(nEmbd);
      const group = nHead / nHeadKv;
      for (let h = 0; h < nHead; h++) attendHead(q, h * headDim, K, V, Math.floor(h / group) * headDim, nKv, pos + 1, headDim, att);
      const o = matVec(L.o, att, nEmbd);
      for (let i = 0; i < nEmbd; i++) x[i] = x[i]! + o[i]!;
      const xn2 = rmsNorm(x, L.ffnNorm, rmsEps);
      const g = matVec(L.gate, xn2, nFf);
      const u = matVec(L.up, xn2, nFf);
      for (let i = 0; i < nFf; i++) g[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
      const dn = matVec(L.down, g, nEmbd);
      for (let i = 0; i < nEmbd; i++) x[i] = x[i]! + dn[i]!;
    });
    return matVec(this.output, rmsNorm(x, this.outNorm, rmsEps), nVocab);
  }
}
