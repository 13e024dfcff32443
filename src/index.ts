/**
 * LLM OS public API. Only what is re-exported here is public; everything else is internal.
 */
export * from './errors';
export type {
  Engine, EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress,
  ModelInfo, ModelSource, ChatMessage, TokenEvent, Usage, StopReason,
} from './engines/engine';
export { EngineClient, spawnEngineWorker } from './kernel/engine-client';

// Elements (classes only: importing them registers nothing; each folder's define.ts registers its tag).
export { LlmosChat } from './components/llmos-chat/llmos-chat';
export type { ChatBackend } from './components/llmos-chat/chat-backend';
export { LlmosModelPicker } from './components/llmos-model-picker/llmos-model-picker';
export { LlmosLoadProgress } from './components/llmos-load-progress/llmos-load-progress';
export { LlmosTokenEvent, LlmosDoneEvent, LlmosErrorEvent } from './components/shared/generation-events';
export { LlmosRequestLoadEvent } from './components/llmos-model-picker/request-load-event';
export type { RequestLoadDetail, ModelOrigin } from './components/llmos-model-picker/request-load-event';

// WebLLM's prebuilt list as data, filtered by what the device supports (pure: no web-llm in the page).
export { WEBLLM_MODELS, needsShaderF16, webllmModelsFor } from './models/webllm-catalog';
export type { WebLLMCatalogEntry, WebLLMDeviceFilter } from './models/webllm-catalog';
