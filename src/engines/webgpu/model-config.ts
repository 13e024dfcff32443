/**
 * The llama-family hyper-parameters our WebGPU engine runs, read and validated from a GGUF header.
 * Anything we cannot run (another architecture, a tensor type without a kernel, odd shapes) is an
 * `UnsupportedModelError` here, before a single byte of weights is read.
 */
import { GgufError, UnsupportedModelError } from '../../errors';
import type { GgufHeader, GgufTensorInfo } from '../../models/gguf-header';

/** ggml tensor types with a kernel in this engine. */
export const GGML = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlType = (typeof GGML)[keyof typeof GGML];
const SUPPORTED = new Set<number>(Object.values(GGML));

/** Architectures that are the llama graph (RMSNorm, normal RoPE, GQA, SwiGLU) under another name. */
const LLAMA_LIKE = new Set(['llama', 'mistral']);

export interface LlamaConfig {
  architecture: string;
  name: string;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  headDim: number;
  nFf: number;
  nVocab: number;
  /** Context length the model was trained with. */
  nCtxTrain: number;
  rmsEps: number;
  ropeBase: number;
  /** Rotated dimensions per head (≤ headDim). */
  ropeDim: number;
  /** Linear RoPE scaling: positions are multiplied by this (1 = none). */
  ropeFreqScale: number;
  /** `output.weight`, or `token_embd.weight` when the embeddings are tied. */
  outputTensor: string;
  tensors: Map<string, GgufTensorInfo>;
}

function num(h: GgufHeader, key: string, fallback?: number): number {
  const v = h.metadata[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (fallback !== undefined) return fallback;
  throw new GgufError(`GGUF metadata lacks ${key}`, { key });
}

/** Check one weight matrix: a known type, 2-D `[cols, rows]`, and rows that split into whole blocks. */
function checkMatrix(t: GgufTensorInfo | undefined, name: string, cols: number, rows: number): void {
  if (!t) throw new UnsupportedModelError(`Tensor ${name} is missing`, { tensor: name });
  if (!SUPPORTED.has(t.type)) {
    throw new UnsupportedModelError(`Tensor ${name} has type ${t.typeName}; this engine runs F32, F16, Q8_0 and Q4_0`, {
      tensor: name, type: t.typeName,
    });
  }
  const [c, r = 1] = t.dims;
  if (c !== cols || r !== rows) {
    throw new UnsupportedModelError(`Tensor ${name} has shape [${t.dims.join(', ')}], expected [${cols}, ${rows}]`, { tensor: name });
  }
  const align = t.type === GGML.Q8_0 || t.type === GGML.Q4_0 ? 32 : 4;
  if (cols % align !== 0) throw new UnsupportedModelError(`Tensor ${name} rows are not a multiple of ${align}`, { tensor: name, cols });
}

/** Read and validate the llama hyper-parameters and tensor table of a GGUF file. */
export function llamaConfig(h: GgufHeader): LlamaConfig {
  const arch = String(h.metadata['general.architecture'] ?? '');
  if (!LLAMA_LIKE.has(arch)) {
    throw new UnsupportedModelError(`The WebGPU engine runs llama-family models, not ${arch || 'an unnamed architecture'}`, { architecture: arch });
  }
  const tensors = new Map(h.tensors.map((t) => [t.name, t]));
  const nEmbd = num(h, `${arch}.embedding_length`);
  const nHead = num(h, `${arch}.attention.head_count`);
  const nHeadKv = num(h, `${arch}.attention.head_count_kv`, nHead);
  const nLayer = num(h, `${arch}.block_count`);
  const nFf = num(h, `${arch}.feed_forward_length`);
  const embd = tensors.get('token_embd.weight');
  const nVocab = embd?.dims[1] ?? 0;
  const headDim = nHead ? nEmbd / nHead : 0;
  if (!nEmbd || !nHead || !nLayer || !nFf || !nVocab || !Number.isInteger(headDim) || nHead % nHeadKv !== 0) {
    throw new UnsupportedModelError('Inconsistent llama hyper-parameters', { nEmbd, nHead, nHeadKv, nLayer, nFf, nVocab });
  }
  if (headDim % 2 !== 0 || headDim > 256) throw new UnsupportedModelError(`Head size ${headDim} is not supported (even, ≤ 256)`, { headDim });
  const scaling = String(h.metadata[`${arch}.rope.scaling.type`] ?? 'none');
  if (scaling !== 'none' && scaling !== 'linear') throw new UnsupportedModelError(`RoPE scaling ${scaling} is not supported`, { scaling });
  const scaleFactor = num(h, `${arch}.rope.scaling.factor`, 1);
  const ropeDim = num(h, `${arch}.rope.dimension_count`, headDim);
  const nKv = headDim * nHeadKv;
  checkMatrix(embd, 'token_embd.weight', nEmbd, nVocab);
  const outputTensor = tensors.has('output.weight') ? 'output.weight' : 'token_embd.weight';
  checkMatrix(tensors.get(outputTensor), outputTensor, nEmbd, nVocab);
  const norm = (name: string) => {
    const t = tensors.get(name);
    if (!t || t.type !== GGML.F32 || t.dims[0] !== nEmbd) throw new UnsupportedModelError(`Norm ${name} is missing or not f32[${nEmbd}]`, { tensor: name });
  };
  norm('output_norm.weight');
  for (let l = 0; l < nLayer; l++) {
    const p = `blk.${l}.`;
    norm(p + 'attn_norm.weight');
    norm(p + 'ffn_norm.weight');
    checkMatrix(tensors.get(p + 'attn_q.weight'), p + 'attn_q.weight', nEmbd, nEmbd);
    checkMatrix(tensors.get(p + 'attn_k.weight'), p + 'attn_k.weight', nEmbd, nKv);
    checkMatrix(tensors.get(p + 'attn_v.weight'), p + 'attn_v.weight', nEmbd, nKv);
    checkMatrix(tensors.get(p + 'attn_output.weight'), p + 'attn_output.weight', nEmbd, nEmbd);
    checkMatrix(tensors.get(p + 'ffn_gate.weight'), p + 'ffn_gate.weight', nEmbd, nFf);
    checkMatrix(tensors.get(p + 'ffn_up.weight'), p + 'ffn_up.weight', nEmbd, nFf);
    checkMatrix(tensors.get(p + 'ffn_down.weight'), p + 'ffn_down.weight', nFf, nEmbd);
  }
  return {
    architecture: arch,
    name: String(h.metadata['general.name'] ?? ''),
    nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab,
    nCtxTrain: num(h, `${arch}.context_length`, 2048),
    rmsEps: num(h, `${arch}.attention.layer_norm_rms_epsilon`, 1e-5),
    ropeBase: num(h, `${arch}.rope.freq_base`, 10000),
    ropeDim: Math.min(ropeDim, headDim),
    ropeFreqScale: scaling === 'linear' && scaleFactor > 0 ? 1 / scaleFactor : num(h, `${arch}.rope.scale_linear`, 0) > 0 ? 1 / num(h, `${arch}.rope.scale_linear`) : 1,
    outputTensor,
    tensors,
  };
}

/** The matrices of one transformer block, by role. */
export const BLOCK_MATRICES = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'] as const;
export type BlockMatrix = (typeof BLOCK_MATRICES)[number];
