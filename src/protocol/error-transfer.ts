/**
 * One Comlink transfer handler that carries `LlmOsError` subclasses across a worker boundary intact
 * (name, code, message, details, stack). Comlink's built-in `throw` handler rebuilds a plain `Error`;
 * this replaces it on both sides, and wraps foreign errors so nothing arrives as a bare string.
 */
import * as Comlink from 'comlink';
import { LlmOsError, deserializeError, toLlmOsError, type SerializedError } from '../errors';

interface ThrownValue { value: unknown }

let installed = false;

/** Install the handler (idempotent). Call once in the page and once in every worker. */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  // Comlink does not export its `throwMarker` symbol: reuse the built-in handler's test for it.
  const builtin = Comlink.transferHandlers.get('throw');
  if (!builtin) throw new Error('Comlink has no built-in throw handler');
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is ThrownValue => builtin.canHandle(value),
    serialize: ({ value }: ThrownValue) => {
      const err = value instanceof LlmOsError ? value : toLlmOsError(value);
      return [{ error: err.toJSON() }, []];
    },
    deserialize: (data: { error: SerializedError }) => {
      throw deserializeError(data.error);
    },
  } as Comlink.TransferHandler<ThrownValue, { error: SerializedError }>);
}
