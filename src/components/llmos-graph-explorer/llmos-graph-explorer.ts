import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { themeStyles } from '../shared/theme.styles';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { explorerStyles } from './llmos-graph-explorer.styles';
import {
  LlmosGraphChangeEvent, LlmosGraphDeleteRequestEvent, LlmosGraphErrorEvent, LlmosGraphSelectEvent, type GraphDeleteDetail,
} from './graph-events';
import { layoutGraph, type LayoutMode } from './graph-layout';
import { renderView, toView, viewGraph, VIEW_H, VIEW_W, type NeighbourhoodView } from './neighbourhood-view';
import { searchEntities } from './graph-search';
import { neighbourhood } from '../../knowledge/retrieve';
import { exportGexf, exportJson, importText, type ImportReport } from '../../knowledge/interchange';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import type { Entity, Provenance, Relation } from '../../knowledge/entities';

/** Export formats. */
export type GraphFormat = 'json' | 'gexf';

const splitList = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

function provenanceText(p: Provenance): string {
  const at = new Date(p.at).toISOString().slice(0, 16).replace('T', ' ');
  return msg(str`${p.kind} ${p.sourceId}, chars ${p.start}–${p.end}, ${at}`);
}

/**
 * Browse and curate one namespace of the knowledge graph: search entities, see an entity's
 * neighbourhood laid out by ForceAtlas2 (in a worker when it is large), read each fact with where it
 * came from, edit or delete entities and relations, and import or export the namespace as graphology
 * JSON or GEXF. Give it a graph with the `graph` property (`await store.graph('user')`).
 *
 * @summary Knowledge graph explorer: search, neighbourhood view, provenance, edit, import/export.
 *
 * @event llmos-graph-select - `LlmosGraphSelectEvent`: `detail.id` is the selected entity (or null).
 * @event llmos-graph-delete-request - `LlmosGraphDeleteRequestEvent` (cancelable), before a delete:
 *   `detail` = `{kind: 'entity' | 'relation', id, label}`; `preventDefault()` keeps the item.
 * @event llmos-graph-change - `LlmosGraphChangeEvent` after an edit, delete or import is stored.
 * @event llmos-graph-error - `LlmosGraphErrorEvent`: a malformed import, an invalid edit, a storage failure.
 *
 * @csspart toolbar - Search field and import/export buttons.
 * @csspart search - The search field.
 * @csspart import - The Import button.
 * @csspart export-json - The Export JSON button.
 * @csspart export-gexf - The Export GEXF button.
 * @csspart results - Search results.
 * @csspart canvas - The SVG neighbourhood view.
 * @csspart nodes - The group of entities in the view.
 * @csspart node - Each entity in the view (also `selected-node` on the selected one).
 * @csspart edges - The group of relation lines.
 * @csspart edge - Each relation line.
 * @csspart edge-labels - The relation labels (drawn only for small neighbourhoods).
 * @csspart detail - The selected entity's panel.
 * @csspart save - The Save button of the entity form.
 * @csspart delete-entity - The button that deletes the selected entity.
 * @csspart relations - Its relation list.
 * @csspart delete-relation - The delete button of each relation.
 * @csspart error - The error message.
 * @csspart empty - The placeholder when nothing is selected.
 *
 * @cssproperty --llmos-graph-height - Height of the view (default 420px).
 * @cssproperty --llmos-graph-node - Entity colour.
 * @cssproperty --llmos-graph-selected - Selected entity colour.
 * @cssproperty --llmos-graph-edge - Relation colour.
 */
export class LlmosGraphExplorer extends LitElement {
  static override styles = [themeStyles, explorerStyles];
  /** The namespace shown (property only). */
  @property({ attribute: false }) graph: KnowledgeGraph | null = null;
  /** Id of the selected entity, whose neighbourhood is shown. */
  @property({ type: String, reflect: true }) selected: string | null = null;
  /** Neighbourhood radius in hops (default 1). */
  @property({ type: Number }) hops = 1;
  /** Most entities drawn (default 150). */
  @property({ type: Number, attribute: 'max-nodes' }) maxNodes = 150;
  /** Neighbourhoods larger than this are laid out in a worker (attribute `worker-threshold`, default 200). */
  @property({ type: Number, attribute: 'worker-threshold' }) workerThreshold = 200;
  /** @internal */ @state() private query = '';
  /** @internal */ @state() private view: NeighbourhoodView | null = null;
  /** @internal */ @state() private error: ErrorWords | null = null;
  /** @internal */ @state() private revision = 0;

  /** How the last layout ran: `sync`, `worker` (large neighbourhood) or `none`. */
  layoutMode: LayoutMode = 'none';
  /** Resolves when the current neighbourhood has been laid out and drawn. */
  layoutComplete: Promise<void> = Promise.resolve();

