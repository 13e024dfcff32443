import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { themeStyles } from '../../components/shared/theme.styles';
import { renderError } from '../../components/llmos-chat/chat-parts';
import type { BuiltInAi } from '../../api/builtin-ai/builtin-ai';
import type { ProofreadResult } from '../../api/builtin-ai/proofread-corrections';
import {
  REWRITER_LENGTHS, REWRITER_TONES, WRITER_FORMATS, WRITER_LENGTHS, WRITER_TONES,
  type RewriterLength, type RewriterTone, type WriterFormat, type WriterLength, type WriterTone,
} from '../../api/builtin-ai/writing-prompts';
import { AiAppElement } from '../shared/ai-app';
import { appStyles } from '../shared/app.styles';
import { MarkdownOutput, controlStyles, renderChoice, renderTabs } from '../shared/controls';
import { TaskInstance, TaskView, describeOutcome, windowAi } from '../shared/task-view';
import { accept, acceptAll, reject, startReview, type Review } from './review';
import { renderReview, reviewStyles } from './review-view';

type Writer = InstanceType<BuiltInAi['Writer']>;
type Rewriter = InstanceType<BuiltInAi['Rewriter']>;
type Proofreader = InstanceType<BuiltInAi['Proofreader']>;

/** The app's modes. */
export type WritingMode = 'write' | 'rewrite' | 'proofread';

/**
 * The Writing app, in three modes. **Write**: a text from a task, in a tone, length and format (the
 * `Writer` task API; markdown rendered sanitised). **Rewrite**: a text made more formal or casual,
 * shorter or longer (`Rewriter`), and the result put in place of the text with one button.
 * **Proofread**: the text with the `Proofreader`'s corrections inline — each original span struck
 * through, the correction after it, its type and explanation — to accept or reject one by one, or all
 * at once. Every API runs its jobs in the window's kernel process (by default of `normal` priority);
 * each instance is kept while its model and options stay the same.
 *
 * @summary Write, rewrite and proofread with the built-in AI task APIs.
 *
 * @csspart output - The written or rewritten text. @csspart review - The proofread text with its corrections.
 */
export class LlmosWriting extends AiAppElement {
  static override styles = [themeStyles, appStyles, controlStyles, reviewStyles, css`
    .pane { flex: 1; overflow: auto; }
    .panel { display: flex; flex-direction: column; gap: 0.6rem; }
    textarea { min-height: 6rem; }
    .options { display: flex; flex-wrap: wrap; gap: 0.5rem 0.9rem; align-items: center; font-size: 0.88rem; }
    .review { line-height: 2; }
  `];
  readonly appId = 'writing';
  /** The mode shown. */
  @property({ type: String }) mode: WritingMode = 'write';
  /** Write: tone, length, format. */
  @property({ type: String, attribute: 'write-tone' }) writeTone: WriterTone = 'neutral';
  @property({ type: String, attribute: 'write-length' }) writeLength: WriterLength = 'short';
  @property({ type: String, attribute: 'write-format' }) writeFormat: WriterFormat = 'markdown';
  /** Rewrite: tone and length. */
  @property({ type: String, attribute: 'rewrite-tone' }) rewriteTone: RewriterTone = 'as-is';
  @property({ type: String, attribute: 'rewrite-length' }) rewriteLength: RewriterLength = 'as-is';
  /** The texts of the three modes. */
  @state() task = '';
  @state() rewriteText = '';
  @state() proofText = '';
  /** The proofread text and the corrections still open (null: nothing proofread, or the text changed since). */
  @state() review: Review | null = null;
  /** The latest proofread result (of the text as it was then). */
  @state() proofResult: ProofreadResult | null = null;
  /** The calls of each mode. */
  readonly writeView = new TaskView(this);
  readonly rewriteView = new TaskView(this);
  readonly proofView = new TaskView(this);
  /** @internal The instances, one per model and options. */
  readonly writers = new TaskInstance<Writer>();
  /** @internal */ readonly rewriters = new TaskInstance<Rewriter>();
  /** @internal */ readonly proofreaders = new TaskInstance<Proofreader>();
  private readonly markdown = new MarkdownOutput();

