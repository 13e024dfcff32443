import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { damagedRecords, type CheckedStore, type DamagedRecord } from '../../storage/damaged-records';
import type { LlmOsDatabase } from '../../storage/db';
import { LlmosDeleteRequestEvent } from '../shared/desktop-events';
import { themeStyles } from '../shared/theme.styles';

/** What a damaged record of each store is, in the user's words. */
function noun(r: DamagedRecord): string {
  switch (r.store) {
    case 'conversations': return msg('A saved conversation is damaged and was skipped.');
    case 'models': return msg('A stored model record is damaged and was skipped.');
    case 'chunks': return msg('A piece of a stored model file is damaged; delete it, then download the model again.');
    case 'settings': return msg('A stored setting is damaged; its default is used instead.');
  }
}

/**
 * The notice for stored records that could not be read (see `storage/damaged-records.ts`): one line per
 * skipped record of `db` — what it is, its key and problem, and a Delete button (after a cancelable
 * `llmos-delete-request`). Renders nothing while there is none. Apps put it where the user meets the
 * records: the Chat app for its conversations, the model library for model records, chunks and settings.
 *
 * @summary Offers to delete damaged stored records.
 *
 * @event llmos-delete-request - `LlmosDeleteRequestEvent` (cancelable, `kind: 'damaged-record'`) before a record is deleted.
 *
 * @csspart notice - The notice box.
 * @csspart item - One damaged record.
 */
export class LlmosDamagedRecords extends LitElement {
  static override styles = [themeStyles, css`
    :host { display: block; }
    .notice { margin: 0.5rem 0.75rem; padding: 0.5rem 0.75rem; border: 1px solid color-mix(in srgb, var(--_danger) 45%, var(--_border));
      border-radius: var(--_radius); font-size: 0.86rem; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; }
    li { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
    li span { flex: 1; min-width: 12rem; }
    code { font-family: var(--_mono); font-size: 0.8rem; color: var(--_muted); overflow-wrap: anywhere; }
    button { padding: 0.25em 0.7em; font-size: 0.82rem; }
  `];
  /** The database whose damaged records are listed (none while null). */
  @property({ attribute: false }) db: LlmOsDatabase | null = null;
  /** Only records of these stores (default: every checked store). */
  @property({ attribute: false }) stores: readonly CheckedStore[] | null = null;
  /** Only records this accepts (e.g. the conversations of one app). */
  @property({ attribute: false }) match: ((r: DamagedRecord) => boolean) | null = null;
  /** @internal A deletion that failed, in words. */
  @state() private failed: string | null = null;

  private readonly onChange = () => this.requestUpdate();

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    damagedRecords.addEventListener('change', this.onChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    damagedRecords.removeEventListener('change', this.onChange);
  }

  /** The records this notice lists now. */
  get records(): DamagedRecord[] {
    if (!this.db) return [];
    return damagedRecords.list(this.db.name, this.stores ?? undefined).filter((r) => !this.match || this.match(r));
  }

  private async deleteRecord(r: DamagedRecord): Promise<void> {
    const id = `${r.store}/${JSON.stringify(r.key)}`;
    if (!this.db || !this.dispatchEvent(new LlmosDeleteRequestEvent({ kind: 'damaged-record', id, name: noun(r) }))) return;
    try {
      await damagedRecords.delete(this.db, r);
      this.failed = null;
    } catch (e) {
      this.failed = e instanceof Error ? e.message : String(e);
    }
  }

  protected override render() {
    const records = this.records;
    if (!records.length) return nothing;
    return html`<section part="notice" class="notice" role="status" aria-label=${msg('Damaged stored data')}>
      <ul>${records.map((r) => html`<li part="item" data-store=${r.store}>
        <span>${noun(r)} <code>${JSON.stringify(r.key)}: ${r.problem}</code></span>
        <button type="button" aria-label=${msg(str`Delete damaged record ${JSON.stringify(r.key)}`)} @click=${() => void this.deleteRecord(r)}>${msg('Delete')}</button>
      </li>`)}</ul>
      ${this.failed ? html`<p role="alert">${this.failed}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-damaged-records': LlmosDamagedRecords;
  }
}
