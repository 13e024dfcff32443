import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { DesktopServices } from '../services/desktop-services';
import type { DownloadState } from '../services/download-tracker';
import type { LibraryEntry, ModelLibrary } from '../../models/model-library';
import type { CheckedStore, DamagedRecord } from '../../storage/damaged-records';
import type { StorageInfo } from '../../storage/quota';
import '../../components/llmos-damaged-records/define';
import { themeStyles } from '../../components/shared/theme.styles';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import { formatBytes } from '../../components/shared/format';
import { ICONS } from '../../components/shared/icons';
import { LlmosDeleteRequestEvent } from '../../components/shared/desktop-events';
import { etaWords, stateWords } from './library-words';
import { modelLibraryStyles } from './llmos-model-library.styles';

/**
 * The model library: every catalog, downloaded and imported model with its size, quantisation, memory
 * estimate and state (and a "Vision" badge for models that accept images); download, resume and cancel
 * with a progress bar, rate and ETA; delete (after a confirmation, and a cancelable `llmos-delete-request`);
 * import a local `.gguf` (with its vision projector, picked together); add a GGUF by URL; storage usage
 * and whether the browser made it persistent. Stored model records, chunks and library settings that
 * cannot be read are skipped and listed in a notice that offers to delete them.
 *
 * @summary Download, import, delete models; storage and persistence.
 *
 * @event llmos-delete-request - `LlmosDeleteRequestEvent` (cancelable) before a model is deleted.
 *
 * @csspart storage - The storage summary. @csspart row - Each model row. @csspart progress - A download's bar.
 */
export class LlmosModelLibrary extends LitElement {
  static override styles = [themeStyles, modelLibraryStyles];
  /** Where the library and the download tracker come from. */
  @property({ attribute: false }) services: DesktopServices | null = null;
  /** @internal */ @state() entries: LibraryEntry[] | null = null;
  /** @internal */ @state() private storage: StorageInfo | null = null;
  /** @internal */ @state() private confirming: string | null = null;
  /** @internal */ @state() private importing: { name: string; fraction: number } | null = null;
  /** @internal */ @state() private problem: ErrorWords | null = null;

