import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { AbortError, ModelNotLoadedError } from '../../errors';
import type { ChatMessage, GenerateRequest, GenerateResult } from '../../protocol/engine';
import type { Kernel } from '../../kernel/kernel';
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
 * @cssproperty --llmos-fg - Text colour. @cssproperty --llmos-muted - Status line colour.
 * @cssproperty --llmos-surface - Code background. @cssproperty --llmos-danger - Error colour.
 * @cssproperty --llmos-font - Font family. @cssproperty --llmos-mono - Code font family.
 */
export class LlmosPrompt extends LitElement {
  static override styles = [themeStyles, promptStyles];
  static override properties = {
    backend: { attribute: false },
    model: { type: String },
    appId: { type: String, attribute: 'app-id' },
    priority: { type: String },
    kernel: { attribute: false },
    prompt: { type: String },
    system: { type: String },
    maxTokens: { type: Number, attribute: 'max-tokens' },
    params: { attribute: false },
    manual: { type: Boolean },
    busy: { type: Boolean, reflect: true },
    answer: { state: true },
    result: { state: true },
    problem: { state: true },
  };

  /** Where the answer comes from; when null, `model` is used on the page's shared kernel. */
  declare backend: ChatBackend | null;
  /** Model id or GGUF URL (attribute `model`). */
  declare model: string;
  /** App id of the element's process (attribute `app-id`, default: the page's origin). */
  declare appId: string;
  /** Priority class of the element's process (attribute `priority`, default `interactive`). */
  declare priority: Priority | '';
  /** A kernel instead of the page's shared one. */
  declare kernel: Kernel | null;
  /** The question (attribute `prompt`); the element's text when empty. */
  declare prompt: string;
  /** System prompt (attribute `system`). */
  declare system: string;
  /** Token limit of the answer (attribute `max-tokens`, default 256). */
  declare maxTokens: number;
  /** Extra generation parameters (temperature, logitBias, …). */
  declare params: Partial<GenerateRequest>;
  /** Do not ask by itself: only `run()` does (attribute `manual`). */
  declare manual: boolean;
  /** True while answering (reflected). */
  declare busy: boolean;
  /** The answer so far. */
  declare answer: string;
  /** The finished result, if any. */
  declare result: GenerateResult | null;
  /** @internal */ declare problem: ErrorWords | null;

  private ctrl: AbortController | null = null;
  private readonly standalone = new KernelBackendController(this);
  private fragment: { source: string; node: DocumentFragment } | null = null;

  constructor() {
    super();
    this.backend = null;
    this.model = '';
    this.appId = '';
    this.priority = '';
    this.kernel = null;
    this.prompt = '';
    this.system = '';
    this.maxTokens = 256;
    this.params = {};
    this.manual = false;
    this.busy = false;
    this.answer = '';
    this.result = null;
    this.problem = null;
  }

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
