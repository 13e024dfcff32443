import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { AbortError, ModelNotLoadedError } from '../../errors';
import type { ChatMessage, GenerateRequest, GenerateResult } from '../../engines/engine';
import { themeStyles } from '../shared/theme.styles';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { LlmosDoneEvent, LlmosErrorEvent, LlmosTokenEvent } from '../shared/generation-events';
import type { ChatBackend } from './chat-backend';
import { renderMarkdown } from './render-markdown';
import { chatStyles } from './llmos-chat.styles';

/** One message as the chat shows it. */
export interface ChatEntry {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  /** `streaming` while tokens arrive; `done` after a result (any stop reason); `error` on failure. */
  state: 'streaming' | 'done' | 'error';
  result?: GenerateResult;
  error?: ErrorWords;
}

const STOP_WORDS: Record<GenerateResult['stopReason'], string> = {
  stop: 'Finished',
  length: 'Reached the token limit',
  abort: 'Stopped',
  interrupt: 'Interrupted',
};

/** "Finished · 16 tokens · 45.2 tok/s · TTFT 120 ms" */
export function describeResult(r: GenerateResult): string {
  const u = r.usage;
  const parts = [STOP_WORDS[r.stopReason], `${u.completionTokens} token${u.completionTokens === 1 ? '' : 's'}`];
  if (u.decodeTokensPerSec > 0) parts.push(`${u.decodeTokensPerSec.toFixed(1)} tok/s`);
  if (u.completionTokens > 0) parts.push(`TTFT ${Math.round(u.ttftMs)} ms`);
  return parts.join(' · ');
}

/**
 * A chat window over any {@link ChatBackend}: a message list, a prompt box, Send and Stop. The reply
 * streams in token by token; assistant text is rendered as markdown, sanitised (model output never
 * becomes live HTML); the finished state (stop reason, tokens, tokens/s, TTFT) and typed errors are
 * shown in words.
 *
 * @summary Streaming chat with sanitised markdown, Stop, and errors in words.
 *
 * @slot empty - Shown while there are no messages (defaults to a short hint).
 *
 * @event llmos-token - `LlmosTokenEvent`: one streamed token; `detail.text` is the reply so far.
 * @event llmos-done - `LlmosDoneEvent`: a reply finished; `detail.result` has stop reason and usage.
 * @event llmos-error - `LlmosErrorEvent`: a reply failed; `detail.error` is an `LlmOsError` with a `code`.
 *
 * @csspart log - The message list; a polite live region (`role="log"`).
 * @csspart message - Every message (also `message-user` or `message-assistant`).
 * @csspart content - The text of a message (sanitised markdown for the assistant).
 * @csspart meta - The finished-state line under an assistant reply.
 * @csspart error - An error shown in words.
 * @csspart form - The input row.
 * @csspart input - The prompt textarea.
 * @csspart send - The Send button.
 * @csspart stop - The Stop button.
 *
 * @cssproperty --llmos-accent - Accent colour (buttons, user bubbles, focus). Default: blue, per scheme.
 * @cssproperty --llmos-bg - Background. @cssproperty --llmos-fg - Text colour.
 * @cssproperty --llmos-surface - Assistant bubble and code background.
 * @cssproperty --llmos-border - Borders. @cssproperty --llmos-muted - Secondary text.
 * @cssproperty --llmos-danger - Error colour. @cssproperty --llmos-radius - Corner radius (10px).
 * @cssproperty --llmos-font - Font family. @cssproperty --llmos-mono - Code font family.
 */
export class LlmosChat extends LitElement {
  static override styles = [themeStyles, chatStyles];
  static override properties = {
    backend: { attribute: false },
    system: { type: String },
    maxTokens: { type: Number, attribute: 'max-tokens' },
    params: { attribute: false },
    placeholder: { type: String },
    busy: { type: Boolean, reflect: true },
    entries: { state: true },
    notice: { state: true },
  };

  /** Where replies come from; `null` until a model is loaded (Send then explains in words). */
  declare backend: ChatBackend | null;
  /** System prompt, sent first with every request (attribute `system`). */
  declare system: string;
  /** Token limit per reply (attribute `max-tokens`, default 256). */
  declare maxTokens: number;
  /**
   * Extra generation parameters merged into every request (temperature, logitBias, ignoreEos, …).
   * `messages` and `maxTokens` always come from the chat itself.
   */
  declare params: Partial<GenerateRequest>;
  /** Placeholder of the prompt box. */
  declare placeholder: string;
  /** True while a reply is being generated (reflected as the `busy` attribute). */
  declare busy: boolean;
  /** @internal */ declare entries: ChatEntry[];
  /** An error not tied to a reply (e.g. Send without a model). @internal */ declare notice: ErrorWords | null;

  private ctrl: AbortController | null = null;
  private nextId = 1;
  /** Follow the stream only while the reader is at the bottom; scrolling up to read stops the follow. */
  private stickToBottom = true;
  private rendered = new WeakMap<ChatEntry, { source: string; fragment: DocumentFragment }>();

  constructor() {
    super();
    this.backend = null;
    this.system = '';
    this.maxTokens = 256;
    this.params = {};
    this.placeholder = 'Ask something…';
    this.busy = false;
    this.entries = [];
    this.notice = null;
  }

  /** The conversation as chat messages (finished, non-empty turns; no system prompt). */
  get messages(): ChatMessage[] {
    return this.entries
      .filter((e) => e.role === 'user' || (e.state !== 'streaming' && e.content !== ''))
      .map((e) => ({ role: e.role, content: e.content }));
  }

