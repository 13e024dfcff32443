/**
 * Turn an OpenAI-shaped `chat.completions.create` body into a kernel job request. Every malformed
 * field is an `InvalidRequestError` naming the field (the `/v1` endpoint answers it with HTTP 400);
 * features a local model cannot honour (`n > 1`, the deprecated `functions`) are refused the same way
 * rather than ignored. Tools: see `openai-tools.ts`.
 *
 * Images: `{type: 'image_url', image_url: {url}}` parts of user messages, as `data:image/…;base64` URLs,
 * become the message's `ChatMessage.images` (in order, before its text: where they stood among the
 * text parts is not kept). Remote `http(s)` image URLs are refused: neither the page nor the service
 * worker relaying `/v1` fetches URLs on a caller's behalf (an embedding page could otherwise make the
 * app's origin fetch anything, intranet included); callers fetch the image and send it as a data URL.
 * Here only the URL's shape is checked; `checkImagesDecode()` decodes them before a job is submitted.
 */
import { InvalidRequestError } from '../../errors';
import { MAX_TOP_LOGPROBS, type ChatMessage, type ToolDefinition } from '../../protocol/engine';
import { parseToolCallsField, parseTools, toolMessage } from './openai-tools';
import { checkImageUrl, decodeImageUrl, MAX_IMAGES } from '../../protocol/image-input';
import { parsePriority, type Priority } from '../../kernel/priority';
import type { JobParams } from '../../kernel/types';
import type { ChatCompletionCreateParams, ResponseFormat } from './openai-types';
import { checkConstraint, type OutputConstraint } from '../structured/structured-output';

/** A validated request. */
export interface ParsedChatRequest {
  model: string;
  messages: ChatMessage[];
  params: JobParams;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `choices: []` carries the usage; other chunks `usage: null`. */
  includeUsage: boolean;
  constraint: OutputConstraint | null;
  priority: Priority | undefined;
  /** Every image of the request, in message order (empty for text-only requests). */
  images: ImageRef[];
  /** The tools offered to the model (empty: none, or `tool_choice: 'none'`). */
  tools: ToolDefinition[];
}

const bad = (field: string, message: string, value?: unknown) =>
  new InvalidRequestError(message, { field, ...(value !== undefined ? { value: String(value) } : {}) });

const ROLES: Record<string, ChatMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant', tool: 'tool' };
/** Refused rather than ignored (`functions` / `function_call`: OpenAI's deprecated names for tools). */
const UNSUPPORTED = ['functions', 'function_call', 'audio', 'modalities', 'prediction'];

function optNumber(body: Record<string, unknown>, field: string, min: number, max: number, integer = false): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw bad(field, `${field} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`, v);
  }
  return v;
}

/** A data URL's payload must be base64 (whitespace allowed, as `atob` takes it). */
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** An `image_url` part as a data URL the engines take, or an `InvalidRequestError` naming the field. */
function imagePart(part: Record<string, unknown>, field: string): string {
  const image = part['image_url'];
  if (typeof image !== 'object' || image === null) throw bad(`${field}.image_url`, `${field}.image_url must be an object with a url`);
  const { url, detail } = image as { url?: unknown; detail?: unknown };
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    throw bad(`${field}.image_url.detail`, `${field}.image_url.detail must be auto, low or high`, detail);
  }
  const urlField = `${field}.image_url.url`;
  if (typeof url === 'string' && /^https?:/i.test(url)) {
    // The page (or the service worker relaying for it) never fetches URLs on a caller's behalf.
    throw new InvalidRequestError(
      `${urlField}: remote image URLs are not fetched; send the image as a data:image/…;base64 URL`,
      { field: urlField, reason: 'remote-url' },
    );
  }
  checkImageUrl(url, urlField);
  const payload = url.slice(url.indexOf(',') + 1);
  if (!payload.trim() || !BASE64.test(payload)) throw bad(urlField, `${urlField} is not valid base64 image data`);
  return url;
}

/** Where each image of a request came from (for errors found after parsing). */
export interface ImageRef {
  /** Index into `messages`. */
  message: number;
  url: string;
  /** The request field, e.g. `messages[1].content[2].image_url.url`. */
  field: string;
}

