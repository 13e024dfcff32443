import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { themeStyles } from '../../components/shared/theme.styles';
import { describeResult, renderError } from '../../components/llmos-chat/chat-parts';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import type { GenerateRequest } from '../../protocol/engine';
import { AiAppElement } from '../shared/ai-app';
import { appStyles } from '../shared/app.styles';
import { GenerationView } from '../shared/generation-view';
import { TaskInstance, TaskView, describeOutcome, windowAi } from '../shared/task-view';
import { MarkdownOutput, controlStyles, renderChoice, renderTabs } from '../shared/controls';
import type { BuiltInAi } from '../../api/builtin-ai/builtin-ai';
import {
  SUMMARIZER_FORMATS, SUMMARIZER_LENGTHS, SUMMARIZER_TYPES, type SummarizerFormat, type SummarizerLength, type SummarizerType,
} from '../../api/builtin-ai/writing-prompts';
import { constraintParams } from '../../api/structured/structured-output';
import { ANALYSIS_PROMPT, ANALYSIS_SCHEMA, SENTIMENTS, parseAnalysis, type Analysis, type Sentiment } from './analysis';

type Summarizer = InstanceType<BuiltInAi['Summarizer']>;

/** The app's two modes. */
export type SummariserMode = 'summary' | 'monitor';

function sentimentWords(s: Sentiment): string {
  return { positive: msg('Positive'), neutral: msg('Neutral'), negative: msg('Negative') }[s];
}

/**
 * The Summariser, in two modes over one text box (paste or upload a text). **Summary**: the `Summarizer`
 * task API (`createBuiltInAi()`) with its type (TL;DR, teaser, key points, headline), length and
 * format, the summary streaming into a polite live region (markdown rendered sanitised, as the chat
 * does); one instance per model and options. **Monitor**: the text's sentiment, a summary and key
 * points as structured JSON (the request carries a JSON schema, or for wllama the grammar the API
 * derives from it; the output is checked before it is shown); every analysis joins a running tally,
 * so a stream of reviews or messages can be watched. Each window is one kernel process, by default of
 * `background` priority, and every job of either mode runs in it.
 *
 * @summary Summaries (Summarizer API) and a sentiment monitor (JSON).
 *
 * @csspart input - The text box. @csspart summary - The streamed summary. @csspart result - The analysis.
 * @csspart raw - The raw JSON.
 */
export class LlmosSummariser extends AiAppElement {
  static override styles = [themeStyles, appStyles, controlStyles, css`
    .pane { flex: 1; overflow: auto; }
    textarea { min-height: 7rem; }
    .result { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem 0.9rem; display: flex; flex-direction: column; gap: 0.4rem; }
    .badge { align-self: flex-start; font-weight: 700; border-radius: 999px; padding: 0.1rem 0.7rem; font-size: 0.85rem; border: 1px solid currentColor; }
    .positive { color: light-dark(#1a7f37, #5fd38a); } .negative { color: var(--_danger); } .neutral { color: var(--_muted); }
    ul { margin: 0; padding-left: 1.2rem; }
    pre { margin: 0; font-family: var(--_mono); font-size: 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--_surface);
      border: 1px solid var(--_border); border-radius: 8px; padding: 0.5rem 0.7rem; max-height: 12rem; overflow: auto; }
    .tally { display: flex; gap: 1rem; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
    .file { display: inline-flex; align-items: center; gap: 0.4rem; }
    .panel { display: flex; flex-direction: column; gap: 0.6rem; }
    .options { display: flex; flex-wrap: wrap; gap: 0.5rem 0.9rem; align-items: center; font-size: 0.88rem; }
  `];
  readonly appId = 'summariser';
  /** The mode shown: a summary (Summarizer API) or the sentiment monitor (JSON). */
  @property({ type: String }) mode: SummariserMode = 'summary';
  /** Summary type. */
  @property({ type: String, attribute: 'summary-type' }) summaryType: SummarizerType = 'key-points';
  /** Summary length. */
  @property({ type: String, attribute: 'summary-length' }) summaryLength: SummarizerLength = 'short';
  /** Summary format (markdown is rendered, sanitised). */
  @property({ type: String, attribute: 'summary-format' }) summaryFormat: SummarizerFormat = 'markdown';
  /** The streamed summary. */
  readonly summaryView = new TaskView(this);
  /** @internal The `Summarizer` for the current model and options (made on first use). */
  readonly summarizers = new TaskInstance<Summarizer>();
  private readonly markdown = new MarkdownOutput();
  /** The latest analysis. */
  @state() analysis: Analysis | null = null;
  /** @internal */ @state() private problem: ErrorWords | null = null;
  /** Analyses so far in this window, by sentiment. */
  @state() tally: Record<Sentiment, number> = { positive: 0, neutral: 0, negative: 0 };
  /** The streamed JSON. */
  readonly view = new GenerationView(this);

