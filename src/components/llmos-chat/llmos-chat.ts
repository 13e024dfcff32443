import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { AbortError, ModelNotLoadedError } from '../../errors';
import { ImageAttachments } from './image-attachments';
import type { GenerateRequest, GenerateResult } from '../../protocol/engine';
import type { RunnableTool } from '../../api/tool-loop';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import { themeStyles } from '../shared/theme.styles';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { LlmosDoneEvent, LlmosErrorEvent, LlmosMessagesChangeEvent } from '../shared/generation-events';
import { KernelBackendController } from '../shared/kernel-backend-controller';
import type { ChatBackend } from './chat-backend';
import { MarkdownCache } from './render-markdown';
import { canDictate, canSpeak } from './speech';
import { VoiceController } from './voice-controller';
import {
  describeResult, renderActions, renderAttachments, renderComposerExtras, renderComputedOn, renderError, renderImageViewer, renderPendingImages, renderToolCalls,
} from './chat-parts';
import { entriesOf, generateReply, toMessages, type ChatEntry, type ChatMessageWithImages } from './chat-reply';
import { chatExtraStyles, chatStyles } from './llmos-chat.styles';

export { describeResult } from './chat-parts';
export type { ToolCallView } from './chat-tools';
export type { ChatEntry, ChatMessageWithImages } from './chat-reply';
export type { RunnableTool } from '../../api/tool-loop';

/**
 * A chat window over any {@link ChatBackend}: a message list, a prompt box, Send and Stop. The reply
 * streams in token by token; assistant text is rendered as markdown, sanitised (model output never
 * becomes live HTML); the finished state (stop reason, tokens, tokens/s, TTFT) and typed errors are
 * shown in words. Each reply can be copied, read aloud (`speechSynthesis`, where present) and the last
 * one regenerated; dictation (Web Speech API) appears only where the browser has it, and image
 * attachment only when `accepts-images` is set: pick files, paste or drop images; each is decoded by the
 * browser and scaled down to what a model sees (`imageFileToDataUrl`) before it is shown or sent. Without
 * `accepts-images` the backend gets the conversation without its images (a text-only model cannot see them).
 * With `tools` set, the model may call them: each call runs on the page and shows as a collapsible card
 * (the tool's name and state; its arguments and result as text inside), and the calls and their results
 * stay in the conversation.
 * Replies come from `backend` when the page sets one; otherwise, with a `model` (a registered model id or
 * a GGUF URL), the chat runs as its own process of the page's shared kernel (or of `kernel`), under
 * `app-id` and `priority` — so one script tag and one attribute are enough.
 *
 * @summary Streaming chat with sanitised markdown, Stop, regenerate, copy, read-aloud and dictation.
 *
 * @slot empty - Shown while there are no messages (defaults to a short hint).
 *
 * @event llmos-token - `LlmosTokenEvent`: one streamed token; `detail.text` is the reply so far.
 * @event llmos-done - `LlmosDoneEvent`: a reply finished; `detail.result` has stop reason and usage.
 * @event llmos-error - `LlmosErrorEvent`: a reply failed; `detail.error` is an `LlmOsError` with a `code`.
 * @event llmos-messages-change - `LlmosMessagesChangeEvent`: the transcript changed (send, every token, end, load).
 * @event llmos-request-load - `LlmosRequestLoadEvent` (cancelable): a reply needs a model that is not
 *   loaded; `preventDefault()` refuses the load (the reply fails with `PERMISSION_DENIED`).
 *
 * @csspart log - The message list; a polite live region (`role="log"`).
 * @csspart message - Every message (also `message-user` or `message-assistant`).
 * @csspart content - The text of a message (sanitised markdown for the assistant).
 * @csspart meta - The finished-state line under an assistant reply.
 * @csspart computed-on - The badge of a finished reply saying where it was computed: "on this device" or
 *   "on server {name}" (from the result's `computedOn`, this device when the backend says nothing;
 *   `data-computed-on` is `device` or `server`). A reply's entry in `messages` carries the `computedOn` its
 *   backend reported (never sent to a model), so a saved conversation shows its badges again after `load()`.
 * @csspart actions - The Copy / Read aloud / Regenerate buttons of a reply.
 * @csspart error - An error shown in words.
 * @csspart form - The input row.
 * @csspart input - The prompt textarea.
 * @csspart send - The Send button.
 * @csspart stop - The Stop button.
 * @csspart voice - The dictation button (only where the Web Speech API exists).
 * @csspart attach - The image attachment button (only with `accepts-images`).
 * @csspart pending - The images waiting to be sent, each with its remove button.
 * @csspart viewer - The dialog showing an attached image at full size.
 * @csspart tool-call - A tool-call card (`<details>`; `data-state` is `running`, `done`, `error` or `stopped`).
 * @csspart tool-arguments - The arguments of a tool call, as the model wrote them (JSON pretty-printed).
 * @csspart tool-result - The result of a tool call as the model got it back (an error's text for a failed call).
 *
 * @cssproperty --llmos-accent - Accent colour (buttons, user bubbles, focus). Default: blue, per scheme.
 * @cssproperty --llmos-accent-fg - Text on the accent colour (the Send button, user bubbles).
 * @cssproperty --llmos-bg - Background.
 * @cssproperty --llmos-fg - Text colour.
 * @cssproperty --llmos-surface - Assistant bubble and code background.
 * @cssproperty --llmos-border - Borders.
 * @cssproperty --llmos-muted - Secondary text.
 * @cssproperty --llmos-danger - Error colour.
 * @cssproperty --llmos-radius - Corner radius (10px).
 * @cssproperty --llmos-font - Font family.
 * @cssproperty --llmos-mono - Code font family.
 */
