import { LitElement, html, nothing } from 'lit';
import { toLlmOsError } from '../../errors';
import type { LibraryEntry } from '../../models/model-library';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { formatBytes } from '../shared/format';
import { themeStyles } from '../shared/theme.styles';
import { LlmosModelImportErrorEvent, LlmosModelImportedEvent } from './import-events';
import { modelImportStyles } from './llmos-model-import.styles';

/** What the element needs from the model library (`ModelLibrary` fits). */
export interface ModelImporter {
  importFile(file: Blob, opts?: { onProgress?: (loaded: number, total: number) => void }): Promise<LibraryEntry>;
}

/**
 * Import a local `.gguf` into the model library: pick a file or drop one on the zone. The library
 * validates the GGUF header before storing anything; the outcome is shown and fired as an event.
 *
 * @summary File picker and drop zone for local GGUF models.
 *
 * @event llmos-model-imported - `LlmosModelImportedEvent`: the file is stored (`detail.entry`).
 * @event llmos-model-import-error - `LlmosModelImportErrorEvent`: typed error (`detail.error.code`, e.g. `GGUF_INVALID`).
 *
 * @csspart zone - The drop zone. @csspart input - The file input. @csspart status - The outcome line.
 *
 * @cssproperty --llmos-accent - Zone highlight while dragging. @cssproperty --llmos-danger - Error colour.
 */
export class LlmosModelImport extends LitElement {
  static override styles = [themeStyles, modelImportStyles];
  static override properties = {
    library: { attribute: false },
    dragging: { type: Boolean, reflect: true },
    busy: { state: true },
    result: { state: true },
  };

  /** The library files are imported into. */
  declare library: ModelImporter | null;
  /** True while a file is dragged over the zone. */
  declare dragging: boolean;
  /** @internal */ declare busy: { name: string; loaded: number; total: number } | null;
  /** @internal */ declare result: { ok: true; name: string } | { ok: false; words: ErrorWords } | null;

  constructor() {
    super();
    this.library = null;
    this.dragging = false;
    this.busy = null;
    this.result = null;
  }

  /** Import one file (what the picker and the drop zone call); resolves with the entry, or null on failure. */
  async import(file: File): Promise<LibraryEntry | null> {
    if (!this.library || this.busy) return null;
    this.busy = { name: file.name, loaded: 0, total: file.size };
    this.result = null;
    try {
      const entry = await this.library.importFile(file, { onProgress: (loaded, total) => { this.busy = { name: file.name, loaded, total }; } });
      this.result = { ok: true, name: entry.name };
      this.dispatchEvent(new LlmosModelImportedEvent({ entry, fileName: file.name }));
      return entry;
    } catch (e) {
      const error = toLlmOsError(e);
      this.result = { ok: false, words: errorWords(error) };
      this.dispatchEvent(new LlmosModelImportErrorEvent({ error, fileName: file.name }));
      return null;
    } finally {
      this.busy = null;
    }
  }

  private onPick(ev: Event): void {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // picking the same file again fires change again
    if (file) void this.import(file);
  }

  private onDragOver(ev: DragEvent): void {
    if (![...(ev.dataTransfer?.types ?? [])].includes('Files')) return;
    ev.preventDefault(); // allow the drop
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDrop(ev: DragEvent): void {
    ev.preventDefault();
    this.dragging = false;
    const file = ev.dataTransfer?.files?.[0];
    if (file) void this.import(file);
  }

  override render() {
    const busy = this.busy;
    const r = this.result;
    return html`<div part="zone" class="zone" @dragover=${this.onDragOver} @dragleave=${() => { this.dragging = false; }} @drop=${this.onDrop}>
      <span class="hint">Drop a <code>.gguf</code> file here, or</span>
      <label class="pick">choose a file<input part="input" type="file" accept=".gguf" ?disabled=${!this.library || busy !== null}
        @change=${this.onPick} /></label>
      ${busy ? html`<progress part="progress" max="1" .value=${busy.total ? busy.loaded / busy.total : 0}></progress>
        <span part="status" class="status" data-state="busy">Importing ${busy.name} (${formatBytes(busy.loaded)} of ${formatBytes(busy.total)})</span>` : nothing}
      ${r?.ok ? html`<span part="status" class="status" data-state="done">Imported ${r.name}.</span>` : nothing}
      ${r && !r.ok ? html`<span part="status" class="status" data-state="error" role="alert" data-code=${r.words.code}>${r.words.words}
        <span class="detail">${r.words.message}</span></span>` : nothing}
    </div>`;
  }
}