  /**
   * Send a prompt (the text box's content when `text` is omitted) and stream the reply. Resolves with
   * the result, or `null` when nothing was sent or the reply failed (the error is shown and fired).
   */
  async send(text?: string): Promise<GenerateResult | null> {
    const box = this.textarea;
    const content = (text ?? box?.value ?? '').trim();
    if (!content || this.busy) return null;
    const backend = this.backend;
    if (!backend) {
      this.notice = errorWords(new ModelNotLoadedError('The chat has no model to talk to yet.'));
      this.dispatchEvent(new LlmosErrorEvent({ error: this.notice.error }));
      return null;
    }
    if (box && text === undefined) box.value = '';
    this.notice = null;
    const history = this.messages;
    const user: ChatEntry = { id: this.nextId++, role: 'user', content, state: 'done' };
    const reply: ChatEntry = { id: this.nextId++, role: 'assistant', content: '', state: 'streaming' };
    this.entries = [...this.entries, user, reply];
    const messages: ChatMessage[] = [
      ...(this.system ? [{ role: 'system' as const, content: this.system }] : []),
      ...history,
      { role: 'user', content },
    ];
    const request: GenerateRequest = { ...this.params, messages, maxTokens: this.maxTokens };
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.busy = true;
    try {
      const result = await backend.generate(request, (token) => {
        reply.content += token.text;
        this.requestUpdate('entries');
        this.dispatchEvent(new LlmosTokenEvent({ token, text: reply.content }));
      }, ctrl.signal);
      if (!reply.content && result.text) reply.content = result.text;
      reply.state = 'done';
      reply.result = result;
      this.dispatchEvent(new LlmosDoneEvent({ result }));
      return result;
    } catch (err) {
      const words = errorWords(err);
      reply.state = 'error';
      reply.error = words;
      this.dispatchEvent(new LlmosErrorEvent({ error: words.error }));
      return null;
    } finally {
      if (this.ctrl === ctrl) this.ctrl = null;
      this.busy = false;
      this.requestUpdate('entries');
    }
  }

  /** Stop the reply in progress (it ends with stop reason `abort`). No-op when idle. */
  stop(): void {
    this.ctrl?.abort(new AbortError('Stopped by the user'));
  }

  /** Forget the conversation (stops a reply in progress first). */
  clear(): void {
    this.stop();
    this.entries = [];
    this.notice = null;
  }

  private get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('textarea') ?? null;
  }

  private onKeydown(ev: KeyboardEvent): void {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing.
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      void this.send();
    }
  }

  private onSubmit(ev: SubmitEvent): void {
    ev.preventDefault();
    void this.send();
  }

  private markdown(entry: ChatEntry): DocumentFragment {
    // Lit inserts a fragment once; hand it the same object until the text changes.
    const cached = this.rendered.get(entry);
    if (cached && cached.source === entry.content) return cached.fragment;
    const fragment = renderMarkdown(entry.content);
    this.rendered.set(entry, { source: entry.content, fragment });
    return fragment;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // "Load a model first" no longer applies once a model is there.
    if (changed.has('backend') && this.backend && this.notice?.code === 'MODEL_NOT_LOADED') this.notice = null;
    if (changed.has('entries')) {
      const log = this.renderRoot?.querySelector('[part~="log"]');
      this.stickToBottom = !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    }
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('[part~="log"]');
    if (log && this.stickToBottom) log.scrollTop = log.scrollHeight;
  }

  private renderEntry(e: ChatEntry) {
    const body = e.role === 'user'
      ? html`<div part="content" class="content plain">${e.content}</div>`
      : html`<div part="content" class="content markdown">${this.markdown(e)}${e.state === 'streaming' ? html`<span class="caret" aria-hidden="true"></span>` : nothing}</div>`;
    return html`
      <article part="message message-${e.role}" class="message ${e.role}" data-state=${e.state}
        aria-label=${e.role === 'user' ? 'You' : 'Assistant'}>
        ${body}
        ${e.result ? html`<p part="meta" class="meta" data-stop-reason=${e.result.stopReason}>${describeResult(e.result)}</p>` : nothing}
        ${e.error ? this.renderError(e.error) : nothing}
      </article>`;
  }

  private renderError(w: ErrorWords) {
    // A Stop that surfaces as an AbortError is not a failure: say so quietly.
    const aborted = w.code === 'ABORTED';
    return html`<p part="error" class="error ${aborted ? 'aborted' : ''}" role=${aborted ? 'status' : 'alert'} data-code=${w.code}>
      <strong>${w.words}</strong> <span class="detail">${w.message} <code>${w.code}</code></span></p>`;
  }

  protected override render() {
    return html`
      <div part="log" class="log" role="log" aria-live="polite" aria-relevant="additions text" aria-label="Conversation"
        tabindex="0">
        ${this.entries.length === 0
          ? html`<div class="empty"><slot name="empty">Load a model, then ask something. Replies stream in as they are generated.</slot></div>`
          : repeat(this.entries, (e) => e.id, (e) => this.renderEntry(e))}
      </div>
      ${this.notice ? this.renderError(this.notice) : nothing}
      <form part="form" class="form" @submit=${this.onSubmit}>
        <label class="visually-hidden" for="prompt">Message</label>
        <textarea id="prompt" part="input" rows="2" placeholder=${this.placeholder} @keydown=${this.onKeydown}
          aria-describedby="hint"></textarea>
        <div class="actions">
          <button part="send" class="primary" type="submit" ?disabled=${this.busy}>Send</button>
          <button part="stop" type="button" ?disabled=${!this.busy} @click=${() => this.stop()}>Stop</button>
        </div>
        <span id="hint" class="visually-hidden">Enter sends; Shift+Enter adds a new line.</span>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-chat': LlmosChat;
  }
}