export class LlmosChat extends LitElement {
  static override styles = [themeStyles, chatStyles, chatExtraStyles];
  /** Where replies come from; `null` until a model is loaded (Send then explains in words). */
  @property({ attribute: false }) backend: ChatBackend | null = null;
  /** System prompt, sent first with every request (attribute `system`). */
  @property({ type: String }) system = '';
  /** Token limit per reply (attribute `max-tokens`, default 256). */
  @property({ type: Number, attribute: 'max-tokens' }) maxTokens = 256;
  /** Extra generation parameters merged into every request. `messages` and `maxTokens` come from the chat. */
  @property({ attribute: false }) params: Partial<GenerateRequest> = {};
  /** Placeholder of the prompt box (default: localised "Ask something…"). */
  @property({ type: String }) placeholder = '';
  /** True while a reply is being generated (reflected as the `busy` attribute). */
  @property({ type: Boolean, reflect: true }) busy = false;
  /** Show image attachment (set it only for models that accept images). */
  @property({ type: Boolean, attribute: 'accepts-images' }) acceptsImages = false;
  /** Language for dictation and read-aloud (default: the document's `lang`). */
  @property({ type: String, attribute: 'speech-lang' }) speechLang = '';
  /** Model id or GGUF URL (attribute `model`). */
  @property({ type: String }) model = '';
  /** App id of the element's process (attribute `app-id`, default: the page's origin). */
  @property({ type: String, attribute: 'app-id' }) appId = '';
  /** Priority class of the element's process (attribute `priority`, default `interactive`). */
  @property({ type: String }) priority: Priority | '' = '';
  /** A kernel instead of the page's shared one. */
  @property({ attribute: false }) kernel: KernelApi | null = null;
  /**
   * Tools the model may call (none by default): each a `RunnableTool` — a name, a description, a JSON
   * Schema of its arguments and an `execute(args)` that runs on the page. With tools, a reply runs the
   * tool loop (`runToolLoop`): every generation is one backend request with the tools offered; the calls
   * the model makes are checked against their schemas, run, shown as cards and fed back as `tool`
   * messages, until the model answers in text (that last generation streams as usual). A call that
   * fails — unknown tool, bad arguments, an `execute` that throws — is shown as failed and reported back
   * to the model, and the reply still ends in text. The calls and results stay in `messages`, so
   * follow-ups include them. `params.toolChoice` (`required` or `{name}`) applies to the first
   * generation of each reply only, later ones are `auto`; `params.parallelToolCalls` to all of them.
   * Generations with tools on offer never take `ignoreEos` (a reply with calls must be able to end).
   */
  @property({ attribute: false }) tools: RunnableTool[] = [];
  /**
   * Generations per reply that may call tools (attribute `max-tool-rounds`, default 4); one more
   * without tools then gives the answer in text.
   */
  @property({ type: Number, attribute: 'max-tool-rounds' }) maxToolRounds = 4;
  /** @internal */ @state() entries: ChatEntry[] = [];
  /** An error not tied to a reply (e.g. Send without a model). @internal */ @state() private notice: ErrorWords | null = null;
  /** @internal */ @state() images: string[] = [];
  /** The image shown full size, if any. @internal */ @state() viewing: { src: string; index: number } | null = null;
  /** @internal */ @state() private copied: number | null = null;

