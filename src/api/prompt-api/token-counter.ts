/**
 * Token counts for the Prompt API polyfill's context accounting. The engine interface has no
 * tokenizer call (and adding one would need a kernel job type of its own), so a count is a one-token
 * generation of the caller's process: the engine reports how many tokens the chat-templated messages
 * took (`usage.promptTokens`, prompt-cache hits included). The count therefore includes the
 * template's control tokens — the explainer asks for control tokens to be counted. Counts are cached
 * per kernel and model (the same messages always template to the same tokens), so measuring a prompt
 * and then sending it costs one count. Messages longer than the model's whole context cannot be run;
 * llama.cpp's refusal names their length, which is the count. Images (`ChatMessage.images`) are
 * counted the same way — as many tokens as the engine reports for them (for a LLaVA-style projector:
 * its image embeddings plus the begin/end markers) — and are part of the cache key by fingerprint.
 *
 * **What a measurement is** (`measureMessages()`): the tokens the messages add to a conversation — their
 * role headers, content and end-of-turn markers — *without* what every request costs once whatever it
 * holds (the beginning-of-sequence token and the assistant header that opens the reply: the
 * `templateOverhead()`). So measurements add up: a session's usage is the sum of its parts' measurements
 * and agrees with measuring them one by one, and the overhead is taken off the context window once
 * instead of being counted again in every measurement. The overhead is found by difference: one empty
 * user message costs `overhead + m`, two cost `overhead + 2m`. Messages ending with an assistant turn are
 * measured followed by an empty user message (less that message's own cost), because engines render a
 * trailing assistant message as an unfinished reply to continue, without its end-of-turn marker.
 */
import { AbortError, GenerationError } from '../../errors';
import type { ChatMessage, ToolDefinition } from '../../protocol/engine';
import type { KernelApi } from '../../kernel/kernel-api';
import type { JobParams } from '../../kernel/types';

const CACHE_LIMIT = 512;
/** llama.cpp's refusal of a prompt longer than the context, e.g. "request (319 tokens) exceeds the available context size (256 tokens)". */
const TOO_LONG = /request \((\d+) tokens\) exceeds the available context size/;
const caches = new WeakMap<KernelApi, Map<string, Map<string, number>>>();

function cacheFor(kernel: KernelApi, model: string): Map<string, number> {
  let byModel = caches.get(kernel);
  if (!byModel) caches.set(kernel, byModel = new Map());
  let c = byModel.get(model);
  if (!c) byModel.set(model, c = new Map());
  return c;
}

/**
 * A short stand-in for an image data URL in cache keys (they can be megabytes): its length and a 32-bit
 * FNV-1a hash of every character. A collision could only mis-estimate one count.
 */
function fingerprint(url: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  return `${url.length}:${(h >>> 0).toString(36)}`;
}

