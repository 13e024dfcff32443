/**
 * Input of the Prompt API polyfill: the message types of the WICG explainer and their validation and
 * canonicalization ("validate and canonicalize a prompt" in the draft spec). Strings become one user
 * message; text parts collapse into one string; image parts become the message's images. Errors are the
 * ones the explainer names: `TypeError` for a wrong shape (an image part whose value is no image source
 * included) or a system message anywhere but first in the session, `SyntaxError` for a misplaced
 * `prefix`, `NotSupportedError` for an image the session did not declare in `expectedInputs`, an image
 * on an assistant (or, here, system) message, and content this implementation cannot take (audio, tool
 * calls, assistant prefixes), `RangeError` for an invalid BCP 47 language tag.
 */
import type { ChatMessage } from '../../protocol/engine';
import { MAX_IMAGES } from '../../protocol/image-input';
import { imageValueToDataUrl, isImageValue } from './image-value';
import { domError } from './prompt-errors';

/** Who a message is from. */
export type LanguageModelMessageRole = 'system' | 'user' | 'assistant';
/** Content types of the explainer (this implementation takes `text`, and `image` for models that accept images). */
export type LanguageModelMessageType = 'text' | 'image' | 'audio' | 'tool-call' | 'tool-response';

/** One part of a message's content. */
export interface LanguageModelMessageContent {
  type: LanguageModelMessageType;
  value: unknown;
}

/** A message: `content` is a string or a list of parts; `prefix` marks an assistant prefill. */
export interface LanguageModelMessage {
  role: LanguageModelMessageRole;
  content: string | LanguageModelMessageContent[];
  prefix?: boolean;
}

/** What `prompt()`, `append()` and `measureContextUsage()` take. */
export type LanguageModelPrompt = string | LanguageModelMessage[];

/** An entry of `expectedInputs` / `expectedOutputs`. */
export interface LanguageModelExpected {
  type: LanguageModelMessageType;
  languages?: string[];
}

const ROLES = new Set(['system', 'user', 'assistant']);
const TYPES = new Set(['text', 'image', 'audio', 'tool-call', 'tool-response']);

/** A canonical message whose images are still the caller's values (`resolveImages()` encodes them). */
export interface CanonicalMessage {
  role: LanguageModelMessageRole;
  content: string;
  /** Image values in order (the model sees them before `content`). */
  images?: unknown[];
}

/** The content types a session takes: its `expectedInputs` types, and always `text` ("get the expected content types"). */
export function expectedTypes(expected: readonly LanguageModelExpected[]): Set<LanguageModelMessageType> {
  return new Set<LanguageModelMessageType>(['text', ...expected.map((e) => e.type)]);
}

/**
 * Canonicalize a prompt into chat messages. `hasAppendedInput` is true when the session already holds
 * messages (initial prompts or earlier turns): a system message is then a `TypeError`. `expected` are the
 * session's `expectedInputs`: an image part needs `{type: 'image'}` among them (`NotSupportedError`
 * otherwise). Images are checked for type here (`TypeError`) and encoded later by `resolveImages()`.
 * Text parts are joined; a message's images come first, in order (their place among the text is not kept).
 */
