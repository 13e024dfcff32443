/**
 * Turning web-llm's failures into typed errors that name the model and the URL that failed.
 * web-llm throws generic `Error`s (or strings, from its emscripten runtime) whose messages rarely
 * name a URL — offline a load fails with a bare "TypeError: Failed to fetch" — so while web-llm loads
 * we record every `fetch` it makes (`withFetchLog`) and classify the failure from that log, the
 * error's class name and, last, its message. Worker-side only.
 */
import {
  AbortError, DeviceLostError, DeviceUnsupportedError, GenerationError, IntegrityError, InvalidRequestError, LlmOsError,
  WebLlmLibraryError, ModelLoadError, NetworkError, UnknownModelError, WebGpuUnavailableError, type ErrorDetails,
} from '../errors';

/** One request seen while web-llm was loading. */
export interface FetchRecord {
  url: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The fetch's own failure (network down, CORS, abort). */
  error?: string;
}

const activeLogs = new Set<FetchRecord[]>();
let originalFetch: typeof fetch | null = null;

function requestUrl(input: RequestInfo | URL): string {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(raw, globalThis.location?.href).href;
  } catch {
    return raw;
  }
}

/**
 * Run `fn` while recording every `fetch` made in this realm into a log. web-llm calls the global
 * `fetch` at request time (its caches and emscripten loader do), so wrapping it sees them all. One
 * shared wrapper serves overlapping calls; the original `fetch` is restored when the last one ends.
 */
export async function withFetchLog<T>(fn: (log: FetchRecord[]) => Promise<T>): Promise<T> {
  const log: FetchRecord[] = [];
  if (!originalFetch) {
    const original = globalThis.fetch;
    originalFetch = original;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = requestUrl(input);
      try {
        const res = await original(input, init);
        for (const l of activeLogs) l.push({ url, status: res.status });
        return res;
      } catch (e) {
        for (const l of activeLogs) l.push({ url, error: String(e) });
        throw e;
      }
    };
  }
  activeLogs.add(log);
  try {
    return await fn(log);
  } finally {
    activeLogs.delete(log);
    if (activeLogs.size === 0 && originalFetch) {
      globalThis.fetch = originalFetch;
      originalFetch = null;
    }
  }
}

/** What a load was about, for the error details. */
export interface LoadContext {
  modelId: string;
  /** Absolute URL of the model library. */
  libUrl: string;
  /** The directory the model files come from. */
  baseUrl: string;
  log: readonly FetchRecord[];
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e));
const nameOf = (e: unknown): string => (e instanceof Error ? e.name : typeof e);
const failed = (r: FetchRecord) => r.error !== undefined || (r.status !== undefined && (r.status < 200 || r.status >= 300));

/** Is this a failure to compile or instantiate a wasm module (an invalid model library)? */
function isWasmFailure(e: unknown): boolean {
  if (e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError) return true;
  return /WebAssembly|wasm|magic word|instantiat/i.test(messageOf(e));
}

/**
 * Classify a failure of web-llm's `reload()` for model `ctx.modelId`:
 * - the model library's URL failed with an HTTP status → `WebLlmLibraryError` (reason `missing`);
 * - the library downloaded but would not compile/instantiate → `WebLlmLibraryError` (reason `invalid`);
 * - any other request failed → `NetworkError` with `details.url` (and `status`);
 * - web-llm's own classes (no WebGPU, missing shader-f16, device lost, integrity) → ours;
 * - anything else → `ModelLoadError`. Every one names the model; the cause's text is kept.
 */
