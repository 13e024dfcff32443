/**
 * WebLLM model ids → kernel registrations, for `MLCEngine.reload()`.
 *
 * An id is looked up in this order:
 *   1. a model already registered with the kernel under that id: used as it is (an `appConfig` entry
 *      never replaces another app's registration on a shared kernel);
 *   2. the engine's `appConfig.model_list` (default `prebuiltAppConfig`, WebLLM's prebuilt list): an
 *      entry whose `model` is a GGUF URL is registered for the wllama engine under `model_id`; any other
 *      entry is an MLC model registered for the kernel's WebLLM engine with its record (`model`,
 *      `model_lib`, `overrides`, …) as WebLLM would load it;
 *   3. the URL of a GGUF file (registered on first use, id = the URL, as everywhere in LLM OS);
 *   4. otherwise `UnknownModelError` (WebLLM's `ModelNotFoundError`).
 */
import { InvalidRequestError, UnknownModelError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import type { MlcModelRecord } from '../../protocol/engine';
import { WEBLLM_CATALOG_VERSION, WEBLLM_MODELS } from '../../models/webllm-catalog';
import { isModelUrl, modelDefaults, registerSource, resolveModel, setModelDefaults } from '../model-ref';
import type { AppConfig, ChatOptions, InitProgressCallback, ModelRecord, ModelType } from './webllm-types';
import type { LlmOsClient } from '../openai/openai';

/** WebLLM's prebuilt model list (the version LLM OS's catalog was extracted from), as an `AppConfig`. */
export const prebuiltAppConfig: AppConfig = {
  model_list: WEBLLM_MODELS.map((m): ModelRecord => ({
    model: m.model, model_id: m.model_id, model_lib: m.model_lib,
    ...(m.vram_required_MB !== null ? { vram_required_MB: m.vram_required_MB } : {}),
    low_resource_required: m.low_resource_required, required_features: [...m.required_features], model_type: m.model_type as ModelType,
    ...(m.context_window_size !== null ? { overrides: { context_window_size: m.context_window_size } } : {}),
  })),
};

/** WebLLM's `modelVersion` for that list, e.g. `v0_2_86/base`. */
export const modelVersion = `v${WEBLLM_CATALOG_VERSION.replace(/\./g, '_')}/base`;
/** Where WebLLM's prebuilt model libraries live. */
export const modelLibURLPrefix = 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/';

/** Chat options applied as request defaults (a request's own field always wins). */
const REQUEST_DEFAULTS = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'repetition_penalty'] as const;
export type RequestDefaults = Partial<Record<(typeof REQUEST_DEFAULTS)[number], number>>;

/** A model `reload()` resolved: its kernel id and the request defaults from its chat options. */
export interface ResolvedModel {
  id: string;
  defaults: RequestDefaults;
}

const isGgufUrl = (url: string) => /\.gguf(\?.*)?$/i.test(url);

