import { css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import '../../components/llmos-chat/define';
import type { LlmosChat } from '../../components/llmos-chat/llmos-chat';
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';
import { themeStyles } from '../../components/shared/theme.styles';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import type { GenerateRequest } from '../../protocol/engine';
import { getSetting, setSetting } from '../../storage/settings';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import type { CitedFact } from '../../knowledge/context';
import { AiAppElement } from '../shared/ai-app';
import { appStyles } from '../shared/app.styles';
import { lookupResult, rankPassages, splitFaq, supportPrompt, type Passage, type RankedPassage } from './faq';
import type { RunnableTool } from '../../api/tool-loop';
import { factsAbout, MAX_QUERY_LENGTH, toolParams } from '../chat/tools';
import exampleFaq from './example-faq.md?raw';

/** Settings key of the FAQ document. */
export const FAQ_KEY = 'support.faq';
/** Knowledge-graph namespace of the app. */
export const SUPPORT_NAMESPACE = 'app:support';

/**
 * The Customer-service assistant: answers grounded in a FAQ document the user provides (pasted or
 * uploaded, kept in IndexedDB) — the passages most relevant to each question are quoted with citation
 * tags in the system prompt — and, once the app's knowledge graph (`app:support`) holds facts, in the
 * facts `retrieve()` ranks for the question too. "Learn the FAQ" extracts facts from the FAQ into that
 * graph with the current model. The model may also search the FAQ and the graph itself, for other words
 * than the customer's, with the `lookup_faq` tool, offered on every question; each search shows in the
 * chat as a tool-call card and its passages join the sources. The sources of the last answer are listed
 * under the chat.
 *
 * @summary Customer-service chat grounded in your FAQ and knowledge graph.
 *
 * @csspart faq - The FAQ editor. @csspart sources - The sources of the last answer.
 */

/** Tokens of context a model needs for `lookup_faq` to be offered beside the FAQ prompt. */
export const MIN_TOOL_CONTEXT = 2048;
export class LlmosSupport extends AiAppElement {
  static override styles = [themeStyles, appStyles, css`
    :host { display: flex; flex-direction: column; }
    details.faq { padding: 0 0.75rem; border-bottom: 1px solid var(--_border); }
    details.faq summary { cursor: pointer; padding: 0.45rem 0; font-weight: 600; color: var(--_muted); font-size: 0.88rem; }
    details.faq textarea { width: 100%; min-height: 8rem; font-size: 0.88rem; }
    .faq .row { margin: 0.4rem 0 0.6rem; font-size: 0.85rem; }
    llmos-chat { flex: 1; min-height: 14rem; border: 0; border-radius: 0; }
    .sources { border-top: 1px solid var(--_border); padding: 0.5rem 0.75rem; font-size: 0.82rem; max-height: 9rem; overflow: auto; background: var(--_surface); }
    .sources ol { margin: 0.2rem 0 0; padding-left: 1.2rem; }
    .sources li { margin: 0.15rem 0; color: var(--_muted); }
    .tag { font-family: var(--_mono); color: var(--_fg); font-weight: 600; }
  `];
  readonly appId = 'support';
  /** The FAQ document. */
  @state() faq = '';
  /** FAQ passages quoted for the last question. */
  @state() sources: RankedPassage[] = [];
  /** Knowledge-graph facts quoted for the last question. */
  @state() facts: CitedFact[] = [];
  /** @internal */ @state() private kgFacts = 0;
  /** @internal */ @state() private learning = false;
  /** @internal */ @state() private note = '';
  /** @internal */ @state() private problem: ErrorWords | null = null;
  private passages: Passage[] = [];
  /** The FAQ and knowledge-graph search the model may call. */
  readonly faqTool: RunnableTool = {
    name: 'lookup_faq',
    description: "Search the shop's FAQ and learned facts for a topic; returns passages with their tags.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH } },
      required: ['query'],
      additionalProperties: false,
    },
    execute: (args) => this.lookUp(args['query'] as string),
  };
  private kg: KnowledgeGraph | null = null;
  private restored: Promise<void> | null = null;

  /** Resolves once the saved FAQ and the knowledge graph are loaded. */
  get ready(): Promise<void> {
    return this.restored ?? Promise.resolve();
  }

  /** The chat element of this window. */
  get chat(): LlmosChat | null {
    return this.renderRoot?.querySelector('llmos-chat') ?? null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('services') && this.services && !this.restored) this.restored = this.restore();
    if (changed.has('faq')) this.passages = splitFaq(this.faq);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    const chat = this.chat;
    if (chat && (changed.has('pid') || changed.has('model') || changed.has('services'))) {
      const base = this.backend();
      chat.backend = base ? this.grounded(base) : null;
      // The tool's description and the FAQ prompt need room: a small context (the 1024-token test model)
      // answers from the FAQ prompt alone rather than overflow.
      const nCtx = this.services?.kernel.registeredModels().find((m) => m.id === this.model)?.nCtx ?? Infinity;
      chat.tools = nCtx >= MIN_TOOL_CONTEXT ? [this.faqTool] : [];
      chat.params = toolParams(this.params(), this.modelInfo?.fixture ?? false);
    }
  }

  private async restore(): Promise<void> {
    const db = await this.services!.db();
    this.faq = await getSetting(db, FAQ_KEY, '');
    try {
      const { KnowledgeStore } = await import('../../knowledge/knowledge-store');
      const store = await KnowledgeStore.open();
      this.kg = await store.graph(SUPPORT_NAMESPACE);
      this.kgFacts = this.kg.graph.size;
    } catch {
      this.kg = null; // no knowledge graph (storage unavailable): the FAQ alone grounds the answers
    }
  }

  /** Replace the FAQ and save it. */
  async setFaq(text: string): Promise<void> {
    this.faq = text;
    if (this.services) await setSetting(await this.services.db(), FAQ_KEY, text);
  }

  /**
   * What `lookup_faq` answers: the best FAQ passages for `query` and the graph's facts about it. The
   * passages found join the sources of the answer.
   */
  async lookUp(query: string): Promise<string> {
    const ranked = rankPassages(this.passages, query, 3);
    const facts = this.kg && this.kg.graph.size > 0 ? await factsAbout(this.kg, query, 256) : '';
    this.sources = [...this.sources, ...ranked.filter((p) => !this.sources.some((s) => s.tag === p.tag))];
    return lookupResult(query, ranked, facts);
  }

  /**
   * Wrap a backend so each request is grounded in the FAQ (and the knowledge graph) for its last question.
   * The generations after a tool call (the conversation then ends in its result) keep the sources found.
   */
  private grounded(base: ChatBackend): ChatBackend {
    return {
      generate: async (request: GenerateRequest, onToken, signal) => {
        const turns = (request.messages ?? []).filter((m) => m.role !== 'system');
        const question = [...turns].reverse().find((m) => m.role === 'user')?.content ?? '';
        const ranked = rankPassages(this.passages, question, 3);
        let factsText = '';
        let facts: CitedFact[] = [];
        if (this.kg && this.kg.graph.size > 0) {
          const { retrieve } = await import('../../knowledge/retrieve');
          const r = retrieve(this.kg, question, { tokenBudget: 384 });
          factsText = r.context.text;
          facts = r.context.facts;
        }
        if (turns.at(-1)?.role !== 'tool') {
          this.sources = ranked;
          this.facts = facts;
        }
        return base.generate({ ...request, messages: [{ role: 'system', content: supportPrompt(ranked, factsText) }, ...turns] }, onToken, signal);
      },
    };
  }

  /** Extract facts from the FAQ into the app's knowledge graph with the current model. */
  async learn(): Promise<void> {
    // Extraction is background work: the kernel runs it after (and preempts it for) anyone waiting.
    const backend = this.backend('background');
    if (!backend || !this.kg || !this.faq.trim()) return;
    this.learning = true;
    this.problem = null;
    this.note = '';
    try {
      const { extractFromDocument } = await import('../../knowledge/extract');
      const params = { ...this.params(), ignoreEos: false };
      const report = await extractFromDocument(this.kg, (req, signal) =>
        backend.generate({ ...params, ...req }, () => {}, signal ?? new AbortController().signal), { id: 'faq', text: this.faq, format: 'md' },
      { constraint: this.modelInfo?.engine === 'wllama' ? 'gbnf' : 'json-schema', onLog: () => {} });
      this.kgFacts = this.kg.graph.size;
      this.note = msg(str`Learned ${report.facts} facts; ${report.skipped} of ${report.chunks.length} parts gave no usable facts.`);
    } catch (e) {
      this.problem = errorWords(e);
    } finally {
      this.learning = false;
    }
  }

  private async upload(ev: Event): Promise<void> {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) await this.setFaq((await file.text()).slice(0, 200_000));
    input.value = '';
  }

  private renderFaq() {
    return html`<details part="faq" class="faq" ?open=${!this.faq}>
      <summary>${this.faq ? msg(str`FAQ: ${this.passages.length} passages`) : msg('FAQ: none yet — add one to ground the answers')}</summary>
      <label class="visually-hidden" for="faq">${msg('FAQ document')}</label>
      <textarea id="faq" .value=${this.faq} placeholder=${msg('Paste your FAQ: questions and answers, separated by blank lines.')}
        @change=${(e: Event) => void this.setFaq((e.target as HTMLTextAreaElement).value)}></textarea>
      <div class="row">
        <label class="inline"><span>${msg('Upload')}</span><input type="file" accept=".txt,.md,text/*" @change=${(e: Event) => void this.upload(e)} /></label>
        <button type="button" @click=${() => void this.setFaq(exampleFaq)}>${msg('Use the example FAQ')}</button>
        <span class="muted">${msg(str`Knowledge graph: ${this.kgFacts} facts`)}</span>
        <button type="button" ?disabled=${this.learning || !this.faq || !this.kg || !this.backend()} @click=${() => void this.learn()}>
          ${this.learning ? msg('Learning…') : msg('Learn the FAQ into the knowledge graph')}</button>
        ${this.note ? html`<span role="status">${this.note}</span>` : nothing}
      </div>
      ${this.problem ? html`<p class="error" role="alert"><strong>${this.problem.words}</strong> ${this.problem.message} <code>${this.problem.code}</code></p>` : nothing}
    </details>`;
  }

  private renderSources() {
    if (!this.sources.length && !this.facts.length) return nothing;
    return html`<section part="sources" class="sources" aria-label=${msg('Sources of the last answer')}>
      <strong>${msg('Sources of the last answer')}</strong>
      <ol>${this.sources.map((s) => html`<li data-tag=${s.tag}><span class="tag">[${s.tag}]</span> ${s.text.length > 140 ? `${s.text.slice(0, 139)}…` : s.text}</li>`)}
        ${this.facts.map((f) => html`<li data-tag=${f.citation}><span class="tag">[${f.citation}]</span> ${f.subject.label} — ${f.predicate} — ${f.object.label}</li>`)}</ol>
    </section>`;
  }

  protected override render() {
    return html`<div class="toolbar">${this.renderModelSelect()}</div>
      ${this.renderFaq()}
      <llmos-chat max-tokens="256" placeholder=${msg('How can we help?')}></llmos-chat>
      ${this.renderSources()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-support': LlmosSupport;
  }
}