export function classifyLoadError(err: unknown, ctx: LoadContext): LlmOsError {
  if (err instanceof LlmOsError) return err;
  const cause = `${nameOf(err)}: ${messageOf(err)}`;
  const base: ErrorDetails = { modelId: ctx.modelId, engine: 'webllm', cause };
  const opts = { cause: err };
  if ((err instanceof DOMException || err instanceof Error) && err.name === 'AbortError') return new AbortError('WebLLM load aborted', base, opts);
  const name = nameOf(err);
  if (name === 'ShaderF16SupportError' || name === 'FeatureSupportError') {
    return new DeviceUnsupportedError(`${ctx.modelId} needs a WebGPU feature this device lacks: ${messageOf(err)}`, { ...base, feature: name === 'ShaderF16SupportError' ? 'shader-f16' : 'unknown' }, opts);
  }
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError') return new WebGpuUnavailableError(`WebGPU is not available to load ${ctx.modelId}`, base, opts);
  if (name === 'DeviceLostError') return new DeviceLostError(`The GPU device was lost while loading ${ctx.modelId}`, base, opts);
  if (name === 'IntegrityError') return new IntegrityError(`${ctx.modelId}: ${messageOf(err)}`, base, opts);
  if (name === 'ModelNotFoundError') return new UnknownModelError(`Unknown WebLLM model "${ctx.modelId}"`, base, opts);
  if (name === 'MissingModelWasmError') return new WebLlmLibraryError(`${ctx.modelId} has no model library`, { ...base, url: ctx.libUrl, reason: 'missing' }, opts);

  const libFetch = [...ctx.log].reverse().find((r) => r.url === ctx.libUrl);
  if (libFetch && libFetch.status !== undefined && failed(libFetch)) {
    return new WebLlmLibraryError(`The model library of ${ctx.modelId} is missing: ${ctx.libUrl} answered HTTP ${libFetch.status}`, {
      ...base, url: ctx.libUrl, status: libFetch.status, reason: 'missing',
    }, opts);
  }
  const bad = ctx.log.find(failed);
  if (bad) {
    const how = bad.status !== undefined ? `HTTP ${bad.status}` : bad.error;
    return new NetworkError(`Loading ${ctx.modelId} failed: ${bad.url} → ${how}`, {
      ...base, url: bad.url, ...(bad.status !== undefined ? { status: bad.status } : {}),
    }, opts);
  }
  if (isWasmFailure(err)) {
    return new WebLlmLibraryError(`The model library of ${ctx.modelId} is invalid (${ctx.libUrl}): ${messageOf(err)}`, {
      ...base, url: ctx.libUrl, reason: 'invalid',
    }, opts);
  }
  // No request of ours failed, but the message may still name one (e.g. "Failed to store <url> …").
  const url = /https?:\/\/[^\s'"]+/.exec(messageOf(err))?.[0];
  if (url && /fetch|store|network/i.test(messageOf(err))) {
    return new NetworkError(`Loading ${ctx.modelId} failed at ${url}: ${messageOf(err)}`, { ...base, url }, opts);
  }
  return new ModelLoadError(`WebLLM could not load ${ctx.modelId}: ${messageOf(err)}`, { ...base, url: ctx.baseUrl }, opts);
}

/** web-llm errors that mean the request itself was wrong (its config/field checks). */
const INVALID_REQUEST_NAMES = new Set([
  'ConfigValueError', 'MinValueError', 'RangeError', 'NonNegativeError', 'InvalidNumberStringError', 'DependencyError',
  'MessageOrderError', 'SystemMessageOrderError', 'ContentTypeError', 'UnsupportedRoleError', 'UnsupportedFieldsError',
  'SeedTypeError', 'InvalidResponseFormatError', 'InvalidResponseFormatGrammarError', 'InvalidStreamOptionsError',
  'CustomSystemPromptError', 'CustomResponseFormatError', 'TextCompletionConversationError', 'UnsupportedModelIdError',
]);

/** Classify a failure during generation: bad request fields → `InvalidRequestError`, else `GenerationError`. */
export function classifyGenerateError(err: unknown, modelId: string | null): LlmOsError {
  if (err instanceof LlmOsError) return err;
  const details: ErrorDetails = { modelId, engine: 'webllm', cause: nameOf(err) };
  if (nameOf(err) === 'DeviceLostError') return new DeviceLostError(`The GPU device was lost while generating with ${modelId}`, details, { cause: err });
  if (INVALID_REQUEST_NAMES.has(nameOf(err))) return new InvalidRequestError(messageOf(err), details, { cause: err });
  return new GenerationError(`Generation failed: ${messageOf(err)}`, details, { cause: err });
}
