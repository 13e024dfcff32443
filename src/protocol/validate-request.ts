/**
 * Validation of a `GenerateRequest` shared by all engines (and the kernel's `submit()`, on the page): bad
 * input is an `InvalidRequestError`. Constraints (`grammar`, `jsonSchema`, `regexp`) are only checked
 * against their limits here — a bounded walk — never compiled: compilation happens in the engine worker.
 */
import { InvalidRequestError } from '../errors';
import { checkGrammarLimits, checkRegexpLimits, checkSchemaLimits } from './constraint-limits';
import type { GenerateRequest } from './engine';
import { checkImageUrl, MAX_IMAGES } from './image-input';

const ROLES = new Set(['system', 'user', 'assistant']);
/** 4 MiB of prompt text: beyond that no browser-sized context can hold it anyway. */
export const MAX_PROMPT_CHARS = 4 * 1024 * 1024;
export const MAX_TOKENS_LIMIT = 32_768;

function num(name: string, v: number | undefined, min: number, max: number) {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new InvalidRequestError(`${name} must be a finite number in [${min}, ${max}]`, { field: name, value: String(v) });
  }
}

export function validateRequest(r: GenerateRequest): void {
  if (typeof r !== 'object' || r === null) throw new InvalidRequestError('Request must be an object', {});
  if (r.messages === undefined && r.prompt === undefined) throw new InvalidRequestError('Give messages or prompt', {});
  if (r.messages !== undefined && r.prompt !== undefined) throw new InvalidRequestError('Give messages or prompt, not both', {});
  let chars = 0;
  let images = 0;
  if (r.messages !== undefined) {
    if (!Array.isArray(r.messages) || r.messages.length === 0) throw new InvalidRequestError('messages must be a non-empty array', {});
    r.messages.forEach((m, i) => {
      if (typeof m !== 'object' || m === null || !ROLES.has((m as { role: string }).role)) {
        throw new InvalidRequestError(`messages[${i}].role must be system, user or assistant`, { index: i, role: String((m as { role?: unknown })?.role) });
      }
      if (typeof m.content !== 'string') throw new InvalidRequestError(`messages[${i}].content must be a string`, { index: i });
      chars += m.content.length;
      if (m.images !== undefined) {
        if (m.role !== 'user') throw new InvalidRequestError(`messages[${i}]: only user messages can carry images`, { index: i, field: `messages[${i}].images` });
        if (!Array.isArray(m.images)) throw new InvalidRequestError(`messages[${i}].images must be an array of image data URLs`, { index: i, field: `messages[${i}].images` });
        m.images.forEach((url, j) => checkImageUrl(url, `messages[${i}].images[${j}]`));
        images += m.images.length;
      }
    });
    if (images > MAX_IMAGES) throw new InvalidRequestError(`At most ${MAX_IMAGES} images per request (got ${images})`, { field: 'images', images });
  } else if (typeof r.prompt !== 'string') {
    throw new InvalidRequestError('prompt must be a string', {});
  } else {
    chars = r.prompt.length;
  }
  if (chars > MAX_PROMPT_CHARS) throw new InvalidRequestError(`Prompt of ${chars} characters exceeds ${MAX_PROMPT_CHARS}`, { chars });
  num('maxTokens', r.maxTokens, 1, MAX_TOKENS_LIMIT);
  if (r.maxTokens !== undefined && !Number.isInteger(r.maxTokens)) throw new InvalidRequestError('maxTokens must be an integer', { field: 'maxTokens' });
  num('temperature', r.temperature, 0, 10);
  num('topK', r.topK, 0, 100_000);
  num('topP', r.topP, 0, 1);
  num('seed', r.seed, 0, 2 ** 32);
  if (r.stop !== undefined && (!Array.isArray(r.stop) || r.stop.some((s) => typeof s !== 'string'))) {
    throw new InvalidRequestError('stop must be an array of strings', { field: 'stop' });
  }
  validateConstraint(r);
}

/** The constraint fields: their types and limits. */
function validateConstraint(r: GenerateRequest): void {
  if (r.grammar !== undefined) checkGrammarLimits(r.grammar, 'grammar');
  if (r.jsonSchema !== undefined) {
    if (typeof r.jsonSchema !== 'object' || r.jsonSchema === null || Array.isArray(r.jsonSchema)) {
      throw new InvalidRequestError('jsonSchema must be a JSON Schema object', { field: 'jsonSchema' });
    }
    checkSchemaLimits(r.jsonSchema, 'jsonSchema');
  }
  if (r.jsonMode !== undefined && typeof r.jsonMode !== 'boolean') throw new InvalidRequestError('jsonMode must be a boolean', { field: 'jsonMode' });
  if (r.regexp !== undefined) {
    if (typeof r.regexp !== 'object' || r.regexp === null) throw new InvalidRequestError('regexp must be {source, flags}', { field: 'regexp' });
    checkRegexpLimits(r.regexp.source, r.regexp.flags, 'regexp');
  }
}
