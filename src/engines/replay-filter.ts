/**
 * Resuming a preempted generation by replaying it (`replayPrefix` / `replayTokens`, see `GenerateRequest`),
 * done once for every engine by `EngineHost`. The engine regenerates the whole run and reports every token;
 * this filter swallows the text that was already delivered before the preemption, fails with
 * `ReplayDivergedError` where the regenerated text differs from it, and passes the rest on, re-indexed from 0.
 * A token event's log probabilities (`TokenEvent.logprobs`) are swallowed or passed on with its text.
 */
import { ReplayDivergedError } from '../errors';
import { makeUsage, type GenerateRequest, type GenerateResult, type TokenEvent } from '../protocol/engine';

export class ReplayFilter {
  private rest: string;
  private index = 0;
  private text = '';
  private tFirst: number | null = null;
  private readonly t0 = performance.now();

  private constructor(private readonly replayTokens: number, prefix: string, private readonly onToken: (t: TokenEvent) => void) {
    this.rest = prefix;
  }

  /** A filter for `request`, or null when it replays nothing (tokens then go straight to `onToken`). */
  static for(request: GenerateRequest, onToken: (t: TokenEvent) => void): ReplayFilter | null {
    const prefix = request.replayPrefix ?? '';
    const tokens = request.replayTokens ?? 0;
    return prefix || tokens > 0 ? new ReplayFilter(tokens, prefix, onToken) : null;
  }

  /** One token of the engine; throws `ReplayDivergedError` (which stops the engine) on a divergence. */
  readonly push = (t: TokenEvent): void => {
    let piece = t.text;
    if (this.rest) {
      const n = Math.min(this.rest.length, piece.length);
      if (piece.slice(0, n) !== this.rest.slice(0, n)) {
        throw new ReplayDivergedError('Replay diverged from the preempted generation', { expected: this.rest.slice(0, n), got: piece.slice(0, n) });
      }
      this.rest = this.rest.slice(n);
      piece = piece.slice(n);
      if (!piece) return; // all of it was delivered before the preemption
    }
    this.tFirst ??= performance.now();
    this.text += piece;
    // Log probabilities go with the text: dropped with an event delivered before the preemption, kept
    // with one that carries new text (the same tokens as in the first run, so none is reported twice).
    this.onToken(t.logprobs ? { text: piece, index: this.index++, logprobs: t.logprobs } : { text: piece, index: this.index++ });
  };

  /**
   * The engine's result for the whole run → the result of the resumed part: the text passed on, the
   * replayed tokens taken out of `completionTokens` (at least the tokens passed on remain), time to
   * first token counted to the first new token.
   */
  result(r: GenerateResult): GenerateResult {
    const completion = Math.max(0, r.usage.completionTokens - this.replayTokens) || this.index;
    return { ...r, text: this.text, usage: makeUsage(this.t0, this.tFirst, performance.now(), r.usage.promptTokens, completion) };
  }
}
