/**
 * Token counts for the Prompt API polyfill's context accounting. The engine interface has no
 * tokenizer call (and adding one would need a kernel job type of its own), so a count is a one-token
 * generation of the caller's process: the engine reports how many tokens the chat-templated messages
 * took (`usage.promptTokens`, prompt-cache hits included). The count therefore includes the
 * template's control tokens and the assistant header that opens the reply — the explainer asks for
 * control tokens to be counted. Counts are cached per kernel and model (the same messages always
 * template to the same tokens), so measuring a prompt and then sending it costs one count. Messages
 * longer than the model's whole context cannot be run; llama.cpp's refusal names their length, which
 * is the count. Images (`ChatMessage.images`) are counted the same way — as many tokens as the engine
 * reports for them (for a LLaVA-style projector: its image embeddings plus the begin/end markers) — and
 * are part of the cache key by fingerprint.
 */
import { AbortError, GenerationError } from '../../errors';
import type { ChatMessage } from '../../protocol/engine';
import type { Kernel } from '../../kernel/kernel';
import type { JobParams } from '../../kernel/types';

const CACHE_LIMIT = 512;
/** llama.cpp's refusal of a prompt longer than the context, e.g. "request (319 tokens) exceeds the available context size (256 tokens)". */
const TOO_LONG = /request \((\d+) tokens\) exceeds the available context size/;
const caches = new WeakMap<Kernel, Map<string, Map<string, number>>>();

function cacheFor(kernel: Kernel, model: string): Map<string, number> {
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
  kernel: Kernel, pid: number, model: string, messages: ChatMessage[], params: JobParams = {}, signal?: AbortSignal,
  /** Run the job even when the count is cached (it then also makes the model resident). */
  fresh = false,
): Promise<number> {
  if (messages.length === 0) return 0;
  const cache = cacheFor(kernel, model);
  const key = JSON.stringify(messages.map((m) => (m.images?.length ? [m.role, m.content, m.images.map(fingerprint)] : [m.role, m.content])));
  const hit = fresh ? undefined : cache.get(key);
  if (hit !== undefined) {
    // Refresh its place: the cache drops the least recently used counts first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // Sampling does not matter for one token, but a grammar or `ignoreEos` could make it fail.
  const { grammar: _g, jsonSchema: _s, jsonMode: _j, regexp: _r, ignoreEos: _e, ...rest } = params;
  const handle = kernel.submit({ pid, model, messages, params: { ...rest, maxTokens: 1 }, ...(signal ? { signal } : {}) });
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
