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

export const MB = 1024 * 1024;
export const toMB = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;