function requestDefaults(opts: ChatOptions): RequestDefaults {
  const out: RequestDefaults = {};
  for (const k of REQUEST_DEFAULTS) {
    const v = opts[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

function contextSize(opts: ChatOptions, field: string): number | undefined {
  const n = opts.context_window_size;
  if (n === undefined || n === null || n === -1) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new InvalidRequestError(`${field} must be a positive integer`, { field, value: String(n) });
  }
  return n;
}

/** Register a GGUF `model_list` entry under its `model_id` (its cost read from the file's header). */
async function registerGgufRecord(kernel: KernelApi, record: ModelRecord, nCtx: number | undefined, signal?: AbortSignal): Promise<void> {
  const byUrl = await resolveModel(kernel, record.model, signal);
  const reg = kernel.registeredModels().find((m) => m.id === byUrl);
  if (!reg) throw new UnknownModelError(`Model ${record.model} could not be registered`, { model: record.model_id });
  if (byUrl === record.model_id) return;
  const source = typeof reg.source === 'function' ? reg.source : { ...reg.source, id: record.model_id };
  const ctx = nCtx ?? reg.nCtx;
  // The KV cache grows linearly with the context: rescale the header's estimate to the asked size.
  const kvBytes = reg.kvBytes && reg.nCtx && ctx ? Math.round((reg.kvBytes * ctx) / reg.nCtx) : reg.kvBytes;
  kernel.registerModel({
    id: record.model_id, engine: reg.engine, source, weightBytes: reg.weightBytes,
    ...(kvBytes !== undefined ? { kvBytes } : {}), ...(ctx !== undefined ? { nCtx: ctx } : {}),
    ...(reg.inputs ? { inputs: reg.inputs } : {}), ...(reg.loadOptions ? { loadOptions: reg.loadOptions } : {}),
  });
  // Same file, same defaults (e.g. the random test models' greedy decoding).
  const defaults = modelDefaults(kernel, byUrl);
  if (Object.keys(defaults).length) setModelDefaults(kernel, record.model_id, defaults);
}

/** Register an MLC `model_list` entry for the kernel's WebLLM engine. */
async function registerMlcRecord(kernel: KernelApi, record: ModelRecord, overrides: ChatOptions, field: string): Promise<void> {
  if (typeof record.model_lib !== 'string' || !record.model_lib) {
    throw new InvalidRequestError(`${field}.model_lib is required for an MLC model (or give the URL of a .gguf file as model)`, { field: `${field}.model_lib` });
  }
  const mlc: MlcModelRecord = {
    model: record.model, model_id: record.model_id, model_lib: record.model_lib,
    ...(record.vram_required_MB !== undefined ? { vram_required_MB: record.vram_required_MB } : {}),
    ...(record.low_resource_required !== undefined ? { low_resource_required: record.low_resource_required } : {}),
    ...(record.required_features ? { required_features: [...record.required_features] } : {}),
    ...(record.model_type !== undefined ? { model_type: record.model_type } : {}),
    ...(Object.keys(overrides).length ? { overrides: { ...overrides } } : {}),
  };
  await registerSource(kernel, { kind: 'mlc', id: record.model_id, record: mlc });
}

/** Resolve (and if needed register) the model `modelId` names; see the module comment for the order. */
export async function resolveWebLLMModel(
  kernel: KernelApi, modelId: string, appConfig: AppConfig, chatOpts: ChatOptions | undefined, signal?: AbortSignal,
): Promise<ResolvedModel> {
  if (typeof modelId !== 'string' || !modelId.trim()) {
    throw new InvalidRequestError('modelId must be a non-empty string', { field: 'modelId', value: String(modelId) });
  }
  const list = Array.isArray(appConfig?.model_list) ? appConfig.model_list : [];
  const index = list.findIndex((r) => r?.model_id === modelId);
  const record = index >= 0 ? list[index]! : undefined;
  const overrides: ChatOptions = { ...(record?.overrides ?? {}), ...(chatOpts ?? {}) };
  const defaults = requestDefaults(overrides);
  if (kernel.registeredModels().some((m) => m.id === modelId)) return { id: modelId, defaults };
  if (record) {
    const field = `appConfig.model_list[${index}]`;
    if (typeof record.model !== 'string' || !record.model) throw new InvalidRequestError(`${field}.model must be a URL`, { field: `${field}.model` });
    // SRI checks the kernel would not make: refused rather than loading unverified files.
    if (record.integrity !== undefined && record.integrity !== null) {
      throw new InvalidRequestError(`${field}.integrity is not supported: the files would not be verified against it`, { field: `${field}.integrity`, feature: 'integrity' });
    }
    if (isGgufUrl(record.model)) await registerGgufRecord(kernel, record, contextSize(overrides, 'context_window_size'), signal);
    else await registerMlcRecord(kernel, record, overrides, field);
    return { id: modelId, defaults };
  }
  if (isModelUrl(modelId)) return { id: await resolveModel(kernel, modelId, signal), defaults };
  throw new UnknownModelError(
    `Cannot find model record in appConfig for ${modelId}. Please check if the model ID is correct and included in the model_list configuration, or register it with the kernel.`,
    { model: modelId },
  );
}

/** Make the kernel load `id` (a one-token request), reporting its progress. */
export async function loadWithProgress(client: LlmOsClient, id: string, t0: number, signal: AbortSignal, onProgress: InitProgressCallback | undefined): Promise<void> {
  const kernel = client.kernel;
  const elapsed = () => (performance.now() - t0) / 1000;
  const report = (progress: number, text: string) => onProgress?.({ progress, timeElapsed: elapsed(), text });
  let last = 0;
  report(0, `Start to load model ${id}.`);
  const off = kernel.events.on('model-progress', (d) => {
    if (d.model !== id || d.fraction >= 1 || d.fraction <= last) return;
    last = d.fraction;
    report(d.fraction, `Loading model ${id}: ${Math.floor(d.fraction * 100)}% completed, ${Math.round(elapsed())} secs elapsed.`);
  });
  try {
    await client.chat.completions.create({ model: id, messages: [{ role: 'user', content: '' }], max_tokens: 1 }, { signal });
  } finally {
    off();
  }
  const reg = kernel.registeredModels().find((m) => m.id === id);
  report(1, `Finish loading model ${id} on the ${reg?.engine ?? 'kernel'} engine (${reg?.backend ?? 'unknown'} backend), ${Math.round(elapsed())} secs elapsed.`);
}
