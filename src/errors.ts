/**
 * Typed errors of LLM OS. Every failure a caller can see is an `LlmOsError` subclass with a stable,
 * literal `code` and structured `details`. The protocol's transfer handler rebuilds the same class on
 * the other side of a worker boundary (see `src/protocol/error-transfer.ts`), so `instanceof` and
 * `code` survive `postMessage`.
 */

/** JSON-safe details attached to an error. */
export type ErrorDetails = Record<string, unknown>;

/** Base class: never thrown directly; use a subclass with a literal `code`. */
export class LlmOsError extends Error {
  /** Stable machine-readable code, e.g. `GGUF_INVALID`. */
  readonly code: string = 'LLMOS_ERROR';
  /** Structured, JSON-safe context (model id, URL, sizes…). */
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    // A literal, not `new.target.name`: production builds minify class names, and the name is how the
    // transfer handler finds the class again on the other side of a worker boundary.
    this.name = (new.target as { errorName?: string }).errorName ?? 'LlmOsError';
    this.details = details;
  }

  /** A plain object safe for structured clone and JSON. */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, details: this.details, stack: this.stack };
  }
}

/** The wire form of an error (what crosses `postMessage`). */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  details: ErrorDetails;
  stack?: string | undefined;
}

function defineError<C extends string>(name: string, code: C) {
  const cls = class extends LlmOsError {
    /** The stable class name (survives minification; inherited by the exported subclass). */
    static readonly errorName: string = name;
    override readonly code: C = code;
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

/** The bytes are not a GGUF file (bad magic), or the header is malformed or truncated. */
export class GgufError extends defineError('GgufError', 'GGUF_INVALID') {}
/** A model file is fine but uses an architecture, version or tensor type we cannot run. */
export class UnsupportedModelError extends defineError('UnsupportedModelError', 'MODEL_UNSUPPORTED') {}
/** A model could not be loaded into an engine (engine-side failure after validation). */
export class ModelLoadError extends defineError('ModelLoadError', 'MODEL_LOAD_FAILED') {}
/** A fetch of model files failed (network, HTTP status). `details.url` names what failed. */
export class NetworkError extends defineError('NetworkError', 'NETWORK') {}
/** A model id is not known to the engine or the catalog. */
export class UnknownModelError extends defineError('UnknownModelError', 'MODEL_UNKNOWN') {}
/** The device lacks a feature the model needs (e.g. `shader-f16`). */
export class DeviceUnsupportedError extends defineError('DeviceUnsupportedError', 'DEVICE_UNSUPPORTED') {}
/** WebGPU is unavailable where the caller required it. */
export class WebGpuUnavailableError extends defineError('WebGpuUnavailableError', 'WEBGPU_UNAVAILABLE') {}
/** WebLLM's compiled model library (the model's wasm, not our model library) is missing or invalid. */
export class WebLlmLibraryError extends defineError('WebLlmLibraryError', 'MODEL_LIBRARY_MISSING') {}
/** @deprecated The old, misleading name of `WebLlmLibraryError` (same class, same code). */
export const ModelLibraryError = WebLlmLibraryError;
/** @deprecated See `WebLlmLibraryError`. */
export type ModelLibraryError = WebLlmLibraryError;
/** `generate()` called while no model is loaded. */
export class ModelNotLoadedError extends defineError('ModelNotLoadedError', 'MODEL_NOT_LOADED') {}
/** The engine is busy with another generation or load. */
export class EngineBusyError extends defineError('EngineBusyError', 'ENGINE_BUSY') {}
/** Inference failed inside the engine (e.g. invalid UTF-8 from a random model, context full). */
export class GenerationError extends defineError('GenerationError', 'GENERATION_FAILED') {}
/** The operation was aborted by the caller (AbortSignal, Stop button, kill). */
export class AbortError extends defineError('AbortError', 'ABORTED') {}
/** A wait exceeded its time limit. */
export class TimeoutError extends defineError('TimeoutError', 'TIMEOUT') {}
/** An engine worker died (terminated, crashed, out of memory) while work was in flight. */
export class WorkerCrashedError extends defineError('WorkerCrashedError', 'WORKER_CRASHED') {}
/** A request argument is invalid (bad messages, NaN temperature, …). */
export class InvalidRequestError extends defineError('InvalidRequestError', 'INVALID_REQUEST') {}
/** The scheduler's queue is full: the job was rejected immediately. */
export class QueueFullError extends defineError('QueueFullError', 'QUEUE_FULL') {}
/** A model needs more memory than the whole budget. `details.neededMB`, `details.availableMB`. */
export class ModelTooLargeError extends defineError('ModelTooLargeError', 'MODEL_TOO_LARGE') {}
/** An unknown process id. */
export class UnknownProcessError extends defineError('UnknownProcessError', 'PROCESS_UNKNOWN') {}
/** A caller lacks the permission or quota for what it asked. */
export class PermissionError extends defineError('PermissionError', 'PERMISSION_DENIED') {}
/** Storage cannot hold what is asked (quota). */
export class StorageQuotaError extends defineError('StorageQuotaError', 'STORAGE_QUOTA') {}
/** Stored bytes failed verification (SHA-256 mismatch). */
export class IntegrityError extends defineError('IntegrityError', 'INTEGRITY') {}
/**
 * A download's body ran past the size its GGUF header, `Content-Length` or `Content-Range` declared (plus a
 * small slack): the download stopped and kept nothing. `details.url`, `details.limitBytes`,
 * `details.receivedBytes`, `details.declaredBytes`, `details.source` (`gguf-header` | `content-length` | `content-range`).
 */
export class DownloadTooLargeError extends defineError('DownloadTooLargeError', 'DOWNLOAD_TOO_LARGE') {}
/** Replaying a preempted generation did not reproduce the text already delivered (non-reproducible sampling). */
export class ReplayDivergedError extends defineError('ReplayDivergedError', 'REPLAY_DIVERGED') {}
/** The GPU device was lost mid-operation. */
export class DeviceLostError extends defineError('DeviceLostError', 'DEVICE_LOST') {}
/** Output did not satisfy the requested JSON schema / constraint. */
export class OutputValidationError extends defineError('OutputValidationError', 'OUTPUT_INVALID') {}
/** A memory budget or slot count is negative, NaN or otherwise unusable. `details.field`, `details.value`. */
export class BudgetError extends defineError('BudgetError', 'BUDGET_INVALID') {}
/** An imported graph file (GEXF, graphology JSON) is malformed or does not fit the knowledge model. */
export class GraphImportError extends defineError('GraphImportError', 'GRAPH_IMPORT_INVALID') {}
/** The knowledge graph could not be read from or written to IndexedDB. */
export class GraphStorageError extends defineError('GraphStorageError', 'GRAPH_STORAGE_FAILED') {}
/** A write was based on a stale version of a record (another tab or window changed it first). `details.expected`, `details.actual`. */
export class ConflictError extends defineError('ConflictError', 'CONFLICT') {}

/** The model cannot take this kind of input (e.g. an image for a text-only model). `details.input`, `details.modelId`. */
export class UnsupportedInputError extends defineError('UnsupportedInputError', 'INPUT_UNSUPPORTED') {}

/**
 * A model whose load failed or timed out twice in a row: the kernel refuses it until the user clears the
 * quarantine or a new file replaces it. `details.model`, `details.failures`, `details.cause` (the last
 * load error's code).
 */
export class ModelQuarantinedError extends defineError('ModelQuarantinedError', 'MODEL_QUARANTINED') {}

/**
 * A remote server (an OpenAI-compatible endpoint the user added) cannot be reached, dropped the connection
 * or failed after retries. `details.serverId`, `details.name`, `details.status` (HTTP status, 0 for a
 * network failure), `details.tokensDelivered` (output already delivered when it failed mid-stream: the
 * job can resume elsewhere from that text, never by asking this server again for what was delivered).
 */
export class RemoteUnavailableError extends defineError('RemoteUnavailableError', 'REMOTE_UNAVAILABLE') {}
/**
 * A remote server kept answering 429 (too many requests) past the time the kernel waits.
 * `details.retryAfterMs` (from its `Retry-After`), `details.serverId`, `details.name`.
 */
export class RateLimitedError extends defineError('RateLimitedError', 'RATE_LIMITED') {}
/**
 * A remote server refused or failed a request for a reason retrying will not fix (4xx other than
 * 401/403/429, or an error it reported in its stream). `details.status`, `details.serverMessage`.
 */
export class RemoteRequestError extends defineError('RemoteRequestError', 'REMOTE_REQUEST_FAILED') {}

/** Every concrete class, by name: the registry the transfer handler rebuilds from. */
export const ERROR_CLASSES = {
  LlmOsError,
  GgufError,
  UnsupportedModelError,
  ModelLoadError,
  NetworkError,
  UnknownModelError,
  DeviceUnsupportedError,
  WebGpuUnavailableError,
  WebLlmLibraryError,
  ModelNotLoadedError,
  EngineBusyError,
  GenerationError,
  AbortError,
  TimeoutError,
  WorkerCrashedError,
  InvalidRequestError,
  QueueFullError,
  ModelTooLargeError,
  UnknownProcessError,
  PermissionError,
  StorageQuotaError,
  IntegrityError,
  DownloadTooLargeError,
  DeviceLostError,
  ReplayDivergedError,
  OutputValidationError,
  BudgetError,
  GraphImportError,
  GraphStorageError,
  ConflictError,
  UnsupportedInputError,
  ModelQuarantinedError,
  RemoteUnavailableError,
  RateLimitedError,
  RemoteRequestError,
} as const;

/** Rebuild an error from its wire form; unknown names become a plain `LlmOsError` keeping the code. */
export function deserializeError(data: SerializedError): LlmOsError {
  const Cls = (ERROR_CLASSES as Record<string, typeof LlmOsError>)[data.name] ?? LlmOsError;
  const err = new Cls(data.message, data.details ?? {});
  if (!(data.name in ERROR_CLASSES)) {
    Object.defineProperty(err, 'code', { value: data.code });
    err.name = data.name;
  }
  if (data.stack) err.stack = data.stack;
  return err;
}

/** Human words for each code, shown by the UI next to the message. */
export const ERROR_TEXT: Record<string, string> = {
  GGUF_INVALID: 'This file is not a valid GGUF model (it may be truncated or of another type).',
  MODEL_UNSUPPORTED: 'This model uses a format or architecture this engine cannot run.',
  MODEL_LOAD_FAILED: 'The engine could not load this model.',
  NETWORK: 'A download failed. Check the connection and try again.',
  MODEL_UNKNOWN: 'No such model is known.',
  DEVICE_UNSUPPORTED: 'This device lacks a GPU feature this model needs.',
  WEBGPU_UNAVAILABLE: 'WebGPU is not available in this browser.',
  MODEL_LIBRARY_MISSING: 'The compiled model library for this model is missing or invalid.',
  MODEL_NOT_LOADED: 'Load a model first.',
  ENGINE_BUSY: 'The engine is busy with another request.',
  GENERATION_FAILED: 'The model failed while generating.',
  ABORTED: 'Stopped.',
  TIMEOUT: 'The operation took too long and was stopped.',
  WORKER_CRASHED: 'The model worker stopped unexpectedly.',
  INVALID_REQUEST: 'The request is invalid.',
  INPUT_UNSUPPORTED: 'This model cannot take this kind of input (for example images): choose a model that accepts it.',
  QUEUE_FULL: 'Too many requests are waiting; try again shortly.',
  MODEL_TOO_LARGE: 'This model is larger than the memory budget of this device.',
  PROCESS_UNKNOWN: 'No such process.',
  PERMISSION_DENIED: 'This app is not allowed to do that.',
  STORAGE_QUOTA: 'Not enough storage space.',
  INTEGRITY: 'Downloaded data failed verification.',
  DOWNLOAD_TOO_LARGE: 'The download was larger than the file declares itself to be, so it was stopped and nothing was kept.',
  DEVICE_LOST: 'The GPU device was lost.',
  REPLAY_DIVERGED: 'A paused reply could not be resumed exactly.',
  OUTPUT_INVALID: 'The model output did not match the requested format.',
  BUDGET_INVALID: 'The memory budget setting is invalid.',
  GRAPH_IMPORT_INVALID: 'This file is not a valid knowledge graph (GEXF or graphology JSON).',
  GRAPH_STORAGE_FAILED: 'The knowledge graph could not be saved or loaded.',
  CONFLICT: 'This was changed in another tab or window meanwhile; reload it and try again.',
  MODEL_QUARANTINED: 'This model failed to load twice in a row and is set aside until you clear it or replace its file.',
  REMOTE_UNAVAILABLE: 'The server could not be reached, or it stopped answering.',
  RATE_LIMITED: 'The server is turning requests away for now; try again later.',
  REMOTE_REQUEST_FAILED: 'The server answered with an error.',
};

/** Normalise anything thrown into an `LlmOsError` (wrapping foreign errors, keeping the cause). */
export function toLlmOsError(err: unknown, Fallback: typeof LlmOsError = GenerationError, details: ErrorDetails = {}): LlmOsError {
  if (err instanceof LlmOsError) return err;
  if (err instanceof DOMException && err.name === 'AbortError') return new AbortError('Aborted', details, { cause: err });
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'WllamaAbortError')) {
    return new AbortError('Aborted', details, { cause: err });
  }
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  return new Fallback(message, { ...details, cause: err instanceof Error ? err.name : typeof err }, { cause: err });
}