  private readonly attachments = new ImageAttachments({
    acceptsImages: () => this.acceptsImages,
    images: () => this.images,
    setImages: (v) => { this.images = v; },
    refuse: (err) => {
      this.notice = errorWords(err);
      this.dispatchEvent(new LlmosErrorEvent({ error: this.notice.error }));
    },
    clearNotice: () => { this.notice = null; },
    focusInput: () => this.textarea?.focus(),
  });
  private ctrl: AbortController | null = null;
  private nextId = 1;
  private readonly voice = new VoiceController(this, () => this.speechLang || document.documentElement.lang || navigator.language || 'en');
  /** Follow the stream only while the reader is at the bottom; scrolling up to read stops the follow. */
  private stickToBottom = true;
  private readonly rendered = new MarkdownCache<ChatEntry>();
  private readonly standalone = new KernelBackendController(this);
  private auto: ChatBackend | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /**
   * The conversation as chat messages (finished, non-empty turns; no system prompt). A reply that called
   * tools contributes its steps first: the assistant messages with `toolCalls` and the `tool` results.
   */
  get messages(): ChatMessageWithImages[] {
    return this.entries.flatMap((e) => (e.state === 'streaming' ? [] : toMessages(e)));
  }

  /** Everything shown, the reply being streamed included (what a host persists at each chunk). */
  get transcript(): ChatMessageWithImages[] {
    return this.entries.flatMap(toMessages);
  }

  /**
   * Replace the conversation with saved messages (stops a reply in progress; system messages are
   * skipped). Tool steps (assistant messages with `toolCalls`, `tool` results) go with the reply that
   * follows them, and show as its cards again.
   */
  load(messages: readonly ChatMessageWithImages[]): void {
    this.stop();
    this.notice = null;
    this.entries = entriesOf(messages, () => this.nextId++);
    this.stickToBottom = true;
  }

  /**
   * Send a prompt (the text box's content when `text` is omitted) and stream the reply. Resolves with
   * the result, or `null` when nothing was sent or the reply failed (the error is shown and fired).
   */
  async send(text?: string): Promise<GenerateResult | null> {
    // Standalone: the kernel backend follows `model`, `app-id` and `priority`; a backend the page set is left alone.
    if (this.model && (this.backend === null || this.backend === this.auto)) {
      try {
        this.auto = await this.standalone.backend();
        this.backend = this.auto;
      } catch (err) {
        this.notice = errorWords(err);
        this.dispatchEvent(new LlmosErrorEvent({ error: this.notice.error }));
        return null;
      }
    }
    const box = this.textarea;
    const content = (text ?? box?.value ?? '').trim();
    if ((!content && !(this.acceptsImages && this.images.length)) || this.busy) return null;
    if (!this.backend) {
      this.notice = errorWords(new ModelNotLoadedError('The chat has no model to talk to yet.'));
      this.dispatchEvent(new LlmosErrorEvent({ error: this.notice.error }));
      return null;
    }
    if (box && text === undefined) box.value = '';
    const history = this.messages;
    const images = this.attachments.take();
    const user: ChatEntry = { id: this.nextId++, role: 'user', content, state: 'done', ...(images.length ? { images } : {}) };
    this.entries = [...this.entries, user];
    return this.reply([...history, { role: 'user', content, ...(images.length ? { images } : {}) }]);
  }

  /** Generate the last reply again (the previous one is replaced). Resolves like `send`. */
  async regenerate(): Promise<GenerateResult | null> {
    if (this.busy || !this.backend) return null;
    const lastUser = this.entries.map((e) => e.role).lastIndexOf('user');
    if (lastUser < 0) return null;
    this.entries = this.entries.slice(0, lastUser + 1);
    return this.reply(this.messages);
  }

  private async reply(turns: ChatMessageWithImages[]): Promise<GenerateResult | null> {
    const backend = this.backend!;
    this.notice = null;
    const reply: ChatEntry = { id: this.nextId++, role: 'assistant', content: '', state: 'streaming' };
    this.entries = [...this.entries, reply];
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.busy = true;
    this.changed();
    try {
      const result = await generateReply(backend, reply, turns, this, {
        refresh: () => {
          this.requestUpdate('entries');
          this.changed();
        },
        dispatchEvent: (ev) => this.dispatchEvent(ev),
      }, ctrl.signal);
      if (!reply.content && result.text) reply.content = result.text;
      reply.state = 'done';
      reply.result = result;
      // Kept in the messages only when the backend said (the kernel always does); shown either way.
      if (result.computedOn) reply.computedOn = result.computedOn;
      this.dispatchEvent(new LlmosDoneEvent({ result }));
      return result;
    } catch (err) {
      const words = errorWords(err);
      for (const v of reply.calls ?? []) if (v.state === 'running') v.state = 'stopped';
      reply.state = 'error';
      reply.error = words;
      this.dispatchEvent(new LlmosErrorEvent({ error: words.error }));
      return null;
    } finally {
      if (this.ctrl === ctrl) this.ctrl = null;
      this.busy = false;
      this.requestUpdate('entries');
      this.changed();
    }
  }

