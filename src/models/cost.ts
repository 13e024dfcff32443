/**
 * Memory cost of a model: weights + KV cache for the requested context + overhead.
 * KV bytes = n_ctx × layers × kv-heads × head-dim × 2 (K and V) × bytes per element.
 */
import type { LlamaHyperParams } from './gguf-header';

/** llama.cpp's default KV cache type is f16. */
export function estimateKvBytes(hp: Pick<LlamaHyperParams, 'blockCount' | 'headCount' | 'headCountKv' | 'embeddingLength'>, nCtx: number, bytesPerElement = 2): number {
  if (!hp.headCount) return 0;
  const headDim = hp.embeddingLength / hp.headCount;
  return nCtx * hp.blockCount * hp.headCountKv * headDim * 2 * bytesPerElement;
}

export interface ModelCost {
  weightBytes: number;
  kvBytes: number;
  overheadBytes: number;
  totalBytes: number;
}

/** Compute buffers and runtime overhead: a fixed floor plus a fraction of the weights. */
export function estimateModelCost(weightBytes: number, kvBytes: number): ModelCost {
  const overheadBytes = Math.round(8 * 1024 * 1024 + weightBytes * 0.05);
  return { weightBytes, kvBytes, overheadBytes, totalBytes: weightBytes + kvBytes + overheadBytes };
}

/**
 * Memory a vision projector (mmproj GGUF) adds to its model: its weights plus the same proportional
 * overhead as model weights (no KV cache, and the fixed floor is already counted for the model).
 */
export function projectorMemoryBytes(projectorBytes: number): number {
  return projectorBytes + Math.round(projectorBytes * 0.05);
}

export { MB, toMB } from '../storage/quota';

/** Tokens per prefill chunk of the WebGPU engine: its activation buffers are sized for this many. */
export const WEBGPU_MAX_BATCH = 64;

/**
 * GPU memory the WebGPU engine (`kind: 'webgpu'`) allocates for a GGUF model, from its header alone:
 * weights as stored (quantised blocks stay quantised; f16 scales repacked, same bytes), an f16 KV
 * cache (a context's worth for each of `sequences`), activation buffers for one prefill chunk, the
 * RoPE table, and a row of logits per sequence with their read-back copy. Within a few per cent of
 * what the engine reports (tested).
 */
export function estimateWebGpuCost(
  hp: Pick<LlamaHyperParams, 'blockCount' | 'headCount' | 'headCountKv' | 'embeddingLength' | 'feedForwardLength' | 'vocabSize'>,
  tensors: readonly { byteLength: number }[],
  nCtx: number,
  sequences = 1,
): ModelCost {
  const align4 = (n: number) => Math.ceil(n / 4) * 4;
  const weightBytes = tensors.reduce((a, t) => a + align4(t.byteLength), 0);
  const kvBytes = estimateKvBytes(hp, nCtx, 2) * sequences;
  const headDim = hp.headCount ? hp.embeddingLength / hp.headCount : 0;
  const nKvDim = headDim * hp.headCountKv;
  const activations = WEBGPU_MAX_BATCH * (4 * hp.embeddingLength + 2 * nKvDim + 2 * hp.feedForwardLength + 1) * 4;
  const positions = WEBGPU_MAX_BATCH * 8;
  const overheadBytes = activations + positions + 2 * sequences * hp.vocabSize * 4 + nCtx * headDim * 4 + 16 * 16;
  return { weightBytes, kvBytes, overheadBytes, totalBytes: weightBytes + kvBytes + overheadBytes };
}
