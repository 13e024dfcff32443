/**
 * What a registered model takes as input, as the API surfaces need to know it before anything runs
 * (`/v1/models`, `LanguageModel.availability({expectedInputs: [{type: 'image'}]})`, refusing an image
 * for a text-only model without loading it). In order:
 *   1. `ModelRegistration.inputs`, when the registrant said;
 *   2. a wllama GGUF source: it accepts images exactly when it comes with a vision projector
 *      (`projectorUrl` / `projector`) — llama.cpp reads images only through an mmproj file;
 *   3. a WebLLM record carrying `model_type` (2: WebLLM's vision-language models);
 *   4. otherwise unknown (`undefined`): requests go through and the engine decides (a text-only
 *      model then refuses with `UnsupportedInputError` at run time).
 */
import type { InputModality, ModelSource } from '../protocol/engine';
import type { KernelApi } from '../kernel/kernel-api';
import type { ModelRegistration } from '../kernel/types';

/** WebLLM's `model_type` of vision-language models. */
const MLC_VLM = 2;

/** The input modalities of a registration, or `undefined` when they cannot be known before loading. */
export function registrationInputs(reg: Pick<ModelRegistration, 'inputs' | 'engine' | 'source'>): InputModality[] | undefined {
  if (reg.inputs) return [...reg.inputs];
  if (typeof reg.source === 'function') return undefined;
  const source: ModelSource = reg.source;
  if (reg.engine === 'wllama' && (source.kind === 'gguf-url' || source.kind === 'gguf-blobs')) {
    const projector = source.kind === 'gguf-url' ? !!source.projectorUrl : !!source.projector?.length;
    return projector ? ['text', 'image'] : ['text'];
  }
  // A custom record may carry web-llm's full `ModelRecord`, `model_type` included (our type names a subset).
  const modelType = source.kind === 'mlc' ? (source.record as { model_type?: unknown } | undefined)?.model_type : undefined;
  if (typeof modelType === 'number') return modelType === MLC_VLM ? ['text', 'image'] : ['text'];
  return undefined;
}

/** The input modalities of registered model `id` (`undefined`: unknown, or no such model). */
export function modelInputs(kernel: KernelApi, id: string): InputModality[] | undefined {
  const reg = kernel.registeredModels().find((m) => m.id === id);
  return reg ? registrationInputs(reg) : undefined;
}

/** Whether model `id` accepts images: `true`, `false`, or `undefined` when only loading it would tell. */
export function acceptsImages(kernel: KernelApi, id: string): boolean | undefined {
  return modelInputs(kernel, id)?.includes('image');
}
