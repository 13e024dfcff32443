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

// Developer APIs: OpenAI-shaped client (`connect`), Prompt API polyfill, /v1 service-worker endpoint, per-app policies.
export * from './api/index';
export { LlmosPrompt } from './components/llmos-prompt/llmos-prompt';

// Knowledge graph memory: per-namespace graphs persisted to IndexedDB, extraction, grounded retrieval, explorer.
export { KnowledgeStore } from './knowledge/graph-store';
export type { KnowledgeStoreOptions } from './knowledge/graph-store';
export { KnowledgeGraph } from './knowledge/knowledge-graph';
export type { FactInput, RelationOptions } from './knowledge/knowledge-graph';
export type { Namespace, Entity, EntityInput, Relation, Provenance, EntityAttributes, RelationAttributes } from './knowledge/model';
export { extractFacts, extractFromMessage, extractFromDocument } from './knowledge/extract';
export type {
  Generate, ExtractionJobMeta, ExtractionOptions, ExtractionReport, ExtractionSource, ExtractionLogEntry, ChunkOutcome,
} from './knowledge/extract';
export { retrieve } from './knowledge/retrieve';
export type { RetrieveOptions, Retrieval } from './knowledge/retrieve';
export { groundingMessage, serialiseFacts, FACTS_PREFACE, FACTS_FENCE } from './knowledge/context';
export type { CitedFact, SerialisedFacts } from './knowledge/context';
export { exportJson, exportGexf, importText } from './knowledge/interchange';
export type { ImportReport } from './knowledge/interchange';
export { LlmosGraphExplorer } from './components/llmos-graph-explorer/llmos-graph-explorer';
export {
  LlmosGraphSelectEvent, LlmosGraphDeleteRequestEvent, LlmosGraphChangeEvent, LlmosGraphErrorEvent,
} from './components/llmos-graph-explorer/graph-events';
export type { GraphDeleteDetail, GraphChangeDetail } from './components/llmos-graph-explorer/graph-events';

// Which engine runs a GGUF model here (pure): the f32 WebGPU engine where WebGPU lacks shader-f16, else wllama.
export { chooseGgufEngine } from './engines/webgpu/choose-engine';
export type { GgufDeviceFacts } from './engines/webgpu/choose-engine';