  private changed(): void {
    this.dispatchEvent(new LlmosMessagesChangeEvent({ messages: this.transcript, streaming: this.busy }));
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

  /** Copy a reply's text (markdown source) to the clipboard. */
  async copy(entry: ChatEntry): Promise<void> {
    await navigator.clipboard.writeText(entry.content).catch(() => undefined);
    this.copied = entry.id;
    setTimeout(() => { if (this.copied === entry.id) this.copied = null; }, 1500);
  }

  /** Read a reply aloud, or stop reading it. */
  readAloud(entry: ChatEntry): Promise<void> {
    return this.voice.readAloud(entry.id, entry.content);
  }

  /**
   * Attach image files to the next message (as the attach button, paste and drop do). Each is decoded and
   * scaled down first; one that is not an image the browser can decode, or one beyond `MAX_IMAGES`, is
   * refused with a typed error shown in words. Resolves when the accepted ones are pending.
   */
  attachFiles(files: readonly Blob[]): Promise<void> {
    return this.attachments.add(files);
  }

  /** Show a message's image full size in a modal dialog. */
  private async viewImage(src: string, index: number): Promise<void> {
    this.viewing = { src, index };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.viewer')?.showModal();
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

  private renderEntry(e: ChatEntry, last: boolean) {
    const body = e.role === 'user'
      ? html`${renderAttachments(e.images, (src, index) => void this.viewImage(src, index))}<div part="content" class="content plain">${e.content}</div>`
      : html`<div part="content" class="content markdown">${this.rendered.render(e, e.content)}${e.state === 'streaming' ? html`<span class="caret" aria-hidden="true"></span>` : nothing}</div>`;
    return html`
      <article part="message message-${e.role}" class="message ${e.role}" data-state=${e.state}
        aria-label=${e.role === 'user' ? msg('You') : msg('Assistant')}>
        ${e.calls?.length ? renderToolCalls(e.calls) : nothing}
        ${body}
        ${e.role === 'assistant' && e.state === 'done' && (e.computedOn || e.result) ? renderComputedOn(e.computedOn ?? { kind: 'device' }) : nothing}
        ${e.result ? html`<p part="meta" class="meta" data-stop-reason=${e.result.stopReason}>${describeResult(e.result, e.result.stopReason === 'abort' ? e.shown ?? 0 : undefined)}</p>` : nothing}
        ${e.error ? renderError(e.error) : nothing}
        ${e.role === 'assistant' && e.state !== 'streaming' ? renderActions(e, {
          last, busy: this.busy, speakable: canSpeak(), speaking: this.voice.speaking === e.id, copied: this.copied === e.id,
          onCopy: () => void this.copy(e), onSpeak: () => void this.readAloud(e), onRegenerate: () => void this.regenerate(),
        }) : nothing}
      </article>`;
  }

  protected override render() {
    const lastAssistant = this.entries.findLast((e) => e.role === 'assistant');
    return html`
      <div part="log" class="log" role="log" aria-live="polite" aria-relevant="additions text" aria-label=${msg('Conversation')}
        tabindex="0">
        ${this.entries.length === 0
          ? html`<div class="empty"><slot name="empty">${msg('Load a model, then ask something. Replies stream in as they are generated.')}</slot></div>`
          : repeat(this.entries, (e) => e.id, (e) => this.renderEntry(e, e === lastAssistant))}
      </div>
      ${this.notice ? renderError(this.notice) : nothing}
      ${this.images.length ? renderPendingImages(this.images, (i) => this.attachments.remove(i)) : nothing}
      <form part="form" class="form" @submit=${this.onSubmit} @dragover=${this.attachments.onDragOver} @drop=${this.attachments.onDrop}>
        <label class="visually-hidden" for="prompt">${msg('Message')}</label>
        <textarea id="prompt" part="input" rows="2" placeholder=${this.placeholder || msg('Ask something…')} @keydown=${this.onKeydown}
          @paste=${this.attachments.onPaste} aria-describedby="hint"></textarea>
        <div class="actions">
          ${renderComposerExtras({
            dictation: canDictate(), listening: this.voice.listening, images: this.acceptsImages,
            onDictate: () => this.voice.toggleDictation(this.textarea), onAttach: this.attachments.onPick,
          })}
          <button part="send" class="primary" type="submit" ?disabled=${this.busy}>${msg('Send')}</button>
          <button part="stop" type="button" ?disabled=${!this.busy} @click=${() => this.stop()}>${msg('Stop')}</button>
        </div>
        <span id="hint" class="visually-hidden">${msg('Enter sends; Shift+Enter adds a new line.')}</span>
      </form>
      ${renderImageViewer(this.viewing, () => { this.viewing = null; })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-chat': LlmosChat;
  }
}
