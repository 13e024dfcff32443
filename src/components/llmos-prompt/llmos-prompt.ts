import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AbortError, ModelNotLoadedError } from '../../errors';
import type { ChatMessage, GenerateRequest, GenerateResult } from '../../protocol/engine';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { ChatBackend } from '../llmos-chat/chat-backend';
import { renderMarkdown } from '../llmos-chat/render-markdown';
import { themeStyles } from '../shared/theme.styles';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { LlmosDoneEvent, LlmosErrorEvent, LlmosTokenEvent } from '../shared/generation-events';
import { KernelBackendController } from '../shared/kernel-backend-controller';
import { promptStyles } from './llmos-prompt.styles';

const STOP_WORDS: Record<GenerateResult['stopReason'], string> = { stop: 'Done', length: 'Reached the token limit', abort: 'Stopped', interrupt: 'Interrupted' };

/**
 * A one-shot answer in the page: the element asks its question (the `prompt` attribute, else its own
 * text) once it is connected, and shows the reply in its place as it streams — rendered as sanitised
 * markdown (model output never becomes live HTML). Standalone with a `model` (a registered model id
 * or a GGUF URL: it runs on the page's shared kernel as its own process, `app-id`, `priority`), or
 * given a `backend`.
 *
 * @summary A one-shot model answer, streamed into the page.
 *
 * @event llmos-token - `LlmosTokenEvent`: one streamed token; `detail.text` is the answer so far.
 * @event llmos-done - `LlmosDoneEvent`: the answer finished; `detail.result` has stop reason and usage.
 * @event llmos-error - `LlmosErrorEvent`: it failed; `detail.error` is an `LlmOsError` with a `code`.
 * @event llmos-request-load - `LlmosRequestLoadEvent` (cancelable): the answer needs a model that is not
 *   loaded; `preventDefault()` refuses the load (the answer fails with `PERMISSION_DENIED`).
 *
 * @csspart answer - The answer (sanitised markdown); a polite live region.
 * @csspart status - The finished-state line (stop reason, tokens).
 * @csspart error - An error shown in words.
 *
 * @cssproperty --llmos-fg - Text colour.
 * @cssproperty --llmos-muted - Status line colour.
 * @cssproperty --llmos-surface - Code background.
 * @cssproperty --llmos-danger - Error colour.
 * @cssproperty --llmos-font - Font family.
 * @cssproperty --llmos-mono - Code font family.
 */
export class LlmosPrompt extends LitElement {
  static override styles = [themeStyles, promptStyles];
  /** Where the answer comes from; when null, `model` is used on the page's shared kernel. */
  @property({ attribute: false }) backend: ChatBackend | null = null;
  /** Model id or GGUF URL (attribute `model`). */
  @property({ type: String }) model = '';
  /** App id of the element's process (attribute `app-id`, default: the page's origin). */
  @property({ type: String, attribute: 'app-id' }) appId = '';
  /** Priority class of the element's process (attribute `priority`, default `interactive`). */
  @property({ type: String }) priority: Priority | '' = '';
  /** A kernel instead of the page's shared one. */
  @property({ attribute: false }) kernel: KernelApi | null = null;
  /** The question (attribute `prompt`); the element's text when empty. */
  @property({ type: String }) prompt = '';
  /** System prompt (attribute `system`). */
  @property({ type: String }) system = '';
  /** Token limit of the answer (attribute `max-tokens`, default 256). */
  @property({ type: Number, attribute: 'max-tokens' }) maxTokens = 256;
  /** Extra generation parameters (temperature, logitBias, …). */
  @property({ attribute: false }) params: Partial<GenerateRequest> = {};
  /** Do not ask by itself: only `run()` does (attribute `manual`). */
  @property({ type: Boolean }) manual = false;
  /** True while answering (reflected). */
  @property({ type: Boolean, reflect: true }) busy = false;
  /** The answer so far. */
  @state() answer = '';
  /** The finished result, if any. */
  @state() result: GenerateResult | null = null;
  /** @internal */ @state() private problem: ErrorWords | null = null;

  private ctrl: AbortController | null = null;
  private readonly standalone = new KernelBackendController(this);
  private fragment: { source: string; node: DocumentFragment } | null = null;

  /** The question: the `prompt` attribute, else the element's own text. */
  get question(): string {
    return (this.prompt || this.textContent || '').trim();
  }

  /**
   * Ask (`text`, else the element's question) and stream the answer; a run in progress is stopped
   * first. Resolves with the result, or null when nothing was asked or it failed (shown and fired).
   */
  async run(text?: string): Promise<GenerateResult | null> {
    const question = (text ?? this.question).trim();
    if (!question) return null;
    this.stop();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.busy = true;
    this.answer = '';
    this.result = null;
    this.problem = null;
    try {
      const backend = this.backend ?? (this.model ? await this.standalone.backend() : null);
      if (!backend) throw new ModelNotLoadedError('<llmos-prompt> needs a model attribute or a backend');
      const messages: ChatMessage[] = [...(this.system ? [{ role: 'system' as const, content: this.system }] : []), { role: 'user', content: question }];
      const result = await backend.generate({ ...this.params, messages, maxTokens: this.maxTokens }, (token) => {
        if (ctrl.signal.aborted) return;
        this.answer += token.text;
        this.dispatchEvent(new LlmosTokenEvent({ token, text: this.answer }));
      }, ctrl.signal);
      if (this.ctrl !== ctrl) return result;
      if (!this.answer && result.text) this.answer = result.text;
      this.result = result;
      this.dispatchEvent(new LlmosDoneEvent({ result }));
      return result;
    } catch (err) {
      if (this.ctrl !== ctrl) return null;
      this.problem = errorWords(err);
      this.dispatchEvent(new LlmosErrorEvent({ error: this.problem.error }));
      return null;
    } finally {
      if (this.ctrl === ctrl) {
        this.ctrl = null;
        this.busy = false;
      }
    }
  }

  /** Stop the answer in progress. */
  stop(): void {
    this.ctrl?.abort(new AbortError('Stopped'));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Ask by itself once connected with something to ask, and again when the question or model changes.
    const relevant = ['prompt', 'model', 'system', 'backend'].some((k) => changed.has(k as keyof LlmosPrompt));
    if (!this.manual && relevant && this.isConnected && this.question && (this.backend || this.model)) void this.run();
  }

  private markdown(): DocumentFragment {
    if (this.fragment?.source !== this.answer) this.fragment = { source: this.answer, node: renderMarkdown(this.answer) };
    return this.fragment.node;
  }

  protected override render() {
    const p = this.problem;
    const aborted = p?.code === 'ABORTED';
    return html`
      <div part="answer" class="answer" aria-live="polite" aria-busy=${this.busy ? 'true' : 'false'}>${this.markdown()}${this.busy ? html`<span class="caret" aria-hidden="true"></span>` : nothing}</div>
      ${this.result ? html`<p part="status" class="status" data-stop-reason=${this.result.stopReason}>
        ${STOP_WORDS[this.result.stopReason]} · ${this.result.usage.completionTokens} tokens</p>` : nothing}
      ${p ? html`<p part="error" class="error ${aborted ? 'aborted' : ''}" role=${aborted ? 'status' : 'alert'} data-code=${p.code}>
        <strong>${p.words}</strong> ${p.message}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-prompt': LlmosPrompt;
  }
}
