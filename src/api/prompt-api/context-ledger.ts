/**
 * The context accounting of one Prompt API session: the initial prompts (never dropped), then turns
 * (what one `prompt()` or `append()` added: its input messages, and the reply of a prompt), each with
 * the tokens it uses. When new input does not fit, the oldest turns are dropped, one at a time, until
 * it does (the explainer's overflow rule); if it cannot fit even with every turn dropped, the session
 * is left untouched and the caller gets a `QuotaExceededError`.
 *
 * Every figure here is a measurement in the sense of `measureMessages()` (token-counter.ts): what the
 * messages add to a conversation, the template's once-per-request overhead left out (it is taken off
 * the context window instead). Measurements add up, so `usage` — the sum of the parts — agrees with
 * measuring the parts one by one (`measureContextUsage()` of the prompt plus that of the reply), and it
 * is also exactly what the engine will hold: overhead + usage ≤ the model's allocated context.
 */
import type { ChatMessage } from '../../protocol/engine';
import { quotaExceeded } from './prompt-errors';

/** What one prompt or append added. */
export interface Turn {
  messages: ChatMessage[];
  usage: number;
}

/** @internal */
export class ContextLedger {
  constructor(
    /** The context window, tokens: the model's allocated context less the template overhead (or less, as configured). */
    readonly window: number,
    readonly initial: readonly ChatMessage[],
    readonly initialUsage: number,
    private turns: Turn[] = [],
  ) {}

  /** Tokens in use: initial prompts plus every kept turn. */
  get usage(): number {
    return this.turns.reduce((n, t) => n + t.usage, this.initialUsage);
  }

  /** Whether the session holds any message (a system message is then out of place). */
  get hasMessages(): boolean {
    return this.initial.length > 0 || this.turns.length > 0;
  }

  /** The conversation so far, as the model sees it. */
  messages(): ChatMessage[] {
    return [...this.initial, ...this.turns.flatMap((t) => t.messages)];
  }

  /**
   * Make room for `requested` more tokens, plus `reserve` (a prompt keeps one token of room for its
   * reply). Returns how many turns were dropped (the caller fires `contextoverflow` when that is more
   * than 0); throws `QuotaExceededError` and drops nothing when even the initial prompts plus the input
   * exceed the window. Its `requested` is, as the draft spec has it, the usage now plus the input.
   */
  fit(requested: number, reserve = 0): number {
    if (this.initialUsage + requested + reserve > this.window) {
      throw quotaExceeded(
        `The input needs ${requested} tokens but the context window has ${this.window - this.initialUsage} left after the initial prompts`,
        this.usage + requested, this.window,
      );
    }
    let dropped = 0;
    while (this.usage + requested + reserve > this.window && this.turns.length) {
      this.turns.shift();
      dropped++;
    }
    return dropped;
  }

  /** Record a turn. */
  add(turn: Turn): void {
    this.turns.push({ messages: turn.messages, usage: Math.max(0, turn.usage) });
  }

  /** An independent copy (for `clone()`). */
  clone(): ContextLedger {
    return new ContextLedger(this.window, this.initial, this.initialUsage, this.turns.map((t) => ({ messages: [...t.messages], usage: t.usage })));
  }
}