  private get writeKey(): string { return [this.model, this.writeTone, this.writeLength, this.writeFormat].join('\n'); }
  private get rewriteKey(): string { return [this.model, this.rewriteTone, this.rewriteLength].join('\n'); }
  private get proofKey(): string { return this.model ?? ''; }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    this.writers.release(this.writeKey);
    this.rewriters.release(this.rewriteKey);
    this.proofreaders.release(this.proofKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const i of [this.writers, this.rewriters, this.proofreaders]) i.release();
  }

  /** The API classes of this window, or null without a model or process. */
  private ai(): { ai: () => BuiltInAi } | null {
    const { services, model, pid } = this;
    return services && model && pid !== null ? { ai: () => windowAi(services, model, pid) } : null;
  }

  /** Write what `task` (default: the task box) asks for. Resolves with the text (so far, when stopped), or null. */
  async write(task?: string): Promise<string | null> {
    if (task !== undefined) this.task = task;
    const input = this.task.trim();
    const w = this.ai();
    if (!input || !w) return null;
    this.mode = 'write';
    const { writeTone: tone, writeLength: length, writeFormat: format } = this;
    const writer = this.writers.get(this.writeKey, () => w.ai().Writer.create({ tone, length, format }));
    return this.writeView.stream(async (signal) => (await writer).writeStreaming(input, { signal }));
  }

  /** Rewrite `text` (default: the text box). Resolves with the rewrite (so far, when stopped), or null. */
  async rewrite(text?: string): Promise<string | null> {
    if (text !== undefined) this.rewriteText = text;
    const input = this.rewriteText;
    const w = this.ai();
    if (!input.trim() || !w) return null;
    this.mode = 'rewrite';
    const { rewriteTone: tone, rewriteLength: length } = this;
    const rewriter = this.rewriters.get(this.rewriteKey, () => w.ai().Rewriter.create({ tone, length }));
    return this.rewriteView.stream(async (signal) => (await rewriter).rewriteStreaming(input, { signal }));
  }

  /** Put the finished rewrite in place of the text. */
  useRewrite(): void {
    const out = this.rewriteView.text.trim();
    if (out && !this.rewriteView.busy) this.rewriteText = out;
  }

  /** Proofread `text` (default: the text box) and show its corrections for review. Resolves with the result, or null. */
  async proofread(text?: string): Promise<ProofreadResult | null> {
    if (text !== undefined) this.proofText = text;
    const input = this.proofText;
    const w = this.ai();
    if (!input.trim() || !w) return null;
    this.mode = 'proofread';
    this.review = null;
    this.proofResult = null;
    const proofreader = this.proofreaders.get(this.proofKey, () => w.ai().Proofreader.create({ includeCorrectionTypes: true, includeCorrectionExplanations: true }));
    const result = await this.proofView.call(async (signal) => (await proofreader).proofread(input, { signal }));
    // Shown unless the text was edited meanwhile.
    if (result && this.proofText === input) this.reviewCorrections(input, result);
    this.proofResult = result;
    return result;
  }

  /** Show `result`, a proofread result of `text`, for review (the text box takes `text`). */
  reviewCorrections(text: string, result: ProofreadResult): void {
    this.mode = 'proofread';
    this.proofText = text;
    this.review = startReview(text, result);
  }

  /** Accept correction `id` (the text box follows), reject it, or accept all that are open. */
  acceptCorrection(id: number): void { this.settle(accept, id); }
  rejectCorrection(id: number): void { this.settle(reject, id); }
  acceptAll(): void { this.settle((r) => acceptAll(r), -1); }

  private settle(apply: (r: Review, id: number) => Review, id: number): void {
    if (!this.review) return;
    const i = this.review.suggestions.findIndex((s) => s.id === id);
    this.review = apply(this.review, id);
    this.proofText = this.review.text;
    // Keyboard users stay in the list: focus moves to the next suggestion (or the text box when none is left).
    void this.updateComplete.then(() => {
      const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.fix button.accept')];
      (buttons[Math.max(0, Math.min(i, buttons.length - 1))] ?? this.renderRoot.querySelector<HTMLElement>('#proof-text'))?.focus();
    });
  }

  private textBox(id: string, label: string, value: string, set: (v: string) => void, placeholder: string, run: () => void) {
    return html`<label for=${id}><h3>${label}</h3></label>
      <textarea id=${id} placeholder=${placeholder} .value=${value} @input=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } }}></textarea>`;
  }

  private actions(v: TaskView, label: string, run: () => void, extra: unknown = nothing) {
    const ready = !!this.ai();
    return html`<div class="row">
      <button type="button" class="primary" ?disabled=${v.busy || !ready} @click=${run}>${label}</button>
      <button type="button" ?disabled=${!v.busy} @click=${() => v.stop()}>${msg('Stop')}</button>${extra}
      <span class="muted">${msg('Ctrl+Enter runs it.')}</span></div>`;
  }

  private output(v: TaskView, label: string, markdown: boolean) {
    return html`<h3 id="out-label">${label}</h3>
      <div part="output" class="output ${markdown ? 'markdown' : ''}" role="status" aria-live="polite" aria-labelledby="out-label"
        aria-busy=${v.busy ? 'true' : 'false'}>${markdown ? this.markdown.render(v.text) : v.text}</div>
      ${v.outcome ? html`<p class="meta">${describeOutcome(v.outcome)}</p>` : nothing}
      ${v.error ? renderError(v.error) : nothing}`;
  }

  private renderWrite() {
    const run = () => void this.write();
    return html`${this.textBox('write-task', msg('What to write'), this.task, (v) => { this.task = v; }, msg('A thank-you note to a colleague who helped me move…'), run)}
      <div class="options">
        ${renderChoice('tone', msg('Tone'), WRITER_TONES, this.writeTone, (x) => { this.writeTone = x; })}
        ${renderChoice('length', msg('Length'), WRITER_LENGTHS, this.writeLength, (x) => { this.writeLength = x; })}
        ${renderChoice('format', msg('Format'), WRITER_FORMATS, this.writeFormat, (x) => { this.writeFormat = x; })}
      </div>
      ${this.actions(this.writeView, msg('Write'), run)}
      ${this.output(this.writeView, msg('Text'), this.writeFormat === 'markdown')}`;
  }

  private renderRewrite() {
    const v = this.rewriteView;
    const run = () => void this.rewrite();
    const use = html`<button type="button" class="use" ?disabled=${v.busy || !v.outcome || !v.text.trim()} @click=${() => this.useRewrite()}>${msg('Replace the text')}</button>`;
    return html`${this.textBox('rewrite-text', msg('Text to rewrite'), this.rewriteText, (x) => { this.rewriteText = x; }, msg('Paste a text…'), run)}
      <div class="options">
        ${renderChoice('tone', msg('Tone'), REWRITER_TONES, this.rewriteTone, (x) => { this.rewriteTone = x; })}
        ${renderChoice('length', msg('Length'), REWRITER_LENGTHS, this.rewriteLength, (x) => { this.rewriteLength = x; })}
      </div>
      ${this.actions(v, msg('Rewrite'), run, use)}
      ${this.output(v, msg('Rewritten'), false)}`;
  }

  private renderProofread() {
    const v = this.proofView;
    const r = this.review;
    const run = () => void this.proofread();
    const open = r?.suggestions.length ?? 0;
    const all = html`<button type="button" class="accept-all" ?disabled=${!open} @click=${() => this.acceptAll()}>${msg('Accept all')}</button>`;
    const status = v.busy ? msg('Proofreading…') : !r ? '' : open === 0 ? msg('No corrections left to review.')
      : open === 1 ? msg('1 correction to review.') : msg(str`${open} corrections to review.`);
    return html`${this.textBox('proof-text', msg('Text to proofread'), this.proofText, (x) => { this.proofText = x; this.review = null; }, msg('Paste a text…'), run)}
      ${this.actions(v, msg('Proofread'), run, all)}
      <p class="meta" role="status">${status}</p>
      ${r ? html`<h3 id="review-label">${msg('Corrections')}</h3>
        <div part="review" class="output review" role="group" aria-labelledby="review-label">${renderReview(r, {
          accept: (id) => this.acceptCorrection(id), reject: (id) => this.rejectCorrection(id),
        })}</div>` : nothing}
      ${v.error ? renderError(v.error) : nothing}`;
  }

  protected override render() {
    const tabs = [
      { value: 'write' as const, label: msg('Write'), id: 'tab-write' },
      { value: 'rewrite' as const, label: msg('Rewrite'), id: 'tab-rewrite' },
      { value: 'proofread' as const, label: msg('Proofread'), id: 'tab-proofread' },
    ];
    const current = tabs.find((t) => t.value === this.mode) ?? tabs[0]!;
    const body = { write: () => this.renderWrite(), rewrite: () => this.renderRewrite(), proofread: () => this.renderProofread() }[current.value];
    return html`
      <div class="toolbar">${this.renderModelSelect()}<span class="spacer"></span>
        ${renderTabs(msg('Mode'), tabs, current.value, (m) => { this.mode = m; })}</div>
      <div class="pane">
        <div role="tabpanel" id=${`${current.id}-panel`} aria-labelledby=${current.id} class="panel">${body()}</div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-writing': LlmosWriting;
  }
}
