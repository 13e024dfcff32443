import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import '../../components/llmos-graph-explorer/define';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import type { KnowledgeStore } from '../../knowledge/knowledge-store';
import { themeStyles } from '../../components/shared/theme.styles';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import { appStyles } from '../shared/app.styles';
import { SUPPORT_NAMESPACE } from '../support/llmos-support';

/** Namespaces the desktop shows. */
const NAMESPACES = ['user', SUPPORT_NAMESPACE] as const;

/**
 * The Knowledge app: the knowledge graph explorer over one namespace at a time — your own facts
 * (`user`) or the customer-service app's (`app:support`) — opened from the knowledge store in IndexedDB.
 *
 * @summary Knowledge graph explorer as a desktop app.
 */
export class LlmosKnowledgeApp extends LitElement {
  static override styles = [themeStyles, appStyles, css`:host { overflow: auto; } llmos-graph-explorer { flex: 1; margin: 0.5rem 0.75rem; }`];
  /** The namespace shown (`user` or `app:support`). */
  @property({ type: String }) namespace = 'user';
  /** @internal */ @state() private graph: KnowledgeGraph | null = null;
  /** @internal */ @state() private problem: ErrorWords | null = null;
  private store: Promise<KnowledgeStore> | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('namespace')) void this.open(this.namespace);
  }

  private async open(ns: string): Promise<void> {
    try {
      this.store ??= import('../../knowledge/knowledge-store').then((m) => m.KnowledgeStore.open());
      const graph = await (await this.store).graph(ns as 'user');
      if (this.namespace === ns) this.graph = graph;
      this.problem = null;
    } catch (e) {
      this.problem = errorWords(e);
    }
  }

  protected override render() {
    const names: Record<string, string> = { user: msg('Your facts'), [SUPPORT_NAMESPACE]: msg('Customer service FAQ') };
    return html`<div class="toolbar"><label class="inline"><span>${msg('Graph')}</span>
        <select name="namespace" @change=${(e: Event) => { this.namespace = (e.target as HTMLSelectElement).value; }}>
          ${NAMESPACES.map((ns) => html`<option value=${ns} ?selected=${ns === this.namespace}>${names[ns]}</option>`)}
        </select></label></div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem.words} <code>${this.problem.code}</code></p>` : nothing}
      ${this.graph ? html`<llmos-graph-explorer .graph=${this.graph}></llmos-graph-explorer>` : html`<p class="pane muted">${msg('Loading…')}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-knowledge-app': LlmosKnowledgeApp;
  }
}