  private layoutAbort: AbortController | null = null;
  private unsubscribe: (() => void) | null = null;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.layoutAbort?.abort();
    clearTimeout(this.changeTimer);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.graph && !this.unsubscribe) this.subscribe(this.graph);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('graph')) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      if (this.graph && this.isConnected) this.subscribe(this.graph);
    }
    if (changed.has('graph') || changed.has('selected') || changed.has('hops') || changed.has('maxNodes')) this.relayout();
  }

  /** Re-read the graph when it changes under us (extraction, another view), at most every 50 ms. */
  private subscribe(kg: KnowledgeGraph): void {
    const onChange = () => {
      clearTimeout(this.changeTimer);
      this.changeTimer = setTimeout(() => {
        if (this.selected && !kg.graph.hasNode(this.selected)) this.select(null);
        else this.relayout();
        this.revision++;
      }, 50);
    };
    const events = ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'nodeAttributesUpdated', 'edgeAttributesUpdated', 'cleared'] as const;
    for (const e of events) kg.graph.on(e, onChange);
    this.unsubscribe = () => { for (const e of events) kg.graph.off(e, onChange); };
  }

  private relayout(): void {
    this.layoutAbort?.abort();
    const kg = this.graph, id = this.selected;
    if (!kg || !id || !kg.graph.hasNode(id)) {
      this.view = null;
      this.layoutComplete = Promise.resolve();
      return;
    }
    const ctrl = new AbortController();
    this.layoutAbort = ctrl;
    const g = viewGraph(kg, neighbourhood(kg, [id], this.hops, this.maxNodes));
    this.layoutComplete = layoutGraph(g, { workerThreshold: this.workerThreshold, signal: ctrl.signal }).then(async (mode) => {
      if (ctrl.signal.aborted) return;
      this.layoutMode = mode;
      this.view = toView(kg, g);
      await this.updateComplete;
    });
  }

  /** Select an entity (or none) as if the user had, firing `llmos-graph-select`. */
  select(id: string | null): void {
    this.selected = id;
    this.dispatchEvent(new LlmosGraphSelectEvent({ id }));
  }

  /** The namespace as text in a format (what the export buttons download). */
  exportText(format: GraphFormat): string {
    if (!this.graph) return '';
    return format === 'gexf' ? exportGexf(this.graph) : exportJson(this.graph);
  }

  /**
   * Merge a graphology JSON or GEXF file into the namespace (format from the extension: `.gexf`/`.xml`
   * is GEXF). A malformed file changes nothing: the error is shown, fired and thrown.
   */
  async importFile(file: File): Promise<ImportReport> {
    const kg = this.graph;
    try {
      if (!kg) throw new Error('No graph to import into');
      const format: GraphFormat = /\.(gexf|xml)$/i.test(file.name) ? 'gexf' : 'json';
      const report = importText(kg, await file.text(), format, file.name);
      await kg.flush();
      this.error = null;
      this.dispatchEvent(new LlmosGraphChangeEvent({ action: 'import', ids: [], entities: report.entities, relations: report.relations }));
      return report;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * Delete an entity or relation after a cancelable `llmos-graph-delete-request`.
   * @returns whether it was deleted
   */
  async requestDelete(detail: GraphDeleteDetail): Promise<boolean> {
    const kg = this.graph;
    if (!kg || !this.dispatchEvent(new LlmosGraphDeleteRequestEvent(detail))) return false;
    try {
      if (detail.kind === 'entity') kg.deleteEntity(detail.id);
      else kg.deleteRelation(detail.id);
      await kg.flush();
    } catch (e) {
      this.fail(e);
      return false;
    }
    if (detail.kind === 'entity' && this.selected === detail.id) this.select(null);
    this.dispatchEvent(new LlmosGraphChangeEvent({ action: 'delete', ids: [detail.id] }));
    return true;
  }

  private fail(e: unknown) {
    this.error = errorWords(e);
    this.dispatchEvent(new LlmosGraphErrorEvent({ error: this.error.error }));
    return this.error.error;
  }

  private download(format: GraphFormat): void {
    const type = format === 'gexf' ? 'application/gexf+xml' : 'application/json';
    const url = URL.createObjectURL(new Blob([this.exportText(format)], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${(this.graph?.ns ?? 'graph').replace(':', '-')}-knowledge.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private async save(ev: SubmitEvent, entity: Entity): Promise<void> {
    ev.preventDefault();
    const data = new FormData(ev.target as HTMLFormElement);
    try {
      this.graph!.updateEntity(entity.id, {
        label: String(data.get('label') ?? ''), type: String(data.get('type') ?? ''), aliases: splitList(String(data.get('aliases') ?? '')),
      });
      await this.graph!.flush();
      this.error = null;
      this.dispatchEvent(new LlmosGraphChangeEvent({ action: 'edit', ids: [entity.id] }));
    } catch (e) {
      this.fail(e);
    }
  }

  protected override render() {
    const kg = this.graph;
    const results = kg && this.query ? searchEntities(kg, this.query) : [];
    const entity = kg && this.selected ? kg.entity(this.selected) : undefined;
    return html`
      <div class="toolbar" part="toolbar">
        <input part="search" type="search" placeholder=${msg('Search entities')} aria-label=${msg('Search entities')} .value=${this.query}
          @input=${(e: InputEvent) => { this.query = (e.target as HTMLInputElement).value; }} ?disabled=${!kg}>
        <span class="file"><button part="import" type="button" ?disabled=${!kg}>${msg('Import…')}</button>
          <input type="file" name="import" aria-label=${msg('Import graph (JSON or GEXF)')} accept=".json,.gexf,.xml,application/json,application/xml" ?disabled=${!kg}
            @change=${(e: Event) => this.onFile(e)}></span>
        <button part="export-json" type="button" ?disabled=${!kg} @click=${() => this.download('json')}>${msg('Export JSON')}</button>
        <button part="export-gexf" type="button" ?disabled=${!kg} @click=${() => this.download('gexf')}>${msg('Export GEXF')}</button>
      </div>
      ${this.error ? html`<div class="error" part="error" role="alert" data-code=${this.error.code}>
        ${this.error.words} <code>${this.error.code}</code><br>${this.error.message}</div>` : nothing}
      ${this.query ? html`<ul class="results" part="results" aria-label=${msg('Search results')}>
        ${results.length === 0 ? html`<li class="muted">${msg('No entity matches.')}</li>` : results.map((r) => html`<li>
          <button type="button" data-id=${r.id} @click=${() => this.select(r.id)}>${r.label} <small>${r.type}</small></button></li>`)}
      </ul>` : nothing}
      <div class="main">
        ${this.view ? html`<svg part="canvas" viewBox="0 0 ${VIEW_W} ${VIEW_H}" role="group" aria-label=${msg('Neighbourhood of the selected entity')}>
          ${renderView(this.view, this.selected, (id) => this.select(id))}</svg>`
          : html`<div class="empty" part="empty">${kg ? msg('Search for an entity to see its neighbourhood.') : msg('No graph.')}</div>`}
        ${entity ? this.renderDetail(entity, kg!.relationsOf(entity.id)) : nothing}
      </div>`;
  }

  private renderDetail(entity: Entity, relations: Relation[]) {
    const kg = this.graph!;
    const name = (id: string) => kg.entity(id)?.label ?? id;
    return html`<section class="detail" part="detail" aria-label=${msg('Entity detail')}>
      <h3>${entity.label}</h3>
      <div class="muted">${entity.type}${entity.aliases.length ? html` · ${msg(str`also ${entity.aliases.join(', ')}`)}` : nothing}</div>
      <form @submit=${(e: SubmitEvent) => this.save(e, entity)}>
        <label>${msg('Label')} <input name="label" .value=${entity.label} required></label>
        <label>${msg('Type')} <input name="type" .value=${entity.type}></label>
        <label>${msg('Aliases (comma-separated)')} <input name="aliases" .value=${entity.aliases.join(', ')}></label>
        <div class="row"><button class="primary" type="submit" part="save">${msg('Save')}</button>
          <button class="danger" type="button" part="delete-entity"
            @click=${() => this.requestDelete({ kind: 'entity', id: entity.id, label: entity.label })}>${msg('Delete entity')}</button></div>
      </form>
      <ul class="relations" part="relations">${relations.map((r) => {
        const label = `${name(r.source)} ${r.predicate} ${name(r.target)}`;
        return html`<li data-id=${r.id}>
          <button class="link" type="button" @click=${() => this.select(r.source)}>${name(r.source)}</button>
          ${r.predicate}
          <button class="link" type="button" @click=${() => this.select(r.target)}>${name(r.target)}</button>
          <span class="muted">(${r.confidence.toFixed(2)})</span>
          <button type="button" class="danger" part="delete-relation" aria-label=${msg(str`Delete: ${label}`)}
            @click=${() => this.requestDelete({ kind: 'relation', id: r.id, label })}>✕</button>
          <ul class="prov">${r.provenance.length === 0 ? html`<li>${msg('no recorded source')}</li>`
            : r.provenance.map((p) => html`<li>${provenanceText(p)}</li>`)}</ul>
        </li>`;
      })}</ul>
    </section>`;
  }

  private async onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) await this.importFile(file).catch(() => undefined); // shown and fired already
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-graph-explorer': LlmosGraphExplorer;
  }
}
