/**
 * LLM OS public API (the package entry, `llm-os`). Only what is re-exported here is public and kept
 * stable; every other module is internal and may change without notice. The surface, by what a
 * developer does with it (docs/api.md documents each):
 *   - errors: every typed error class with its stable `code`;
 *   - the protocol's vocabulary (messages, requests, results, tokens) and the engine contract;
 *   - elements: `<llmos-chat>`, `<llmos-prompt>`, `<llmos-model-picker>`, `<llmos-load-progress>`,
 *     `<llmos-model-import>`, `<llmos-task-manager>`, `<llmos-graph-explorer>`, and `<llmos-desktop>`
 *     with the `DesktopServices` it runs on (docs/elements.md);
 *   - developer APIs: `connect()`, the Prompt API polyfill, `/v1`, the bridge, per-app policies,
 *     `AppSession` (the one admission path) — `./api/index`;
 *   - the kernel, its options, events and budget; the model library and catalogs; the knowledge graph.
 * The desktop's own parts (status bar, settings, model library windows, app registry, its settings
 * store) and the constraint compilers are internal.
 */
export * from './errors';
export type {
  Engine, EngineCapabilities, EngineKind, EngineStats, GenerateRequest, GenerateResult, LoadOptions, LoadProgress,
  ModelInfo, ModelSource, ChatMessage, TokenEvent, Usage, StopReason,
} from './protocol/engine';
export { EngineClient, spawnEngineWorker } from './kernel/engine-client';

// Elements (classes only: importing them registers nothing; each folder's define.ts registers its tag).
export { LlmosChat } from './components/llmos-chat/llmos-chat';
export type { ChatBackend } from './components/llmos-chat/chat-backend';
export { LlmosModelPicker } from './components/llmos-model-picker/llmos-model-picker';
export { LlmosLoadProgress } from './components/llmos-load-progress/llmos-load-progress';
export { LlmosTokenEvent, LlmosDoneEvent, LlmosErrorEvent, LlmosMessagesChangeEvent } from './components/shared/generation-events';
export { LlmosRequestLoadEvent } from './components/llmos-model-picker/request-load-event';
export type { RequestLoadDetail, ModelOrigin } from './components/llmos-model-picker/request-load-event';

// WebLLM's prebuilt list as data, filtered by what the device supports (pure: no web-llm in the page).
export { WEBLLM_MODELS, needsShaderF16, webllmModelsFor } from './models/webllm-catalog';
export type { WebLLMCatalogEntry, WebLLMDeviceFilter } from './models/webllm-catalog';

// Developer APIs: OpenAI-shaped client (`connect`), Prompt API polyfill, /v1 service-worker endpoint, per-app policies.
export * from './api/index';
export { LlmosPrompt } from './components/llmos-prompt/llmos-prompt';

// Knowledge graph memory: per-namespace graphs persisted to IndexedDB, extraction, grounded retrieval, explorer.
export { KnowledgeStore } from './knowledge/knowledge-store';
export type { KnowledgeStoreOptions } from './knowledge/knowledge-store';
export { KnowledgeGraph } from './knowledge/knowledge-graph';
export type { FactInput, RelationOptions } from './knowledge/knowledge-graph';
export type { Namespace, Entity, EntityInput, Relation, Provenance, EntityAttributes, RelationAttributes } from './knowledge/entities';
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
export { chooseGgufEngine } from './models/choose-engine';
export type { GgufDeviceFacts } from './models/choose-engine';

// Model library: IndexedDB weight cache with resumable, verified downloads; catalog filtered by device.
export { ModelLibrary } from './models/model-library';
export type { ImportFileOptions, LibraryEntry, LibraryOptions } from './models/model-library';
export type { DownloadOptions } from './models/downloader';
export type { DownloadPhase, DownloadProgress, DownloadWarning } from './models/download-progress';
export { catalogFor, fullCatalog } from './models/catalog';
export type { CatalogEntry, CatalogOptions, DeviceCapability, GgufCatalogData } from './models/catalog';
export type { StorageInfo } from './storage/quota';
export type { ModelRecord, ModelState } from './storage/schema';
export { LlmosModelImport } from './components/llmos-model-import/llmos-model-import';
export { LlmosModelImportedEvent, LlmosModelImportErrorEvent } from './components/llmos-model-import/import-events';

