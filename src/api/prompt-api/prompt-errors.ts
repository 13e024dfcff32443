/**
 * Errors of the Prompt API polyfill, as the WICG explainer specifies them: `DOMException`s by name
 * (`AbortError`, `NotSupportedError`, `SyntaxError`, …), `TypeError` and `RangeError` for bad
 * arguments, and `QuotaExceededError` (with `requested` and `quota`) for context overflow. Where an
 * LLM OS error is the cause, it is kept as the exception's `cause` so its `code` stays inspectable.
 */
import { toLlmOsError, type LlmOsError } from '../../errors';

/** A `DOMException` with `cause` set (DOMException's constructor takes no options). */
export function domError(name: string, message: string, cause?: unknown): DOMException {
  const e = new DOMException(message, name);
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause, configurable: true, writable: true });
  return e;
}

/**
 * What calls on a destroyed session reject with — pending ones and later ones alike: an
 * `InvalidStateError`, as Chromium and its web-platform-tests have it (the explainer says `AbortError`).
 */
export function sessionDestroyed(): DOMException {
  return domError('InvalidStateError', 'The model execution session has been destroyed.');
}

/** The abort reason a destroyed session or aborted signal rejects with. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? domError('AbortError', 'The operation was aborted.');
}

type QuotaCtor = new (message: string, options: { quota: number; requested: number }) => DOMException;

/**
 * A `QuotaExceededError`: the platform's class where it exists (Chromium ships it as a DOMException
 * subclass, whatwg/webidl#1465), else a `DOMException` named so, carrying the same two fields.
 */
export function quotaExceeded(message: string, requested: number, quota: number): DOMException {
  const Native = (globalThis as { QuotaExceededError?: QuotaCtor }).QuotaExceededError;
  if (typeof Native === 'function') {
    try {
      return new Native(message, { quota, requested });
    } catch {
      // An older shape of the class: fall through to the DOMException form.
    }
  }
  const e = new DOMException(message, 'QuotaExceededError');
  Object.defineProperties(e, { requested: { value: requested }, quota: { value: quota } });
  return e;
}

const NAME_BY_CODE: Record<string, string> = {
  ABORTED: 'AbortError',
  NETWORK: 'NetworkError',
  PERMISSION_DENIED: 'NotAllowedError',
  QUEUE_FULL: 'NotAllowedError',
  MODEL_UNKNOWN: 'NotSupportedError',
  MODEL_UNSUPPORTED: 'NotSupportedError',
  DEVICE_UNSUPPORTED: 'NotSupportedError',
  MODEL_TOO_LARGE: 'NotSupportedError',
  /** An image for a model that takes none (one registered without `inputs`, found out by its engine). */
  INPUT_UNSUPPORTED: 'NotSupportedError',
  OUTPUT_INVALID: 'SyntaxError',
};

/**
 * An LLM OS failure as the DOMException the explainer's error table names (`UnknownError` for the rest,
 * or `fallback` — `OperationError` while creating a session). The LLM OS error is the `cause`.
 */
export function toDomException(err: unknown, fallback = 'UnknownError'): unknown {
  if (err instanceof DOMException || err instanceof TypeError || err instanceof RangeError) return err;
  const e: LlmOsError = toLlmOsError(err);
  return domError(NAME_BY_CODE[e.code] ?? (constraintRefused(e) ? 'NotSupportedError' : fallback), e.message, e);
}

/** A `responseConstraint` over a limit or malformed: the explainer's "not supported" constraint. */
function constraintRefused(e: LlmOsError): boolean {
  return e.code === 'INVALID_REQUEST' && (e.details['limit'] !== undefined || e.details['field'] === 'responseConstraint');
}