  private lib: ModelLibrary | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly damagedStores: readonly CheckedStore[] = ['models', 'chunks', 'settings'];
  private readonly libraryDamaged = (r: DamagedRecord) => r.store !== 'settings' || String(r.key).startsWith('models.');

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.services && !this.unsubscribe) void this.attach(this.services);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('services') && this.services && this.isConnected) void this.attach(this.services);
  }

  private async attach(s: DesktopServices): Promise<void> {
    this.unsubscribe?.();
    const onDownloads = () => this.requestUpdate();
    s.downloads.addEventListener('change', onDownloads);
    // A model the kernel quarantined (its load failed twice in a row) is marked in its row.
    const offQuarantine = [s.kernel.events.on('model-quarantined', onDownloads), s.kernel.events.on('model-quarantine-cleared', onDownloads)];
    let lib: ModelLibrary | null = null;
    const onChange = () => void this.refresh();
    this.unsubscribe = () => {
      s.downloads.removeEventListener('change', onDownloads);
      for (const off of offQuarantine) off();
      lib?.removeEventListener('change', onChange);
    };
    try {
      lib = await s.library();
    } catch (e) {
      this.problem = errorWords(e);
      return;
    }
    if (this.services !== s) return;
    this.lib = lib;
    lib.addEventListener('change', onChange);
    await this.refresh();
  }

  /** Re-read the list and the storage figures. */
  async refresh(): Promise<void> {
    const lib = this.lib;
    if (!lib || !this.isConnected) return;
    try {
      const [entries, storage] = await Promise.all([lib.list(), lib.storage()]);
      this.entries = entries;
      this.storage = storage;
    } catch (e) {
      if (this.isConnected) this.problem = errorWords(e);
    }
  }

  private download(e: LibraryEntry): void {
    void this.services?.downloads.start(e.id);
  }

  private cancel(e: LibraryEntry): void {
    void this.services?.downloads.cancel(e.id);
  }

  private async deleteModel(e: LibraryEntry): Promise<void> {
    this.confirming = null;
    if (!this.dispatchEvent(new LlmosDeleteRequestEvent({ kind: 'model', id: e.id, name: e.name }))) return;
    try {
      await this.lib?.delete(e.id);
      this.services?.downloads.forget(e.id);
    } catch (err) {
      this.problem = errorWords(err);
    }
  }

  private async persist(): Promise<void> {
    await this.lib?.persist();
    await this.refresh();
  }

  private async importFile(ev: Event): Promise<void> {
    const input = ev.target as HTMLInputElement;
    // One model file, or a model and its vision projector (the library tells them apart by their headers).
    const files = [...(input.files ?? [])];
    if (!files.length || !this.lib) return;
    const name = files.map((f) => f.name).join(' + ');
    this.problem = null;
    this.importing = { name, fraction: 0 };
    try {
      await this.lib.importFiles(files, { onProgress: (loaded, total) => { this.importing = { name, fraction: total ? loaded / total : 0 }; } });
    } catch (e) {
      this.problem = errorWords(e);
    } finally {
      this.importing = null;
      input.value = '';
    }
  }

  private async addUrl(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const input = form.elements.namedItem('url') as HTMLInputElement;
    const projector = form.elements.namedItem('projector') as HTMLInputElement;
    this.problem = null;
    try {
      const projectorUrl = projector.value.trim();
      const entry = await this.lib?.addUrl(input.value.trim(), projectorUrl ? { projectorUrl } : {});
      input.value = '';
      projector.value = '';
      if (entry) this.download(entry);
    } catch (e) {
      this.problem = errorWords(e);
    }
  }

  private renderProgress(d: DownloadState | undefined, e: LibraryEntry) {
    const p = d?.progress;
    if (!d?.running && !p) return nothing;
    const fraction = p?.fraction ?? (e.sizeBytes ? e.storedBytes / e.sizeBytes : 0);
    const pct = Math.round(fraction * 100);
    const detail = p && d?.running
      ? [`${formatBytes(p.loaded)} / ${p.total ? formatBytes(p.total) : '?'}`, p.bytesPerSec > 0 ? `${formatBytes(p.bytesPerSec)}/s` : '', etaWords(p.etaSec)].filter(Boolean).join(' · ')
      : '';
    if (!d?.running) return nothing;
    return html`<div class="progress">
      <progress part="progress" max="100" value=${pct} aria-label=${msg(str`Downloading ${e.name}`)}></progress>
      <span class="pct">${pct}%</span><span class="detail">${detail}</span></div>`;
  }

  private renderActions(e: LibraryEntry, d: DownloadState | undefined) {
    const running = d?.running === true || e.downloading;
    if (this.confirming === e.id) {
      return html`<span class="confirm" role="group" aria-label=${msg(str`Delete ${e.name}?`)}>
        <span>${msg(str`Delete ${formatBytes(e.storedBytes)}?`)}</span>
        <button type="button" class="danger" @click=${() => void this.deleteModel(e)}>${msg('Delete')}</button>
        <button type="button" @click=${() => { this.confirming = null; }}>${msg('Keep')}</button></span>`;
    }
    const canDownload = e.engine === 'wllama' && e.state !== 'cached' && !running;
    return html`
      ${canDownload ? html`<button type="button" class="primary" data-action="download" aria-label=${e.state === 'partial' ? msg(str`Resume ${e.name}`) : msg(str`Download ${e.name}`)}
        @click=${() => this.download(e)}>${ICONS.download}<span>${e.state === 'partial' ? msg('Resume') : msg('Download')}</span></button>` : nothing}
      ${running ? html`<button type="button" data-action="cancel" aria-label=${msg(str`Cancel downloading ${e.name}`)} @click=${() => this.cancel(e)}>${msg('Cancel')}</button>` : nothing}
      ${e.state !== 'remote' && !running ? html`<button type="button" class="icon" data-action="delete" aria-label=${msg(str`Delete ${e.name}`)}
        @click=${() => { this.confirming = e.id; }}>${ICONS.trash}</button>` : nothing}`;
  }

  private renderRow(e: LibraryEntry) {
    const d = this.services?.downloads.get(e.id);
    const size = e.sizeBytes ? formatBytes(e.sizeBytes) : msg('size unknown');
    const err = d?.error ? errorWords(d.error) : null;
    return html`<li part="row" class="row" data-model=${e.id} data-state=${e.state}>
      <div class="main">
        <div class="title"><strong>${e.name}</strong>
          <span class="badge">${e.engine}</span>${e.quantisation ? html`<span class="badge mono">${e.quantisation}</span>` : nothing}
          ${e.inputs.includes('image') ? html`<span class="badge vision" data-input="image" title=${msg('Accepts images (it has a vision projector)')}>${msg('Vision')}</span>` : nothing}
          <span class="state ${e.state}">${stateWords(e.state)}</span></div>
        <div class="facts">${size}${e.memoryMB ? html` · ${msg(str`needs about ${Math.round(e.memoryMB)} MB to run`)}` : nothing}
          ${e.state === 'partial' && e.sizeBytes ? html` · ${msg(str`${formatBytes(e.storedBytes)} stored`)}` : nothing}
          ${e.verified ? html` · ${msg('verified')}` : nothing}</div>
        ${this.renderProgress(d, e)}
        ${err ? html`<p class="error" role="alert" data-code=${err.code}><strong>${err.words}</strong> ${err.message} <code>${err.code}</code></p>` : nothing}
        ${this.renderQuarantine(e)}
      </div>
      <div class="actions">${this.renderActions(e, d)}</div>
    </li>`;
  }

  private renderQuarantine(e: LibraryEntry) {
    const kernel = this.services?.kernel;
    const q = kernel?.quarantined().find((m) => m.model === e.id);
    if (!kernel || !q) return nothing;
    return html`<p class="error" data-quarantined=${e.id}><strong>${msg('Quarantined:')}</strong>
      ${msg(str`it failed to load ${q.failures} times in a row (${q.code}), so apps cannot use it until you clear this or replace the file.`)}
      <button type="button" @click=${() => { kernel.clearQuarantine(e.id); this.requestUpdate(); }}>${msg('Clear')}</button></p>`;
  }

  private renderStorage() {
    const s = this.storage;
    if (!s) return nothing;
    const frac = s.quota > 0 ? Math.min(1, s.usage / s.quota) : 0;
    return html`<section part="storage" class="storage" aria-label=${msg('Storage')}>
      <div class="usage"><span>${msg(str`${formatBytes(s.usage)} used of ${formatBytes(s.quota)}`)}</span>
        <span class="track" role="meter" aria-label=${msg('Storage used')} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(frac * 100)}>
          <span class="fill" style="width:${(frac * 100).toFixed(1)}%"></span></span></div>
      <div class="persist" data-persisted=${s.persisted ? 'true' : 'false'}>
        ${s.persisted ? msg('Storage is persistent: the browser will not evict models.')
          : html`${msg('The browser may evict models when space runs low.')}
            <button type="button" @click=${() => void this.persist()}>${msg('Keep them')}</button>`}</div>
    </section>`;
  }

  protected override render() {
    const entries = this.entries;
    const local = entries?.filter((e) => e.state !== 'remote' || this.services?.downloads.get(e.id)?.running) ?? [];
    const remote = entries?.filter((e) => !local.includes(e)) ?? [];
    return html`
      ${this.renderStorage()}
      <div class="tools">
        <label class="file-button" title=${msg('Choose a model file, or a model and its vision projector (mmproj)')}><input type="file" accept=".gguf" multiple
          @change=${(e: Event) => void this.importFile(e)} />${ICONS.plus}<span>${msg('Import a .gguf file')}</span></label>
        <form class="url" @submit=${(e: SubmitEvent) => void this.addUrl(e)}>
          <label class="visually-hidden" for="url">${msg('GGUF URL')}</label>
          <input id="url" name="url" type="url" required placeholder="https://…/model.gguf" autocomplete="off" />
          <label class="visually-hidden" for="projector-url">${msg('Vision projector URL (optional)')}</label>
          <input id="projector-url" name="projector" type="url" placeholder=${msg('optional: https://…/mmproj.gguf')} autocomplete="off"
            title=${msg('Vision projector URL (optional)')} />
          <button type="submit">${msg('Add URL')}</button></form>
      </div>
      ${this.importing ? html`<div class="progress"><progress max="100" value=${Math.round(this.importing.fraction * 100)}
        aria-label=${msg(str`Importing ${this.importing.name}`)}></progress><span>${msg(str`Importing ${this.importing.name}…`)}</span></div>` : nothing}
      <llmos-damaged-records part="damaged" .db=${this.lib?.db ?? null} .stores=${this.damagedStores} .match=${this.libraryDamaged}></llmos-damaged-records>
      ${this.problem ? html`<p class="error" role="alert" data-code=${this.problem.code}><strong>${this.problem.words}</strong>
        ${this.problem.message} <code>${this.problem.code}</code></p>` : nothing}
      ${entries === null ? html`<p class="muted">${msg('Loading the library…')}</p>` : html`
        <h3>${msg('On this device')}</h3>
        ${local.length ? html`<ul class="list" aria-label=${msg('On this device')}>${repeat(local, (e) => e.id, (e) => this.renderRow(e))}</ul>`
          : html`<p class="muted">${msg('No models yet. Download one below or import a file.')}</p>`}
        <h3>${msg('Available')}</h3>
        <ul class="list" aria-label=${msg('Available')}>${repeat(remote, (e) => e.id, (e) => this.renderRow(e))}</ul>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-model-library': LlmosModelLibrary;
  }
}
