/**
 * WebLLM's prebuilt model list as plain data (`webllm-models.json`, extracted from @mlc-ai/web-llm by
 * `scripts/extract-webllm-models.mjs`), and the filter the page uses to offer only models this device
 * can run. Pure: importing it never pulls web-llm into the page bundle.
 */
import data from './webllm-models.json';

/** One entry of WebLLM's prebuilt list (the fields the page needs). */
export interface WebLLMCatalogEntry {
  model_id: string;
  /** Hugging Face-style base URL; WebLLM appends `resolve/main/`. */
  model: string;
  /** URL of the compiled model library (wasm). */
  model_lib: string;
  /** WebLLM's own estimate (informational: the engine never checks it). */
  vram_required_MB: number | null;
  low_resource_required: boolean;
  required_features: string[];
  context_window_size: number | null;
  /** 0 = LLM, 1 = embedding, 2 = vision-language model. */
  model_type: number;
}

/** The web-llm version the list was extracted from. */
export const WEBLLM_CATALOG_VERSION: string = data.version;

/** Every prebuilt WebLLM model, in WebLLM's order. */
export const WEBLLM_MODELS: readonly WebLLMCatalogEntry[] = data.models as WebLLMCatalogEntry[];

/** `q4f16_1`, `q0f16`, …: f16 activations or weights, which need the `shader-f16` WebGPU feature. */
const F16_QUANT = /q\d+f16/i;

/**
 * Whether a WebLLM model needs the `shader-f16` WebGPU feature. WebLLM declares it for only some
 * models, but every `q*f16*` model needs it (docs/architecture.md, "Measured on these machines"), so the quantisation named in
 * the id, the weights URL or the library URL counts as much as `required_features`.
 */
export function needsShaderF16(m: { model_id: string; model?: string; model_lib?: string; required_features?: string[] | undefined }): boolean {
  if (m.required_features?.includes('shader-f16')) return true;
  const libName = m.model_lib?.split('/').pop() ?? '';
  const modelName = m.model?.replace(/\/+$/, '').split('/').pop() ?? '';
  return F16_QUANT.test(m.model_id) || F16_QUANT.test(modelName) || F16_QUANT.test(libName);
}

/** What the device offers, for `webllmModelsFor`. */
export interface WebLLMDeviceFilter {
  /** The adapter has `shader-f16`. */
  f16: boolean;
  /** VRAM the user allows for one model, in MB (browsers do not report free VRAM). */
  vramBudgetMB: number;
  /** Include embedding models (not chat models). Default false. */
  includeEmbedding?: boolean;
}

/**
 * The prebuilt models this device can run: no f16 model without `shader-f16`, nothing above the VRAM
 * budget, no embedding models unless asked. Sorted by VRAM, smallest first (stable otherwise).
 */
export function webllmModelsFor(device: WebLLMDeviceFilter, models: readonly WebLLMCatalogEntry[] = WEBLLM_MODELS): WebLLMCatalogEntry[] {
  return models
    .filter((m) => device.f16 || !needsShaderF16(m))
    .filter((m) => (m.vram_required_MB ?? Infinity) <= device.vramBudgetMB)
    .filter((m) => device.includeEmbedding || m.model_type !== 1)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.vram_required_MB ?? 0) - (b.m.vram_required_MB ?? 0) || a.i - b.i)
    .map(({ m }) => m);
}