/** Count the tokens `messages` take for `model`, as a job of process `pid`. */
export async function countTokens(
  kernel: KernelApi, pid: number, model: string, messages: ChatMessage[], params: JobParams = {}, signal?: AbortSignal,
  /** Run the job even when the count is cached (it then also makes the model resident). */
  fresh = false,
  /** Count with these tools in the prompt (their part of it is the engine's to render). */
  tools?: readonly ToolDefinition[],
): Promise<number> {
  if (messages.length === 0) return 0;
  const cache = cacheFor(kernel, model);
  const key = JSON.stringify([
    tools?.map((t) => [t.name, t.description, t.parameters]) ?? null,
    ...messages.map((m) => [m.role, m.content, m.images?.map(fingerprint) ?? null, m.toolCalls ?? null, m.toolCallId ?? null]),
  ]);
  const hit = fresh ? undefined : cache.get(key);
  if (hit !== undefined) {
    // Refresh its place: the cache drops the least recently used counts first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // Sampling does not matter for one token, but a grammar or `ignoreEos` could make it fail.
  const { grammar: _g, jsonSchema: _s, jsonMode: _j, regexp: _r, ignoreEos: _e, tools: _t, toolChoice: _c, parallelToolCalls: _p, ...rest } = params;
  // With tools, a grammar given as is (any text) stands in for the calls' grammar, which the one token
  // sampled could fail (a logit bias may ban its first character).
  const withTools = tools?.length ? { tools: tools.map(({ name, description, parameters }) => ({ name, description, parameters })), grammar: ANY_TEXT } : {};
  const handle = kernel.submit({ pid, model, messages, params: { ...rest, ...withTools, maxTokens: 1 }, ...(signal ? { signal } : {}) });
  let n: number;
  try {
    const r = await handle.result;
    if (r.stopReason === 'abort' || r.stopReason === 'interrupt') throw new AbortError('Token count aborted', { jobId: handle.id }, { cause: signal?.reason });
    n = r.usage.promptTokens;
  } catch (e) {
    // Longer than the model's whole context: llama.cpp refuses it, but says how long it is.
    const m = e instanceof GenerationError ? TOO_LONG.exec(e.message) : null;
    if (!m) throw e;
    n = Number(m[1]);
  }
  cache.delete(key);
  cache.set(key, n);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return n;
}

/** A grammar any text satisfies. */
const ANY_TEXT = 'root ::= [^\\x00]*';

/**
 * Tokens a session's tools take in every request (the engine writes them into the prompt): found as
 * `count([u], tools) − count([u])` for an empty user message `u`.
 */
export async function toolsOverhead(
  kernel: KernelApi, pid: number, model: string, tools: readonly ToolDefinition[], params: JobParams = {}, signal?: AbortSignal,
): Promise<number> {
  if (!tools.length) return 0;
  const plain = await countTokens(kernel, pid, model, [EMPTY_USER], params, signal);
  return Math.max(0, await countTokens(kernel, pid, model, [EMPTY_USER], params, signal, false, tools) - plain);
}

/** An empty user message: the probe the overhead and trailing-assistant measurements are found with. */
const EMPTY_USER: ChatMessage = { role: 'user', content: '' };
const overheads = new WeakMap<KernelApi, Map<string, Promise<number>>>();

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || e instanceof AbortError || (e instanceof DOMException && e.name === 'AbortError');
}

/**
 * Tokens every request for `model` costs once, whatever its messages: the beginning-of-sequence token,
 * any preamble the template adds, and the assistant header that opens the reply. Found as
 * `2·count([u]) − count([u, u])` for an empty user message `u`, once per kernel and model. A template
 * that refuses two user messages in a row gives 0 (each measurement then includes the overhead).
 * `fresh` runs the first count even when cached (which also makes the model resident).
 */
export function templateOverhead(
  kernel: KernelApi, pid: number, model: string, params: JobParams = {}, signal?: AbortSignal, fresh = false,
): Promise<number> {
  let byModel = overheads.get(kernel);
  if (!byModel) overheads.set(kernel, byModel = new Map());
  const known = byModel.get(model);
  if (known && !fresh) return known;
  const found = (async () => {
    const one = await countTokens(kernel, pid, model, [EMPTY_USER], params, signal, fresh);
    try {
      const two = await countTokens(kernel, pid, model, [EMPTY_USER, EMPTY_USER], params, signal);
      return Math.max(0, 2 * one - two);
    } catch (e) {
      if (isAbort(e, signal)) throw e;
      return 0;
    }
  })();
  byModel.set(model, found);
  // A failed or aborted attempt is not remembered: the next session tries again.
  found.catch(() => { if (byModel.get(model) === found) byModel.delete(model); });
  return found;
}

/**
 * The tokens `messages` add to a conversation of `model` (see the file comment): `count − overhead`,
 * or, when they end with an assistant message, `count(messages + empty user) − count(empty user)`
 * (falling back to the plain form if the template refuses that). Never negative; 0 for no messages.
 */
export async function measureMessages(
  kernel: KernelApi, pid: number, model: string, messages: ChatMessage[], params: JobParams = {}, signal?: AbortSignal,
): Promise<number> {
  if (messages.length === 0) return 0;
  const overhead = await templateOverhead(kernel, pid, model, params, signal);
  if (messages.at(-1)!.role === 'assistant') {
    try {
      const closed = await countTokens(kernel, pid, model, [...messages, EMPTY_USER], params, signal);
      const probe = await countTokens(kernel, pid, model, [EMPTY_USER], params, signal);
      return Math.max(0, closed - probe);
    } catch (e) {
      if (isAbort(e, signal)) throw e;
    }
  }
  return Math.max(0, (await countTokens(kernel, pid, model, messages, params, signal)) - overhead);
}
