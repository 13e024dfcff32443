/**
 * The model catalog: curated GGUF models (`catalog.json`) and WebLLM's prebuilt list, filtered by what
 * this device can run — `shader-f16` for f16 WebLLM models, and a memory budget for everything (weights +
 * KV cache at the default context + overhead). In dev and test builds the generated fixture models are
 * listed too, so the whole flow works offline. A GGUF entry with `mmproj` comes with its vision projector
 * (the library stores it with the model): it accepts images (`inputs`), and its memory estimate counts it.
 */
import type { InputModality } from '../protocol/engine';
import data from './catalog.json';
import { estimateKvBytes, estimateModelCost, MB, projectorMemoryBytes } from './cost';
import { WEBLLM_MODELS, needsShaderF16, webllmModelsFor, type WebLLMCatalogEntry } from './webllm-catalog';

/** Shape of a GGUF model's attention (enough for the KV-cache estimate). */
export interface ArchHint {
  blockCount: number;
  headCount: number;
  headCountKv: number;
  embeddingLength: number;
}

/** The vision projector (llama.cpp "mmproj" GGUF, architecture `clip`) that makes a GGUF model accept images. */
export interface MmprojData {
  url: string;
  /** Size hint for the storage check and the memory estimate (the server's Content-Length is authoritative). */
  sizeBytes?: number;
  /** Expected SHA-256 of the projector file (hex), when known. */
  sha256?: string;
}

/** A recommended GGUF model as written in `catalog.json`. */
export interface GgufCatalogData {
  id: string;
  name: string;
  url: string;
  sizeBytes?: number;
  quantisation: string;
  contextLength: number;
  arch: ArchHint;
  license: string;
  /** Expected SHA-256 of the whole file (hex), when known. */
  sha256?: string;
  /** URL of a per-chunk digest manifest, when the host publishes one. */
  manifestUrl?: string;
  /** Its vision projector: downloaded, stored, evicted and deleted with the model; the model then takes images. */
  mmproj?: MmprojData;
}

/**
 * A catalog entry ready to list: either engine. `memoryBytes` includes the vision projector; `inputs` is
 * what the model accepts once stored (`image` for a GGUF model with `mmproj`, or a WebLLM vision model).
 */
export type CatalogEntry =
  | (GgufCatalogData & { engine: 'wllama'; memoryBytes: number; dev: boolean; inputs: InputModality[] })
  | {
      engine: 'webllm';
      id: string;
      name: string;
      quantisation: string;
      contextLength: number;
      memoryBytes: number;
      inputs: InputModality[];
      /** Needs the `shader-f16` WebGPU feature. */
      f16: boolean;
      record: WebLLMCatalogEntry;
    };

/** What the device offers. */
export interface DeviceCapability {
  /** The WebGPU adapter has `shader-f16`. */
  f16: boolean;
  /** Memory the user allows for one model, in MB (browsers do not report free VRAM). */
  vramBudgetMB: number;
}

/** Options of `catalogFor`. */
export interface CatalogOptions {
  /** List the generated test fixtures (default: in dev and test builds only). */
  includeDev?: boolean;
  /** Context the memory estimate assumes (default 2048 tokens). */
  nCtx?: number;
  /** Override the GGUF list (tests). */
  gguf?: GgufCatalogData[];
  /** Override the WebLLM list (tests). */
  webllm?: readonly WebLLMCatalogEntry[];
}

/** Default context assumed by memory estimates. */
export const DEFAULT_NCTX = 2048;

/**
 * Estimated memory (bytes) to run a GGUF model: weights + KV cache at `nCtx` + overhead, plus its vision
 * projector's weights (`projectorBytes`) when it has one.
 */
export function ggufMemoryBytes(sizeBytes: number, arch: ArchHint, contextLength: number, nCtx = DEFAULT_NCTX, projectorBytes = 0): number {
  const kv = estimateKvBytes(arch, Math.min(nCtx, contextLength || nCtx));
  return estimateModelCost(sizeBytes, kv).totalBytes + projectorMemoryBytes(projectorBytes);
}

const TEXT: InputModality[] = ['text'];
const TEXT_IMAGE: InputModality[] = ['text', 'image'];

/** `Llama-3.2-1B-Instruct-q4f16_1-MLC` → `q4f16_1`. */
export function webllmQuantisation(modelId: string): string {
  return /-(q\d+f\d+(?:_\d+)?)(?:-|$)/i.exec(modelId)?.[1] ?? 'unknown';
}

/** Every catalog entry (GGUF first, then WebLLM), unfiltered. */
export function fullCatalog(options: CatalogOptions = {}): CatalogEntry[] {
  const nCtx = options.nCtx ?? DEFAULT_NCTX;
  const includeDev = options.includeDev ?? import.meta.env.DEV;
  const curated = data.gguf as GgufCatalogData[];
  const dev = data.dev as GgufCatalogData[];
  const gguf = options.gguf ?? [...curated, ...(includeDev ? dev : [])];
  const devIds = new Set(dev.map((d) => d.id));
  return [
    ...gguf.map((g): CatalogEntry => ({
      ...g, engine: 'wllama', dev: devIds.has(g.id), inputs: g.mmproj ? [...TEXT_IMAGE] : [...TEXT],
      memoryBytes: ggufMemoryBytes(g.sizeBytes ?? 0, g.arch, g.contextLength, nCtx, g.mmproj?.sizeBytes ?? 0),
    })),
    ...(options.webllm ?? WEBLLM_MODELS).map((m): CatalogEntry => ({
      engine: 'webllm', id: m.model_id, name: m.model_id.replace(/-MLC$/, ''), quantisation: webllmQuantisation(m.model_id),
      contextLength: m.context_window_size ?? 0, memoryBytes: Math.round((m.vram_required_MB ?? 0) * MB),
      f16: needsShaderF16(m), record: m, inputs: m.model_type === 2 ? [...TEXT_IMAGE] : [...TEXT],
    })),
  ];
}

/**
 * The catalog this device can run: GGUF models within the memory budget (wllama runs them on CPU when
 * WebGPU lacks `shader-f16`), and WebLLM models that `webllmModelsFor` accepts (f16 only with
 * `shader-f16`, VRAM within budget, no embedding models).
 */
export function catalogFor(device: DeviceCapability, options: CatalogOptions = {}): CatalogEntry[] {
  const webllmOk = new Set(webllmModelsFor(device, options.webllm ?? WEBLLM_MODELS).map((m) => m.model_id));
  return fullCatalog(options).filter((e) =>
    e.engine === 'wllama' ? e.memoryBytes <= device.vramBudgetMB * MB : webllmOk.has(e.id));
}
