/**
 * Turn anything a backend throws into what the UI shows: the stable `code`, the human words for it
 * (`ERROR_TEXT`) and the error's own message with its details.
 * @internal
 */
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

/** Describe an error in words, normalising foreign errors to `LlmOsError` first. */
export function errorWords(err: unknown): ErrorWords {
  const error = toLlmOsError(err);
  return {
    error,
    code: error.code,
    words: ERROR_TEXT[error.code] ?? 'Something went wrong.',
    message: error.message,
  };
}