  private get summaryKey(): string {
    return [this.model, this.summaryType, this.summaryLength, this.summaryFormat].join('\n');
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (['model', 'summaryType', 'summaryLength', 'summaryFormat'].some((k) => changed.has(k))) this.summarizers.release(this.summaryKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.summarizers.release();
  }

  /**
   * Summarise `text` (default: the text box) with the `Summarizer` API and show the summary mode.
   * Resolves with the summary (its part so far when stopped), or null on failure (the reason is shown).
   */
  async summarise(text?: string): Promise<string | null> {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (box && text !== undefined) box.value = text;
    const source = (text ?? box?.value ?? '').trim();
    const { services, model, pid } = this;
    if (!source || !services || !model || pid === null) return null;
    this.mode = 'summary';
    const { summaryType: type, summaryLength: length, summaryFormat: format } = this;
    const summarizer = this.summarizers.get(this.summaryKey, () => windowAi(services, model, pid).Summarizer.create({ type, length, format }));
    return this.summaryView.stream(async (signal) => (await summarizer).summarizeStreaming(source, { signal }));
  }

  /** Analyse `text` (default: the text box). Resolves with the analysis, or null (the reason is shown). */
  async analyse(text?: string): Promise<Analysis | null> {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (box && text !== undefined) box.value = text;
    const source = (text ?? box?.value ?? '').trim();
    const backend = this.backend();
    if (!source || !backend || !this.model) return null;
    this.mode = 'monitor';
    this.analysis = null;
    this.problem = null;
    // The schema as the engine can enforce it (a grammar for wllama); `ignoreEos` off so the JSON can end.
    const request: GenerateRequest = {
      ...this.params(), maxTokens: 400,
      ...constraintParams({ kind: 'json', schema: ANALYSIS_SCHEMA as unknown as Record<string, unknown> }),
      messages: [{ role: 'system', content: ANALYSIS_PROMPT }, { role: 'user', content: source.slice(0, 8000) }],
    };
    const r = await this.view.run(backend, request);
    if (!r || r.stopReason === 'abort') return null;
    try {
      const a = parseAnalysis(this.view.text);
      this.analysis = a;
      this.tally = { ...this.tally, [a.sentiment]: this.tally[a.sentiment] + 1 };
      return a;
    } catch (e) {
      this.problem = errorWords(e);
      return null;
    }
  }

  private async upload(ev: Event): Promise<void> {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (box) box.value = (await file.text()).slice(0, 100_000);
    input.value = '';
  }

  private renderAnalysis(a: Analysis) {
    return html`<section part="result" class="result" aria-label=${msg('Analysis')}>
      <span class="badge ${a.sentiment}" data-sentiment=${a.sentiment}>${sentimentWords(a.sentiment)}</span>
      <p>${a.summary}</p>
      <h3>${msg('Key points')}</h3>
      <ul>${a.keyPoints.map((p) => html`<li>${p}</li>`)}</ul>
    </section>`;
  }

  private renderSummary() {
    const v = this.summaryView;
    const ready = !!this.services && !!this.model && this.pid !== null;
    const md = this.summaryFormat === 'markdown';
    return html`
      <div class="options">
        ${renderChoice('type', msg('Type'), SUMMARIZER_TYPES, this.summaryType, (x) => { this.summaryType = x; })}
        ${renderChoice('length', msg('Length'), SUMMARIZER_LENGTHS, this.summaryLength, (x) => { this.summaryLength = x; })}
        ${renderChoice('format', msg('Format'), SUMMARIZER_FORMATS, this.summaryFormat, (x) => { this.summaryFormat = x; })}
      </div>
      <div class="row">
        <button type="button" class="primary" ?disabled=${v.busy || !ready} @click=${() => void this.summarise()}>${msg('Summarise')}</button>
        <button type="button" ?disabled=${!v.busy} @click=${() => v.stop()}>${msg('Stop')}</button>
        ${this.renderUpload()}
      </div>
      <h3 id="summary-label">${msg('Summary')}</h3>
      <div part="summary" class="output ${md ? 'markdown' : ''}" role="status" aria-live="polite" aria-labelledby="summary-label"
        aria-busy=${v.busy ? 'true' : 'false'}>${md ? this.markdown.render(v.text) : v.text}</div>
      ${v.outcome ? html`<p class="meta">${describeOutcome(v.outcome)}</p>` : nothing}
      ${v.error ? renderError(v.error) : nothing}`;
  }

  private renderUpload() {
    return html`<label class="file"><span>${msg('or upload a text file')}</span>
      <input type="file" accept=".txt,.md,.csv,.json,text/*" @change=${(e: Event) => void this.upload(e)} /></label>`;
  }

  private renderMonitor() {
    const v = this.view;
    return html`
      <div class="row">
        <button type="button" class="primary" ?disabled=${v.busy || !this.backend()} @click=${() => void this.analyse()}>${msg('Analyse')}</button>
        <button type="button" ?disabled=${!v.busy} @click=${() => v.stop()}>${msg('Stop')}</button>
        ${this.renderUpload()}
      </div>
      ${v.busy ? html`<p class="meta" role="status">${msg(str`Analysing… ${v.text.length} characters of JSON so far`)}</p>` : nothing}
      ${this.analysis ? this.renderAnalysis(this.analysis) : nothing}
      ${v.error ? renderError(v.error) : nothing}
      ${this.problem ? renderError(this.problem) : nothing}
      ${v.result ? html`<p class="meta">${describeResult(v.result)}</p>` : nothing}
      ${v.text && !v.busy ? html`<details><summary>${msg('Raw JSON')}</summary><pre part="raw">${v.text}</pre></details>` : nothing}`;
  }

  protected override render() {
    const total = SENTIMENTS.reduce((n, s) => n + this.tally[s], 0);
    const tabs = [
      { value: 'summary' as const, label: msg('Summary'), id: 'tab-summary' },
      { value: 'monitor' as const, label: msg('Sentiment monitor'), id: 'tab-monitor' },
    ];
    const current = tabs.find((t) => t.value === this.mode) ?? tabs[0]!;
    return html`
      <div class="toolbar">${this.renderModelSelect()}<span class="spacer"></span>
        ${total ? html`<span class="tally" aria-label=${msg('Sentiment so far')}>${SENTIMENTS.map((s) =>
          html`<span class=${s}>${sentimentWords(s)}: ${this.tally[s]}</span>`)}</span>` : nothing}</div>
      <div class="pane">
        ${renderTabs(msg('Mode'), tabs, current.value, (m) => { this.mode = m; })}
        <label for="text"><h3>${msg('Text')}</h3></label>
        <textarea part="input" id="text" placeholder=${msg('Paste a review, an e-mail, an article…')}></textarea>
        <div role="tabpanel" id=${`${current.id}-panel`} aria-labelledby=${current.id} class="panel">
          ${current.value === 'summary' ? this.renderSummary() : this.renderMonitor()}
        </div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-summariser': LlmosSummariser;
  }
}
