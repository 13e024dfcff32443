/**
 * LLM OS public API. Only what is re-exported here is public; everything else is internal.
 */
export * from './errors';
export type {
  Engine, EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress,
  ModelInfo, ModelSource, ChatMessage, TokenEvent, Usage, StopReason,
} from './engines/engine';
export { EngineClient, spawnEngineWorker } from './kernel/engine-client';
