/**
 * The worker protocol, types only: what an engine worker exposes through Comlink. The page holds a
 * `Remote<EngineHostApi>`; there are no message unions to cast.
 */
import type {
  EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress,
  ModelInfo, ModelSource, TokenEvent,
} from './engine';

export interface WorkerHello {
  /** A Web Lock the worker holds for its whole life: when the lock frees, the worker is gone. */
  lifeLock: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface EngineHostApi {
  /** First call after start: returns the worker's life lock name and environment. */
  hello(lifeLock: string): Promise<WorkerHello>;
  /** Load a model into the given engine, unloading whatever was loaded before. */
  load(engine: EngineKind, source: ModelSource, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo>;
  /**
   * Generate; `onTokens` receives tokens in order (batched when the page is slow to take them). A request
   * with `replayPrefix` reports only what follows it (the host swallows the replayed text).
   */
  generate(jobId: string, request: GenerateRequest, onTokens: (t: TokenEvent[]) => void): Promise<GenerateResult>;
  /** Abort the generation `jobId` (it resolves with stop reason `abort`). No-op if it already ended. */
  abort(jobId: string): void;
  /** Interrupt the running generations at the next token boundary (stop reason `interrupt`). */
  interrupt(): void;
  /** Unload the model; running generations are aborted first. */
  unload(): Promise<void>;
  capabilities(): Promise<EngineCapabilities>;
  stats(): Promise<EngineStats>;
  /** Whether the engine's own cache holds the model (WebLLM's IndexedDB cache). Optional: absent on older hosts. */
  hasCachedModel(engine: EngineKind, source: ModelSource): Promise<boolean>;
  /** Delete the model from the engine's own cache (WebLLM). Optional: absent on older hosts. */
  deleteCachedModel(engine: EngineKind, source: ModelSource): Promise<void>;
}
