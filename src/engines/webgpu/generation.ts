/**
 * One generation on one sequence of a loaded `GpuLlama`: reuse the sequence's KV cache for the prompt prefix it already holds,
 * prefill the rest, then sample / stream / decode token by token until a stop condition. Stop
 * conditions: end-of-generation token (unless `ignoreEos`), a stop string, `maxTokens` (plus
 * `replayTokens`: a replayed run regenerates those, and `EngineHost` swallows them), a full context,
 * or the caller's abort (checked at every token boundary). A resumed run (`resume`) arrives with the
 * earlier output already in `prompt`: the cache usually still holds it, so resuming costs one forward pass.
 * Steps go through the `StepBatcher`, so generations on other sequences decode in the same GPU steps.
 */
import { GenerationError } from '../../errors';
import type { GenerateRequest, StopReason, TokenEvent, TokenLogprob, TokenLogprobs } from '../../protocol/engine';
import { Sampler, topKIndices } from './sampler';
import type { StepBatcher } from './step-batcher';
import { TextStream } from './text-stream';
import type { Tokenizer } from './tokenizer';

export interface GenerationContext {
  steps: StepBatcher;
  /** The model's context length (per sequence). */
  nCtx: number;
  /** The sequence (KV cache) this generation owns while it runs. */
  seq: number;
  tokenizer: Tokenizer;
  /** Tokens whose keys and values are in the sequence's cache at positions 0…n-1 (updated as we go). */
  cached: number[];
}

export interface GenerationOutcome {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  /** Of `promptTokens`, those whose keys and values were already in the cache (not evaluated again). */
  cachedTokens: number;
  completionTokens: number;
  /** `performance.now()` of the first delivered token, or null. */
  tFirst: number | null;
}

const decoder = new TextDecoder();

/**
 * The log probability of `token` under `logits` (a log-softmax at temperature 1) and the `k` most
 * likely tokens, as llama.cpp reports them with `n_probs`.
 */
export function tokenLogprobs(logits: Float32Array, token: number, k: number, tokenizer: Pick<Tokenizer, 'tokenBytes'>): TokenLogprobs {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const entry = (id: number): TokenLogprob => {
    const bytes = tokenizer.tokenBytes(id, true);
    const lp = logits[id]! - lse;
    return { token: decoder.decode(bytes), logprob: Number.isFinite(lp) ? Math.min(0, lp) : -9999, bytes: [...bytes] };
  };
  return { ...entry(token), top: k > 0 ? topKIndices(logits, Math.min(k, logits.length)).map(entry) : [] };
}

function commonPrefix(a: number[], b: number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export async function runGeneration(
  ctx: GenerationContext, prompt: number[], req: GenerateRequest, onToken: (t: TokenEvent) => void,
  aborted: () => boolean,
): Promise<GenerationOutcome> {
  const { steps, tokenizer, seq, nCtx } = ctx;
  if (prompt.length === 0) throw new GenerationError('The prompt is empty after tokenisation', {});
  if (prompt.length >= nCtx) {
    throw new GenerationError(`The prompt has ${prompt.length} tokens; the context holds ${nCtx}`, { promptTokens: prompt.length, nCtx });
  }
  // No limit: until the end of the text or a full context (checked below).
  const maxTokens = req.maxTokens === undefined ? Infinity : req.maxTokens + (req.replayTokens ?? 0);
  const sampler = new Sampler({
    temperature: req.temperature ?? 0,
    topK: req.topK ?? 40,
    topP: req.topP ?? 0.95,
    seed: req.seed,
    bias: req.logitBias,
    banned: req.ignoreEos ? tokenizer.eog : [],
    presencePenalty: req.presencePenalty,
    frequencyPenalty: req.frequencyPenalty,
  });
  const stream = new TextStream(req.stop ?? []);
  if (aborted()) return { text: '', stopReason: 'abort', promptTokens: prompt.length, cachedTokens: 0, completionTokens: 0, tFirst: null };

  const reuse = Math.min(commonPrefix(ctx.cached, prompt), prompt.length - 1);
  ctx.cached.length = reuse;
  let logits = await steps.prefill(seq, prompt.slice(reuse), reuse);
  ctx.cached.push(...prompt.slice(reuse));

  let text = '';
  let index = 0;
  let produced = 0;
  let tFirst: number | null = null;
  let stopReason: StopReason;
  // Ids of tokens whose text the stream still holds back: they go with the event that completes it, so a
  // resumed run (`ResumeFrom.ids`) prefills exactly the tokens whose text its caller received.
  let pendingIds: number[] = [];
  const deliver = (piece: string, logprobs?: TokenLogprobs[]) => {
    tFirst ??= performance.now();
    text += piece;
    const ids = piece ? pendingIds : [];
    if (piece) pendingIds = [];
    const event: TokenEvent = { text: piece, index: index++, ...(ids.length ? { ids } : {}) };
    onToken(logprobs ? { ...event, logprobs } : event);
  };
  for (;;) {
    if (aborted()) { stopReason = 'abort'; break; }
    // The model's own distribution, before the sampler applies bias and bans to `logits` in place.
    const raw = req.logprobs !== undefined ? logits.slice() : null;
    const token = sampler.sample(logits);
    if (!req.ignoreEos && tokenizer.eog.has(token)) { stopReason = 'stop'; break; }
    produced++;
    pendingIds.push(token);
    const piece = stream.push(tokenizer.tokenBytes(token));
    if (raw) deliver(piece, [tokenLogprobs(raw, token, req.logprobs!, tokenizer)]);
    else deliver(piece);
    if (stream.stopped) { stopReason = 'stop'; break; }
    if (produced >= maxTokens || ctx.cached.length >= nCtx) { stopReason = 'length'; break; }
    logits = await steps.decode(seq, token, ctx.cached.length);
    ctx.cached.push(token);
  }
  if (stopReason !== 'abort') {
    const rest = stream.flush();
    if (rest) deliver(rest);
  }
  return { text, stopReason, promptTokens: prompt.length, cachedTokens: reuse, completionTokens: produced, tFirst };
}
