/**
 * Generation parameters the first UI uses for the random-weight *test fixture* models (and only for
 * them; the picker marks their origin as `fixture`). A random model samples byte tokens that form invalid
 * UTF-8 (shared/ENVIRONMENT.md), so the UI decodes greedily with the 256 byte tokens banned and EOS
 * ignored: the reply is valid text, deterministic, and always as long as `max-tokens`. The UI says so
 * next to the model. Real models get the engine's defaults.
 */
import type { GenerateRequest } from '../protocol/engine';

/** The fixture vocabulary puts `<unk> <s> </s>` first, then the byte tokens `<0x00>`…`<0xFF>` (ids 3…258). */
const FIRST_BYTE_TOKEN = 3;

/** Greedy, byte tokens banned, EOS ignored. */
export function fixtureParams(): Partial<GenerateRequest> {
  const logitBias: Record<number, number> = {};
  for (let id = FIRST_BYTE_TOKEN; id < FIRST_BYTE_TOKEN + 256; id++) logitBias[id] = -100;
  return { temperature: 0, ignoreEos: true, logitBias };
}
