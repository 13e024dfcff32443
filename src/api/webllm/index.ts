/**
 * `llm-os/webllm`: a drop-in for `@mlc-ai/web-llm`'s engine API on the LLM OS kernel. Code written for
 * WebLLM runs with its import changed:
 *
 *   import { CreateMLCEngine } from 'llm-os/webllm';   // was: from '@mlc-ai/web-llm'
 *
 * Model ids are the kernel's (registered ids, `appConfig.model_list` entries, GGUF URLs, WebLLM's
 * prebuilt ids); the mapping and every difference are in docs/webllm.md.
 */
export { CreateMLCEngine, MLCEngine } from './webllm-engine';
export {
  CreateWebWorkerMLCEngine, WebWorkerMLCEngine, CreateServiceWorkerMLCEngine, ServiceWorkerMLCEngine,
  WebWorkerMLCEngineHandler, ServiceWorkerMLCEngineHandler,
} from './webllm-workers';
export { prebuiltAppConfig, modelVersion, modelLibURLPrefix } from './webllm-models';
export { LOG_LEVELS, ModelType } from './webllm-types';
export type {
  AppConfig, ChatCompletion, ChatCompletionChoice, ChatCompletionChunk, ChatCompletionContentPart, ChatCompletionContentPartImage, ChatCompletionContentPartText,
  ChatCompletionFinishReason, ChatCompletionMessageParam, ChatCompletionRequest, ChatCompletionRequestBase, ChatCompletionRequestNonStreaming,
  ChatCompletionRequestStreaming, ChatCompletionsApi, ChatOptions, Completion, CompletionChoice, CompletionCreateParams, CompletionCreateParamsBase,
  CompletionCreateParamsNonStreaming, CompletionCreateParamsStreaming, CompletionsApi, CompletionUsage, EmbeddingsApi, InitProgressCallback,
  InitProgressReport, LogLevel, MLCEngineConfig, MLCEngineInterface, ModelRecord, ResponseFormat, UsageExtra, WebLLMRequestExtras,
} from './webllm-types';
// The typed errors the drop-in throws (instead of WebLLM's untyped ones; see docs/webllm.md).
export {
  AbortError, InvalidRequestError, LlmOsError, ModelNotLoadedError, UnknownModelError, WebGpuUnavailableError,
} from '../../errors';