// Remote engines: OpenAI-compatible servers the user added, scheduled by the kernel; grants and routing per app.
export { RemoteServers, normaliseBaseUrl } from './models/remote/remote-servers';
export type {
  GrantRequest, RemoteModelView, RemoteServerInput, RemoteServerView, RemoteServersOptions, ServerGrant, ServerHealth,
} from './models/remote/remote-servers';
export { useRemoteServers, remoteServersOf, routeJob } from './api/remote-routing';
export type { ComputedOn, RemoteEndpoint, RemoteServer, RoutingPolicy } from './protocol/remote';
export { openLlmOsDb } from './storage/db';

// Per-app data boundary and the cross-origin bridge (an allow-listed origin uses the kernel through an iframe of the app).
export { AppData, appNamespace } from './api/app-data';
export type { AppConversation, AppDataSources } from './api/app-data';
export { serveCrossOriginBridge, parseBridgeGrants, loadBridgeGrants } from './api/bridge/cross-origin-bridge';
export type { BridgeGrant, BridgeOptions, BridgeServer } from './api/bridge/cross-origin-bridge';
export { connectCrossOrigin } from './api/bridge/bridge-client';
export type { CrossOriginClient, CrossOriginConnectOptions, BridgeCompletionStream } from './api/bridge/bridge-client';

// Kernel: processes, jobs, priorities with preemption, fair share, device budget and model placement.
export { Kernel, createKernel, KERNEL_DEFAULTS } from './kernel/kernel';
export type { KernelOptions } from './kernel/kernel';
// One kernel for every tab of the origin (what `getSharedKernel()` builds by default).
export { TabKernel, type TabKernelOptions } from './kernel/cross-tab/tab-kernel';
export type { KernelApi, KernelHostInfo, KernelTab } from './kernel/kernel-api';
export type {
  AppInfo, ProcessQuota, SpawnOptions, ProcessState, ProcessMetrics, ProcessInfo, JobParams, SubmitRequest, JobResult, JobHandle,
  JobState, JobInfo, ModelRegistration, ResidentModel, SlotEngine,
} from './kernel/types';
export { KernelEvents, KernelEvent } from './kernel/events';
export type { KernelEventMap, KernelEventType, KernelEventRecord, JobEventDetail } from './kernel/events';
export { PRIORITIES, isPriority, parsePriority } from './kernel/priority';
export type { Priority } from './kernel/priority';
export { probeDevice, deriveBudget, validateOverrides, MAX_SLOTS } from './kernel/device-budget';
export type { Budget, BudgetOverrides, DeviceProbe } from './kernel/device-budget';
export { localSettingsStore, memorySettingsStore, BUDGET_SETTINGS_KEY } from './kernel/settings-store';
export type { KernelSettingsStore } from './kernel/settings-store';
export { describeGguf } from './kernel/model-registry';
export type { RegisteredModel } from './kernel/model-registry';
export { systemClock } from './kernel/clock';
export type { Clock } from './kernel/clock';
export type { EngineFactory } from './kernel/worker-pool';

// The desktop as one element, with the services it runs on (classes only; define.ts registers the tag).
export { LlmosDesktop } from './desktop/llmos-desktop/llmos-desktop';
export { LlmosTaskManager } from './components/llmos-task-manager/llmos-task-manager';
export { LlmosServerGrant } from './desktop/llmos-server-grant/llmos-server-grant';
export { DesktopServices } from './desktop/services/desktop-services';
export type { AppModel, DesktopServicesOptions } from './desktop/services/desktop-services';
export type { AppId } from './desktop/registry';
export { KernelChatBackend } from './components/llmos-chat/kernel-chat-backend';
export type { KernelChatBackendOptions } from './components/llmos-chat/kernel-chat-backend';
export { LOCALES, initLocalization, setLocale, currentLocale, preferredLocale } from './locales/locale';
export type { LocaleCode } from './locales/locale';