export function canonicalizePrompt(input: unknown, hasAppendedInput: boolean, expected: readonly LanguageModelExpected[] = []): CanonicalMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  // WebIDL conversion of (sequence<LanguageModelMessage> or DOMString): an iterable object is a sequence;
  // anything else (null, undefined, {}, a number) becomes its string; a Symbol cannot be one.
  if (typeof input === 'symbol') throw new TypeError('A prompt cannot be a Symbol');
  const iterable = (typeof input === 'object' && input !== null) || typeof input === 'function'
    ? typeof (input as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
    : false;
  if (!iterable) return [{ role: 'user', content: String(input) }];
  if (!Array.isArray(input)) input = Array.from(input as Iterable<unknown>);
  if (!Array.isArray(input)) throw new TypeError('A prompt must be a string or an array of messages');
  if (input.length === 0) return [{ role: 'user', content: '' }];
  const types = expectedTypes(expected);
  const out: CanonicalMessage[] = [];
  let appended = hasAppendedInput;
  input.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) throw new TypeError(`Message ${i} is not an object`);
    const { role, content, prefix } = m as Partial<LanguageModelMessage>;
    if (typeof role !== 'string' || !ROLES.has(role)) throw new TypeError(`Message ${i} has an invalid role ${String(role)}`);
    if (prefix) {
      if (role !== 'assistant') throw domError('SyntaxError', `Message ${i}: prefix is only allowed on an assistant message`);
      if (i !== input.length - 1) throw domError('SyntaxError', `Message ${i}: prefix is only allowed on the last message`);
    }
    if (role === 'system' && appended) {
      throw new TypeError('A system message must be the first message of the session (in initialPrompts, or first in the first prompt or append)');
    }
    let text: string;
    const images: unknown[] = [];
    if (typeof content === 'string') {
      text = content;
    } else if (Array.isArray(content)) {
      text = '';
      for (const part of content as unknown[]) {
        if (typeof part !== 'object' || part === null) throw new TypeError(`Message ${i} has a content part that is not an object`);
        const { type, value } = part as Partial<LanguageModelMessageContent>;
        if (typeof type !== 'string' || !TYPES.has(type)) throw new TypeError(`Message ${i} has an invalid content type ${String(type)}`);
        if (role === 'assistant' && type !== 'text') throw domError('NotSupportedError', 'Assistant messages can only contain text');
        if (type === 'text') {
          if (typeof value !== 'string') throw new TypeError(`Message ${i} has a text part whose value is not a string`);
          text += value;
        } else if (type === 'image') {
          if (!types.has('image')) throw domError('NotSupportedError', 'Image input needs expectedInputs: [{ type: "image" }] when the session is created');
          if (!isImageValue(value)) throw new TypeError(`Message ${i} has an image part whose value is not an ImageBitmapSource or BufferSource`);
          // The engines take images on user messages only (the explainer also allows system messages).
          if (role !== 'user') throw domError('NotSupportedError', 'Images are supported in user messages only');
          images.push(value);
        } else {
          throw domError('NotSupportedError', `${type} content is not supported by this language model`);
        }
      }
    } else {
      throw new TypeError(`Message ${i} needs content (a string or an array of parts)`);
    }
    if (prefix) throw domError('NotSupportedError', 'Assistant prefixes are not supported by this implementation');
    out.push(images.length ? { role, content: text, images } : { role, content: text });
    appended = true;
  });
  return out;
}

/**
 * Encode the images of canonical messages as data URLs (`image-value.ts`: `EncodingError` for bytes the
 * browser cannot decode). More than `MAX_IMAGES` in all is a `NotSupportedError` (engines take no more).
 */
export async function resolveImages(messages: readonly CanonicalMessage[]): Promise<ChatMessage[]> {
  const count = messages.reduce((n, m) => n + (m.images?.length ?? 0), 0);
  if (count > MAX_IMAGES) throw domError('NotSupportedError', `At most ${MAX_IMAGES} images per prompt (got ${count})`);
  const out: ChatMessage[] = [];
  for (const { role, content, images } of messages) {
    if (!images?.length) {
      out.push({ role, content });
      continue;
    }
    const urls: string[] = [];
    // One at a time: each decode holds a full-size bitmap.
    for (const value of images) urls.push(await imageValueToDataUrl(value));
    out.push({ role, content, images: urls });
  }
  return out;
}

/** Canonical BCP 47 tags (deduplicated); an invalid tag is a `RangeError` (from `Intl`). */
export function canonicalizeLanguages(languages: unknown): string[] {
  if (!Array.isArray(languages) || languages.some((l) => typeof l !== 'string')) throw new TypeError('languages must be an array of strings');
  return Intl.getCanonicalLocales(languages as string[]);
}

/** Validate `expectedInputs` / `expectedOutputs`, canonicalizing their languages. */
export function canonicalizeExpected(list: unknown, field: string): LanguageModelExpected[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TypeError(`${field} must be an array`);
  return list.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) throw new TypeError(`${field}[${i}] must be an object`);
    const { type, languages } = e as Partial<LanguageModelExpected>;
    if (typeof type !== 'string' || !TYPES.has(type)) throw new TypeError(`${field}[${i}].type is invalid: ${String(type)}`);
    return languages === undefined ? { type } : { type, languages: canonicalizeLanguages(languages) };
  });
}
