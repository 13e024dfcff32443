/**
 * Turn anything a backend throws into what the UI shows: the stable `code`, the human words for it
 * (`ERROR_TEXT`, localised) and the error's own message with its details.
 * @internal
 */
import { msg } from '@lit/localize';
import { ERROR_TEXT, toLlmOsError, type LlmOsError } from '../../errors';

/** An error ready for display. */
export interface ErrorWords {
  error: LlmOsError;
  code: string;
  /** Plain words for the code, e.g. "This file is not a valid GGUF model …". */
  words: string;
  /** The error's own message (names the model, URL, sizes where known). */
  message: string;
}

/**
 * The words for each code in the active locale. The English source strings are `ERROR_TEXT`'s, word for
 * word (a test keeps them equal); codes added to `ERROR_TEXT` later show in English until added here.
 */
export function localErrorText(code: string): string | undefined {
  const words: Record<string, () => string> = {
    GGUF_INVALID: () => msg('This file is not a valid GGUF model (it may be truncated or of another type).'),
    MODEL_UNSUPPORTED: () => msg('This model uses a format or architecture this engine cannot run.'),
    MODEL_LOAD_FAILED: () => msg('The engine could not load this model.'),
    NETWORK: () => msg('A download failed. Check the connection and try again.'),
    MODEL_UNKNOWN: () => msg('No such model is known.'),
    DEVICE_UNSUPPORTED: () => msg('This device lacks a GPU feature this model needs.'),
    WEBGPU_UNAVAILABLE: () => msg('WebGPU is not available in this browser.'),
    MODEL_LIBRARY_MISSING: () => msg('The compiled model library for this model is missing or invalid.'),
    MODEL_NOT_LOADED: () => msg('Load a model first.'),
    ENGINE_BUSY: () => msg('The engine is busy with another request.'),
    GENERATION_FAILED: () => msg('The model failed while generating.'),
    ABORTED: () => msg('Stopped.'),
    TIMEOUT: () => msg('The operation took too long and was stopped.'),
    WORKER_CRASHED: () => msg('The model worker stopped unexpectedly.'),
    INVALID_REQUEST: () => msg('The request is invalid.'),
    QUEUE_FULL: () => msg('Too many requests are waiting; try again shortly.'),
    MODEL_TOO_LARGE: () => msg('This model is larger than the memory budget of this device.'),
    PROCESS_UNKNOWN: () => msg('No such process.'),
    PERMISSION_DENIED: () => msg('This app is not allowed to do that.'),
    STORAGE_QUOTA: () => msg('Not enough storage space.'),
    INTEGRITY: () => msg('Downloaded data failed verification.'),
    DOWNLOAD_TOO_LARGE: () => msg('The download was larger than the file declares itself to be, so it was stopped and nothing was kept.'),
    DEVICE_LOST: () => msg('The GPU device was lost.'),
    OUTPUT_INVALID: () => msg('The model output did not match the requested format.'),
    BUDGET_INVALID: () => msg('The memory budget setting is invalid.'),
    GRAPH_IMPORT_INVALID: () => msg('This file is not a valid knowledge graph (GEXF or graphology JSON).'),
    GRAPH_STORAGE_FAILED: () => msg('The knowledge graph could not be saved or loaded.'),
    REPLAY_DIVERGED: () => msg('A paused reply could not be resumed exactly.'),
    CONFLICT: () => msg('This was changed in another tab or window meanwhile; reload it and try again.'),
    INPUT_UNSUPPORTED: () => msg('This model cannot take this kind of input (for example images): choose a model that accepts it.'),
    MODEL_QUARANTINED: () => msg('This model failed to load twice in a row and is set aside until you clear it or replace its file.'),
    REMOTE_UNAVAILABLE: () => msg('The server could not be reached, or it stopped answering.'),
    RATE_LIMITED: () => msg('The server is turning requests away for now; try again later.'),
    REMOTE_REQUEST_FAILED: () => msg('The server answered with an error.'),
  };
  return words[code]?.() ?? ERROR_TEXT[code];
}

/** Describe an error in words, normalising foreign errors to `LlmOsError` first. */
export function errorWords(err: unknown): ErrorWords {
  const error = toLlmOsError(err);
  return {
    error,
    code: error.code,
    words: localErrorText(error.code) ?? msg('Something went wrong.'),
    message: error.message,
  };
}
