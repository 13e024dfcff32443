/** What the library shows about a GGUF file, from its header: name, quantisation, memory estimate. */
import { hyperParams, type GgufHeader, type LlamaHyperParams } from './gguf-header';
import { estimateKvBytes, estimateModelCost } from './cost';
import { DEFAULT_NCTX } from './catalog';

/** Facts for a `ModelRecord`. */
export interface GgufFacts {
  name: string;
  quantisation: string;
  hyper: LlamaHyperParams;
  /** Weights + KV cache at the default context + overhead, bytes. */
  memoryBytes: number;
}

/** Derive the library facts of a parsed header. */
export function describeGguf(header: GgufHeader, nCtx = DEFAULT_NCTX): GgufFacts {
  const hyper = hyperParams(header);
  const kv = estimateKvBytes(hyper, Math.min(nCtx, hyper.contextLength || nCtx));
  return { name: hyper.name, quantisation: hyper.fileType, hyper, memoryBytes: estimateModelCost(header.dataBytes, kv).totalBytes };
}
