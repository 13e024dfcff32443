/**
 * The context accounting of one Prompt API session: the initial prompts (never dropped), then turns
 * (what one `prompt()` or `append()` added: its input messages, and the reply of a prompt), each with
 * the tokens it uses. When new input does not fit, the oldest turns are dropped, one at a time, until
 * it does (the explainer's overflow rule); if it cannot fit even with every turn dropped, the session
 * is left untouched and the caller gets a `QuotaExceededError`.
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
    /** The context window, tokens. */
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
   * Make room for `requested` more tokens. Returns how many turns were dropped (the caller fires
   * `contextoverflow` when that is more than 0); throws `QuotaExceededError` and drops nothing when
   * even the initial prompts plus the input exceed the window.
   */
  fit(requested: number): number {
    if (this.initialUsage + requested > this.window) {
      throw quotaExceeded(
        `The input needs ${requested} tokens but the context window has ${this.window - this.initialUsage} left after the initial prompts`,
        this.usage + requested, this.window,
      );
    }
    let dropped = 0;
    while (this.usage + requested > this.window && this.turns.length) {
      this.turns.shift();
      dropped++;
    }
    return dropped;
  }

  /** Record a turn. */
  add(turn: Turn): void {
    this.turns.push({ messages: turn.messages, usage: Math.max(0, turn.usage) });
  }

  /**
   * Correct the estimate with a real count: the engine reported `total` tokens for the whole
   * conversation including the last turn, which absorbs the difference.
   */
  correctTotal(total: number): void {
    const last = this.turns.at(-1);
    if (!last || !Number.isFinite(total) || total <= 0) return;
    last.usage = Math.max(0, last.usage + (total - this.usage));
  }

  /** An independent copy (for `clone()`). */
  clone(): ContextLedger {
    return new ContextLedger(this.window, this.initial, this.initialUsage, this.turns.map((t) => ({ messages: [...t.messages], usage: t.usage })));
  }
}
