/**
 * Resolving a WebLLM model id (or a custom record) into the `ModelRecord` and `AppConfig` that
 * web-llm gets, plus the URLs web-llm will request for it. Worker-side only (imports web-llm).
 * No network: an unknown id fails here, before anything is fetched.
 */
import { prebuiltAppConfig, type AppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import { InvalidRequestError, UnknownModelError } from '../errors';
import type { MlcModelRecord } from '../protocol/engine';

/** A resolved model: the record (with an absolute `model` URL) and the app config that holds it. */
export interface ResolvedWebLLMModel {
  record: ModelRecord;
  appConfig: AppConfig;
  /** The directory web-llm resolves model files against (`<model>/resolve/main/`). */
  baseUrl: string;
  /** Absolute URL of the model library (wasm). */
  libUrl: string;
}

/** The base web-llm resolves relative URLs against: the page URL, or the origin in a worker. */
function pageBase(): string {
  return typeof document !== 'undefined' ? document.URL : globalThis.location.origin;
}

/**
 * web-llm's `cleanModelUrl`: `https://huggingface.co/u/m` → `https://huggingface.co/u/m/resolve/main/`.
 * Copied (it is not exported) so we know the URLs before web-llm requests them.
 */
export function modelBaseUrl(model: string): string {
  let url = new URL(model, pageBase()).href;
  url += url.endsWith('/') ? '' : '/';
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return url;
}

/**
 * Find the model: a custom `record` is added to the prebuilt list (replacing a prebuilt entry with the
 * same id); without one, the id must be in `prebuiltAppConfig.model_list`. The cache backend is always
 * IndexedDB, so the model library can list and delete what web-llm stored.
 */
export function resolveWebLLMModel(id: string, custom?: MlcModelRecord): ResolvedWebLLMModel {
  if (typeof id !== 'string' || id === '') throw new InvalidRequestError('A WebLLM model id is required', { modelId: String(id) });
  let record: ModelRecord | undefined;
  if (custom) {
    if (custom.model_id !== id) throw new InvalidRequestError(`Record model_id ${custom.model_id} does not match ${id}`, { modelId: id });
    if (!custom.model || !custom.model_lib) throw new InvalidRequestError('A WebLLM record needs model and model_lib URLs', { modelId: id });
    record = { ...(custom as ModelRecord) };
  } else {
    record = prebuiltAppConfig.model_list.find((m) => m.model_id === id);
    if (!record) {
      throw new UnknownModelError(`Unknown WebLLM model "${id}": not in WebLLM's prebuilt list and no record given`, {
        modelId: id, engine: 'webllm',
      });
    }
    record = { ...record };
  }
  // web-llm's cleanModelUrl needs an absolute URL (it calls `new URL(model)` without a base).
  record.model = new URL(record.model, pageBase()).href;
  const model_list = [...prebuiltAppConfig.model_list.filter((m) => m.model_id !== id), record];
  return {
    record,
    appConfig: { model_list, cacheBackend: 'indexeddb' },
    baseUrl: modelBaseUrl(record.model),
    libUrl: new URL(record.model_lib, pageBase()).href,
  };
}
