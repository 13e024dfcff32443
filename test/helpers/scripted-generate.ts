/**
 * TEST DOUBLE — not a model. `scriptedGenerate` is a `Generate` function that answers each call with
 * the next scripted reply (text, a function of the request, or an error to throw), and records every
 * call. It exists so the extraction happy path can be tested deterministically; the real-model tests use
 * the fixture GGUF through an engine worker instead.
 */
import { makeUsage, type GenerateRequest, type GenerateResult } from '../../src/protocol/engine';
import { AbortError } from '../../src/errors';
import type { ExtractionJobMeta, Generate } from '../../src/knowledge/extract';

/** One scripted reply. */
export type ScriptedReply = string | Error | ((request: GenerateRequest) => string);

/** A recorded call. */
export interface ScriptedCall {
  request: GenerateRequest;
  meta: ExtractionJobMeta | undefined;
}

/** A scripted `Generate` plus what it saw. */
export type ScriptedGenerate = Generate & { readonly calls: ScriptedCall[]; readonly remaining: number };

/**
 * Build a scripted generator. Replies are used in order; when they run out, every further call fails
 * (a test that makes more calls than it scripted is wrong and should say so).
 */
export function scriptedGenerate(replies: ScriptedReply[]): ScriptedGenerate {
  const queue = [...replies];
  const calls: ScriptedCall[] = [];
  const fn = async (request: GenerateRequest, signal?: AbortSignal, meta?: ExtractionJobMeta): Promise<GenerateResult> => {
    calls.push({ request: structuredClone(request), meta });
    if (signal?.aborted) throw new AbortError('Aborted (scripted)', {});
    const reply = queue.shift();
    if (reply === undefined) throw new Error(`scriptedGenerate: no reply scripted for call ${calls.length}`);
    if (reply instanceof Error) throw reply;
    const text = typeof reply === 'function' ? reply(request) : reply;
    const t = performance.now();
    return { text, stopReason: 'stop', usage: makeUsage(t, t, t, 1, Math.max(1, Math.ceil(text.length / 4))) };
  };
  return Object.defineProperties(fn, {
    calls: { get: () => calls },
    remaining: { get: () => queue.length },
  }) as ScriptedGenerate;
}
