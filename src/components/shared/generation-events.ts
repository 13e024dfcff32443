/**
 * Events fired by elements that generate text (`<llmos-chat>` now, `<llmos-prompt>` later). All bubble
 * and are composed, so a page can listen on `document`.
 */
import type { LlmOsError } from '../../errors';
import type { ChatMessage, GenerateResult, TokenEvent } from '../../protocol/engine';

/** One streamed token. `text` is the whole reply so far. */
export class LlmosTokenEvent extends Event {
  static readonly type = 'llmos-token';
  constructor(readonly detail: { token: TokenEvent; text: string }) {
    super(LlmosTokenEvent.type, { bubbles: true, composed: true });
  }
}

/** A reply finished: `stopReason` is `stop`, `length`, `abort` (Stop) or `interrupt`. */
export class LlmosDoneEvent extends Event {
  static readonly type = 'llmos-done';
  constructor(readonly detail: { result: GenerateResult }) {
    super(LlmosDoneEvent.type, { bubbles: true, composed: true });
  }
}

/** A reply failed with a typed error (`detail.error.code`, e.g. `GENERATION_FAILED`). */
export class LlmosErrorEvent extends Event {
  static readonly type = 'llmos-error';
  constructor(readonly detail: { error: LlmOsError }) {
    super(LlmosErrorEvent.type, { bubbles: true, composed: true });
  }
}

/** The transcript changed: a message was sent, a token arrived, a reply ended, a conversation was loaded. */
export class LlmosMessagesChangeEvent extends Event {
  static readonly type = 'llmos-messages-change';
  constructor(readonly detail: { messages: (ChatMessage & { images?: string[] })[]; streaming: boolean }) {
    super(LlmosMessagesChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'llmos-token': LlmosTokenEvent;
    'llmos-done': LlmosDoneEvent;
    'llmos-error': LlmosErrorEvent;
    'llmos-messages-change': LlmosMessagesChangeEvent;
  }
}
