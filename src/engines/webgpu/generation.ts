/**
 * One generation on a loaded `GpuLlama`: reuse the KV cache for the prompt prefix it already holds,
 * prefill the rest, then sample / stream / decode token by token until a stop condition. Stop
 * conditions: end-of-generation token (unless `ignoreEos`), a stop string, `maxTokens` (plus
 * `replayTokens`: a replayed run regenerates those, and `EngineHost` swallows them), a full context,
 * or the caller's abort (checked at every token boundary).
 */
import { GenerationError } from '../../errors';
import type { GenerateRequest, StopReason, TokenEvent } from '../../protocol/engine';
import type { GpuLlama } from './gpu-llama';
import { Sampler } from './sampler';
import { TextStream } from './text-stream';
import type { Tokenizer } from './tokenizer';

export interface GenerationContext {
  model: GpuLlama;
  tokenizer: Tokenizer;
  lost: Promise<never>;
  /** Tokens whose keys and values are in the GPU cache at positions 0…n-1 (updated as we go). */
  cached: number[];
}

export interface GenerationOutcome {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  completionTokens: number;
  /** `performance.now()` of the first delivered token, or null. */
  tFirst: number | null;
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
  const { model, tokenizer } = ctx;
  const nCtx = model.nCtx;
  if (prompt.length === 0) throw new GenerationError('The prompt is empty after tokenisation', {});
  if (prompt.length >= nCtx) {
    throw new GenerationError(`The prompt has ${prompt.length} tokens; the context holds ${nCtx}`, { promptTokens: prompt.length, nCtx });
  }
  const maxTokens = (req.maxTokens ?? 256) + (req.replayTokens ?? 0);
  const sampler = new Sampler({
    temperature: req.temperature ?? 0,
    topK: req.topK ?? 40,
    topP: req.topP ?? 0.95,
    seed: req.seed,
    bias: req.logitBias,
    banned: req.ignoreEos ? tokenizer.eog : [],
  });
  const stream = new TextStream(req.stop ?? []);
  if (aborted()) return { text: '', stopReason: 'abort', promptTokens: prompt.length, completionTokens: 0, tFirst: null };

  const reuse = Math.min(commonPrefix(ctx.cached, prompt), prompt.length - 1);
  ctx.cached.length = reuse;
  let logits = await model.forward(prompt.slice(reuse), reuse, ctx.lost);
  ctx.cached.push(...prompt.slice(reuse));

  let text = '';
  let index = 0;
  let produced = 0;
  let tFirst: number | null = null;
  let stopReason: StopReason;
  const deliver = (piece: string) => {
    tFirst ??= performance.now();
    text += piece;
    onToken({ text: piece, index: index++ });
  };
  for (;;) {
    if (aborted()) { stopReason = 'abort'; break; }
    const token = sampler.sample(logits);
    if (!req.ignoreEos && tokenizer.eog.has(token)) { stopReason = 'stop'; break; }
    produced++;
    deliver(stream.push(tokenizer.tokenBytes(token)));
    if (stream.stopped) { stopReason = 'stop'; break; }
    if (produced >= maxTokens || ctx.cached.length >= nCtx) { stopReason = 'length'; break; }
    logits = await model.forward([token], ctx.cached.length, ctx.lost);
    ctx.cached.push(token);
  }
  if (stopReason !== 'abort') {
    const rest = stream.flush();
    if (rest) deliver(rest);
  }
  return { text, stopReason, promptTokens: prompt.length, completionTokens: produced, tFirst };
}