function parseMessages(raw: unknown, images: ImageRef[]): ChatMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad('messages', 'messages must be a non-empty array');
  return raw.map((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) throw bad(`messages[${i}]`, `messages[${i}] must be an object`);
    const { role, content, tool_calls: calls } = m as { role?: unknown; content?: unknown; tool_calls?: unknown };
    const r = typeof role === 'string' ? ROLES[role] : undefined;
    if (!r) throw bad(`messages[${i}].role`, `messages[${i}].role must be system, developer, user, assistant or tool`, role);
    if (r === 'assistant' && calls !== undefined && calls !== null) {
      if (content !== null && content !== undefined && typeof content !== 'string') throw bad(`messages[${i}].content`, `messages[${i}].content must be a string or null`);
      return { role: r, content: content ?? '', toolCalls: parseToolCallsField(calls, `messages[${i}].tool_calls`) };
    }
    if (r === 'tool') {
      const text = typeof content === 'string' ? content : Array.isArray(content) ? textParts(content, i) : null;
      if (text === null) throw bad(`messages[${i}].content`, `messages[${i}].content must be a string or a list of text parts`);
      return toolMessage(m as Record<string, unknown>, text, `messages[${i}]`);
    }
    if (typeof content === 'string') return { role: r, content };
    if (!Array.isArray(content)) throw bad(`messages[${i}].content`, `messages[${i}].content must be a string or a list of content parts`);
    let text = '';
    const urls: string[] = [];
    content.forEach((p: unknown, j) => {
      const field = `messages[${i}].content[${j}]`;
      const type = typeof p === 'object' && p !== null ? (p as { type?: unknown }).type : undefined;
      if (type === 'text') {
        const t = (p as { text?: unknown }).text;
        if (typeof t !== 'string') throw bad(`${field}.text`, `${field}.text must be a string`);
        text += t;
      } else if (type === 'image_url') {
        if (r !== 'user') throw bad(field, `${field}: only user messages can carry images`, role);
        const url = imagePart(p as Record<string, unknown>, field);
        urls.push(url);
        images.push({ message: i, url, field: `${field}.image_url.url` });
      } else {
        throw bad(`${field}.type`, `${field}.type must be text${r === 'user' ? ' or image_url' : ''}`, type);
      }
    });
    if (images.length > MAX_IMAGES) throw bad('messages', `At most ${MAX_IMAGES} images per request`, images.length);
    // The model sees a message's images before its text (`ChatMessage.images`): interleaving is not kept.
    return urls.length ? { role: r, content: text, images: urls } : { role: r, content: text };
  });
}

/** The text parts of a tool message, joined. */
function textParts(parts: unknown[], i: number): string {
  return parts.map((p, j) => {
    const t = typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text' ? (p as { text?: unknown }).text : undefined;
    if (typeof t !== 'string') throw bad(`messages[${i}].content[${j}]`, `messages[${i}].content[${j}] must be a text part`);
    return t;
  }).join('');
}

function parseFormat(raw: unknown): OutputConstraint | null {
  if (raw === undefined || raw === null) return null;
  const f = raw as ResponseFormat;
  if (typeof f !== 'object' || typeof f.type !== 'string') throw bad('response_format', 'response_format must be an object with a type');
  if (f.type === 'text') return null;
  if (f.type === 'json_object') return { kind: 'json' };
  if (f.type === 'json_schema') {
    const js = f.json_schema;
    if (typeof js !== 'object' || js === null || typeof js.name !== 'string' || !js.name) {
      throw bad('response_format.json_schema', 'response_format.json_schema needs a name');
    }
    if (js.schema !== undefined && (typeof js.schema !== 'object' || js.schema === null || Array.isArray(js.schema))) {
      throw bad('response_format.json_schema.schema', 'response_format.json_schema.schema must be a JSON Schema object');
    }
    // Limits and shape checked here (bounded), so `/v1` refuses an oversized schema before anything else.
    return checkConstraint({ kind: 'json', schema: js.schema ?? {}, name: js.name }, 'response_format.json_schema.schema');
  }
  throw bad('response_format.type', 'response_format.type must be text, json_object or json_schema', (f as { type: string }).type);
}

function parseLogitBias(raw: unknown): Record<number, number> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('logit_bias', 'logit_bias must be an object of token id → bias');
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const id = Number(k);
    if (!Number.isInteger(id) || id < 0) throw bad('logit_bias', `logit_bias key ${k} is not a token id`, k);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -100 || v > 100) throw bad('logit_bias', `logit_bias[${k}] must be in [-100, 100]`, v);
    out[id] = v;
  }
  return out;
}

