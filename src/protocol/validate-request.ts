/**
 * Validation of a `GenerateRequest` shared by all engines (and the kernel's `submit()`, on the page): bad
 * input is an `InvalidRequestError`. Constraints (`grammar`, `jsonSchema`, `regexp`) are only checked
 * against their limits here — a bounded walk — never compiled: compilation happens in the engine worker.
 */
import { InvalidRequestError } from '../errors';
import { checkGrammarLimits, checkRegexpLimits, checkSchemaLimits } from './constraint-limits';
import { MAX_TOP_LOGPROBS, type ChatMessage, type GenerateRequest } from './engine';
import { checkImageUrl, MAX_IMAGES } from './image-input';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
/** OpenAI's rule for function names. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** OpenAI's limit on tools per request. */
export const MAX_TOOLS = 128;
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
        throw new InvalidRequestError(`messages[${i}].role must be system, user, assistant or tool`, { index: i, role: String((m as { role?: unknown })?.role) });
      }
      if (typeof m.content !== 'string') throw new InvalidRequestError(`messages[${i}].content must be a string`, { index: i });
      chars += m.content.length + validateToolFields(m, i);
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
  num('logprobs', r.logprobs, 0, MAX_TOP_LOGPROBS);
  if (r.logprobs !== undefined && !Number.isInteger(r.logprobs)) throw new InvalidRequestError('logprobs must be an integer', { field: 'logprobs' });
  num('temperature', r.temperature, 0, 10);
  num('topK', r.topK, 0, 100_000);
  num('topP', r.topP, 0, 1);
  num('presencePenalty', r.presencePenalty, -2, 2);
  num('frequencyPenalty', r.frequencyPenalty, -2, 2);
  num('seed', r.seed, 0, 2 ** 32);
  if (r.stop !== undefined && (!Array.isArray(r.stop) || r.stop.some((s) => typeof s !== 'string'))) {
    throw new InvalidRequestError('stop must be an array of strings', { field: 'stop' });
  }
  validateConstraint(r);
  validateTools(r);
  validateResume(r);
}

/** `resume`: the earlier output as text (counted against the prompt's limit) and, optionally, token ids. */
function validateResume(r: GenerateRequest): void {
  const res = r.resume;
  if (res === undefined) return;
  const bad = (why: string) => new InvalidRequestError(`resume ${why}`, { field: 'resume' });
  if (typeof res !== 'object' || res === null || typeof res.text !== 'string') throw bad('must be {text, tokens, ids?}');
  if (!Number.isInteger(res.tokens) || res.tokens < 0 || res.tokens > MAX_TOKENS_LIMIT) throw bad(`tokens must be an integer in [0, ${MAX_TOKENS_LIMIT}]`);
  if (res.text.length > MAX_PROMPT_CHARS) throw bad(`text exceeds ${MAX_PROMPT_CHARS} characters`);
  if (res.ids !== undefined) {
    if (!Array.isArray(res.ids) || res.ids.length !== res.tokens) throw bad('ids must be an array of `tokens` token ids');
    if (res.ids.some((id) => !Number.isInteger(id) || id < 0)) throw bad('ids must be non-negative integers');
  }
  if (r.replayPrefix !== undefined || r.replayTokens !== undefined) throw bad('and replay cannot be combined');
}

/** The tool fields of one message; returns their characters (counted against the prompt's limit). */
function validateToolFields(m: ChatMessage, i: number): number {
  let chars = 0;
  if (m.toolCalls !== undefined) {
    if (m.role !== 'assistant' || !Array.isArray(m.toolCalls)) {
      throw new InvalidRequestError(`messages[${i}].toolCalls must be an array on an assistant message`, { index: i, field: `messages[${i}].toolCalls` });
    }
    m.toolCalls.forEach((c, j) => {
      const field = `messages[${i}].toolCalls[${j}]`;
      if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || typeof c.name !== 'string' || typeof c.arguments !== 'string') {
        throw new InvalidRequestError(`${field} must be {id, name, arguments} strings`, { index: i, field });
      }
      chars += c.id.length + c.name.length + c.arguments.length;
    });
  }
  for (const key of ['toolCallId', 'name'] as const) {
    const v = m[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || m.role !== 'tool') throw new InvalidRequestError(`messages[${i}].${key} must be a string on a tool message`, { index: i, field: `messages[${i}].${key}` });
    chars += v.length;
  }
  return chars;
}

/** `tools`, `toolChoice` and `parallelToolCalls`: shapes, names and schema limits. */
function validateTools(r: GenerateRequest): void {
  if (r.tools !== undefined) {
    if (!Array.isArray(r.tools) || r.tools.length > MAX_TOOLS) throw new InvalidRequestError(`tools must be an array of at most ${MAX_TOOLS} tools`, { field: 'tools' });
    const names = new Set<string>();
    r.tools.forEach((t, i) => {
      const field = `tools[${i}]`;
      if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) {
        throw new InvalidRequestError(`${field}.name must match ${TOOL_NAME.source}`, { field: `${field}.name` });
      }
      if (names.has(t.name)) throw new InvalidRequestError(`${field}.name ${t.name} is given twice`, { field: `${field}.name` });
      names.add(t.name);
      if (t.description !== undefined && typeof t.description !== 'string') throw new InvalidRequestError(`${field}.description must be a string`, { field: `${field}.description` });
      if (t.parameters !== undefined) {
        if (typeof t.parameters !== 'object' || t.parameters === null || Array.isArray(t.parameters)) {
          throw new InvalidRequestError(`${field}.parameters must be a JSON Schema object`, { field: `${field}.parameters` });
        }
        checkSchemaLimits(t.parameters, `${field}.parameters`);
      }
    });
    // All the tools' schemas together (they become one grammar).
    checkSchemaLimits(r.tools.map((t) => t.parameters ?? {}), 'tools');
  }
  const c = r.toolChoice;
  if (c !== undefined && c !== 'auto' && c !== 'required') {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string') throw new InvalidRequestError('toolChoice must be auto, required or {name}', { field: 'toolChoice' });
    if (!r.tools?.some((t) => t.name === c.name)) throw new InvalidRequestError(`toolChoice names ${c.name}, which is not among tools`, { field: 'toolChoice' });
  }
  if (c !== undefined && !r.tools?.length) throw new InvalidRequestError('toolChoice needs tools', { field: 'toolChoice' });
  if (r.parallelToolCalls !== undefined && typeof r.parallelToolCalls !== 'boolean') {
    throw new InvalidRequestError('parallelToolCalls must be a boolean', { field: 'parallelToolCalls' });
  }
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
