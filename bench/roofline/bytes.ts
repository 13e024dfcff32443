/**
 * Bytes a decode step reads from memory, from a GGUF header: the roofline's denominator.
 */
import { hyperParams, type GgufHeader } from '../../src/models/gguf-header';
import { estimateKvBytes } from '../../src/models/cost';

/** KV cache element size: llama.cpp's default cache type (f16), which wllama does not change. */
export const KV_BYTES_PER_ELEMENT = 2;

/** What one decoded token reads. */
export interface TokenBytes {
  /** Every weight tensor but the token-embedding table, read once a token (norms included). */
  weights: number;
  /** One row of the token-embedding table: the looked-up token (the whole table if it is also the output matrix). */
  embeddingRow: number;
  /** Keys and values of every layer for `context` positions. */
  kv: number;
  total: number;
  /** Size of all tensors in the file, for reference. */
  fileWeights: number;
  /** Positions of KV cache read (mean over the decoded tokens). */
  context: number;
}

/**
 * Bytes read to decode one token at a mean context of `context` positions: all weight matrices once,
 * ONE embedding row (not the table; the table in full only when the model ties it to the output),
 * and the KV cache at that context (f16).
 */
export function tokenBytes(header: GgufHeader, context: number): TokenBytes {
  const hp = hyperParams(header);
  const embd = header.tensors.find((t) => t.name === 'token_embd.weight');
  const tied = !header.tensors.some((t) => t.name === 'output.weight');
  const fileWeights = header.tensors.reduce((a, t) => a + t.byteLength, 0);
  const weights = fileWeights - (embd && !tied ? embd.byteLength : 0);
  const rows = embd?.dims[1] ?? 0;
  const embeddingRow = embd && !tied && rows ? embd.byteLength / rows : 0;
  const kv = estimateKvBytes(hp, context, KV_BYTES_PER_ELEMENT);
  return { weights, embeddingRow, kv, total: weights + embeddingRow + kv, fileWeights, context };
}