/** Validate and convert a request body (`defaults` are merged under the caller's parameters). */
export function parseChatRequest(body: unknown, defaults: Partial<JobParams> = {}): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'The request body must be a JSON object');
  const b = body as Record<string, unknown> & Partial<ChatCompletionCreateParams>;
  if (typeof b.model !== 'string' || !b.model) throw bad('model', 'model is required');
  for (const f of UNSUPPORTED) if (b[f] !== undefined && b[f] !== null) throw bad(f, `${f} is not supported by local models`);
  const n = optNumber(b, 'n', 1, 1, true);
  void n;
  const stream = b.stream === undefined || b.stream === null ? false : b.stream;
  if (typeof stream !== 'boolean') throw bad('stream', 'stream must be a boolean', stream);
  let includeUsage = false;
  if (b.stream_options !== undefined && b.stream_options !== null) {
    if (!stream) throw bad('stream_options', 'stream_options is only allowed when stream is true');
    if (typeof b.stream_options !== 'object' || Array.isArray(b.stream_options)) throw bad('stream_options', 'stream_options must be an object');
    const iu = (b.stream_options as Record<string, unknown>)['include_usage'];
    if (iu !== undefined && iu !== null && typeof iu !== 'boolean') throw bad('stream_options.include_usage', 'include_usage must be a boolean', iu);
    includeUsage = iu === true;
  }
  // Log probabilities, by OpenAI's rules: `top_logprobs` (0…20) only with `logprobs: true`.
  if (b.logprobs !== undefined && b.logprobs !== null && typeof b.logprobs !== 'boolean') throw bad('logprobs', 'logprobs must be a boolean', b.logprobs);
  const topLogprobs = optNumber(b, 'top_logprobs', 0, MAX_TOP_LOGPROBS, true);
  if (topLogprobs !== undefined && b.logprobs !== true) throw bad('top_logprobs', 'top_logprobs requires logprobs: true', topLogprobs);
  const logprobs = b.logprobs === true ? topLogprobs ?? 0 : undefined;
  const maxTokens = optNumber(b, 'max_completion_tokens', 1, 32_768, true) ?? optNumber(b, 'max_tokens', 1, 32_768, true);
  const temperature = optNumber(b, 'temperature', 0, 2);
  const topP = optNumber(b, 'top_p', 0, 1);
  const presencePenalty = optNumber(b, 'presence_penalty', -2, 2);
  const frequencyPenalty = optNumber(b, 'frequency_penalty', -2, 2);
  const seed = optNumber(b, 'seed', -(2 ** 53), 2 ** 53, true);
  let stop: string[] | undefined;
  if (b.stop !== undefined && b.stop !== null) {
    stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
    if (!Array.isArray(stop) || stop.length > 4 || stop.some((s) => typeof s !== 'string' || !s)) throw bad('stop', 'stop must be a string or up to 4 non-empty strings');
  }
  const constraint = parseFormat(b.response_format);
  const logitBias = parseLogitBias(b.logit_bias);
  const tools = parseTools(b);
  const params: JobParams = { ...defaults };
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (logprobs !== undefined) params.logprobs = logprobs;
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.topP = topP;
  if (presencePenalty !== undefined) params.presencePenalty = presencePenalty;
  if (frequencyPenalty !== undefined) params.frequencyPenalty = frequencyPenalty;
  if (seed !== undefined) params.seed = seed;
  if (stop) params.stop = stop;
  if (logitBias) params.logitBias = { ...defaults.logitBias, ...logitBias };
  if (tools.tools.length) {
    params.tools = tools.tools;
    if (tools.choice) params.toolChoice = tools.choice;
    if (tools.parallel !== undefined) params.parallelToolCalls = tools.parallel;
    // A reply with calls must be allowed to end.
    params.ignoreEos = false;
  }
  const priority = b.priority === undefined ? undefined : parsePriority(b.priority);
  const images: ImageRef[] = [];
  const messages = parseMessages(b.messages, images);
  return { model: b.model, messages, params, stream, includeUsage, constraint, priority, images, tools: tools.tools };
}

/**
 * Decode every image of a request with the browser's decoders (and drop the result): an image that is not
 * one is an `InvalidRequestError` naming its request field, found before a job is submitted.
 */
export async function checkImagesDecode(images: readonly ImageRef[]): Promise<void> {
  for (const { url, field } of images) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(decodeImageUrl(url, field));
    } catch (e) {
      if (e instanceof InvalidRequestError) throw e;
      throw bad(field, `${field} is not an image this browser can decode`);
    }
    bitmap.close();
  }
}
