import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { toLlmOsError } from '../../errors';
import type { ImportFileOptions, LibraryEntry } from '../../models/model-library';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { formatBytes } from '../shared/format';
import { themeStyles } from '../shared/theme.styles';
import { LlmosModelImportErrorEvent, LlmosModelImportedEvent } from './import-events';
import { modelImportStyles } from './llmos-model-import.styles';

type Progress = Pick<ImportFileOptions, 'onProgress'>;

/** What the element needs from the model library (`ModelLibrary` fits). */
export interface ModelImporter {
  /** One model file, or a model and its vision projector in either order (told apart by their headers). */
  importFiles(files: readonly Blob[], opts?: Progress): Promise<LibraryEntry>;
  /** Add a vision projector (mmproj GGUF) to a stored model. */
  attachProjector(modelId: string, file: Blob, opts?: Progress): Promise<LibraryEntry>;
}

/**
 * Import a local `.gguf` into the model library: pick or drop a model file — or a model and its vision
 * projector (llama.cpp "mmproj" GGUF) together, in any order: the library tells them apart by their
 * headers. After a text-only model is imported, a second picker adds a vision projector to it. The
 * library validates every header before storing anything; the outcome is shown and fired as an event.
 *
 * @summary File picker and drop zone for local GGUF models and their vision projectors.
 *
 * @event llmos-model-imported - `LlmosModelImportedEvent`: the file is stored (`detail.entry`; `entry.inputs`
 *   includes `image` once it has a projector).
 * @event llmos-model-import-error - `LlmosModelImportErrorEvent`: typed error (`detail.error.code`, e.g. `GGUF_INVALID`).
 *
 * @csspart zone - The drop zone.
 * @csspart input - The model file input.
 * @csspart projector-input - The input that adds a vision projector to the model just imported.
 * @csspart progress - The progress bar while a file is read and stored.
 * @csspart status - The outcome line.
 *
 * @cssproperty --llmos-accent - Zone highlight while dragging.
 * @cssproperty --llmos-danger - Error colour.
 */
export class LlmosModelImport extends LitElement {
  static override styles = [themeStyles, modelImportStyles];
  /** The library files are imported into. */
  @property({ attribute: false }) library: ModelImporter | null = null;
  /** True while a file is dragged over the zone. */
  @property({ type: Boolean, reflect: true }) dragging = false;
  /** @internal */ @state() private busy: { name: string; loaded: number; total: number } | null = null;
  /** @internal */ @state() private result: { ok: true; entry: LibraryEntry } | { ok: false; words: ErrorWords } | null = null;
  /** @internal The model just imported, which the second picker adds a projector to. */ @state() private target: LibraryEntry | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /**
   * Import a model file, or a model and its vision projector (what the picker and the drop zone call);
   * resolves with the entry, or null on failure.
   */
  async import(...files: File[]): Promise<LibraryEntry | null> {
    const lib = this.library;
    if (!lib || files.length === 0 || this.busy) return null;
    this.target = null;
    return this.run(files, (onProgress) => lib.importFiles(files, { onProgress }));
  }

  /** Add a vision projector to a stored model; resolves with the model's entry, or null on failure. */
  async attachProjector(modelId: string, file: File): Promise<LibraryEntry | null> {
    const lib = this.library;
    if (!lib) return null;
    return this.run([file], (onProgress) => lib.attachProjector(modelId, file, { onProgress }));
  }

  private async run(files: File[], work: (onProgress: (loaded: number, total: number) => void) => Promise<LibraryEntry>): Promise<LibraryEntry | null> {
    if (this.busy) return null;
    const name = files.map((f) => f.name).join(' + ');
    this.busy = { name, loaded: 0, total: files.reduce((n, f) => n + f.size, 0) };
    this.result = null;
    try {
      const entry = await work((loaded, total) => { this.busy = { name, loaded, total }; });
      this.result = { ok: true, entry };
      this.target = entry;
      this.dispatchEvent(new LlmosModelImportedEvent({ entry, fileName: name }));
      return entry;
    } catch (e) {
      const error = toLlmOsError(e);
      this.result = { ok: false, words: errorWords(error) };
      this.dispatchEvent(new LlmosModelImportErrorEvent({ error, fileName: name }));
      return null;
    } finally {
      this.busy = null;
    }
  }

  private picked(ev: Event): File[] {
    const input = ev.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = ''; // picking the same file again fires change again
    return files;
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
    void this.import(...(ev.dataTransfer?.files ?? []));
  }

  private renderDone(entry: LibraryEntry) {
    return html`<span part="status" class="status" data-state="done">${entry.inputs.includes('image')
      ? msg(str`Imported ${entry.name}: it accepts images.`) : msg(str`Imported ${entry.name}.`)}</span>`;
  }

  /** The second picker: a vision projector for the text-only model just imported (stays after a refusal). */
  private renderProjectorPicker(entry: LibraryEntry) {
    return html`<label class="pick secondary">${msg(str`Add a vision projector (mmproj) to ${entry.name}`)}<input part="projector-input"
      type="file" accept=".gguf" ?disabled=${!this.library || this.busy !== null}
      @change=${(ev: Event) => { const [f] = this.picked(ev); if (f) void this.attachProjector(entry.id, f); }} /></label>`;
  }

  override render() {
    const busy = this.busy;
    const r = this.result;
    return html`<div part="zone" class="zone" @dragover=${this.onDragOver} @dragleave=${() => { this.dragging = false; }} @drop=${this.onDrop}>
      <span class="hint">${msg('Drop a .gguf model file here (with its vision projector, if it has one), or')}</span>
      <label class="pick">${msg('choose files')}<input part="input" type="file" accept=".gguf" multiple ?disabled=${!this.library || busy !== null}
        @change=${(ev: Event) => void this.import(...this.picked(ev))} /></label>
      ${busy ? html`<progress part="progress" max="1" .value=${busy.total ? busy.loaded / busy.total : 0}></progress>
        <span part="status" class="status" data-state="busy">${msg(str`Importing ${busy.name} (${formatBytes(busy.loaded)} of ${formatBytes(busy.total)})`)}</span>` : nothing}
      ${r?.ok ? this.renderDone(r.entry) : nothing}
      ${r && !r.ok ? html`<span part="status" class="status" data-state="error" role="alert" data-code=${r.words.code}>${r.words.words}
        <span class="detail">${r.words.message}</span></span>` : nothing}
      ${this.target && !this.target.inputs.includes('image') ? this.renderProjectorPicker(this.target) : nothing}
    </div>`;
  }
}
