/**
 * What `<llmos-chat>` talks to. `EngineClient` (one engine worker) satisfies it today; the kernel will
 * provide another implementation (jobs of a process, scheduled), and tests use small scripted doubles.
 */
import type { GenerateRequest, GenerateResult, TokenEvent } from '../../protocol/engine';

/** A source of streamed generations. */
export interface ChatBackend {
  /**
   * Generate a reply, calling `onToken` for each token in order, and resolve with the stop reason and
   * usage. Aborting `signal` must end the generation promptly: resolve with stop reason `abort` (or
   * reject with an `AbortError`). Failures reject with an `LlmOsError` subclass. With the element's
   * `tools`, each generation of the tool loop is one call, its request carrying `tools` (and on the first
   * one any `toolChoice`): a backend passes them on to the engine like any other parameter.
   */
  generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult>;
}
