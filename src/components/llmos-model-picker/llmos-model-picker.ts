import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { themeStyles } from '../shared/theme.styles';
import { formatBytes } from '../shared/format';
import { pickerStyles } from './llmos-model-picker.styles';
import { LlmosRequestLoadEvent, type RequestLoadDetail } from './request-load-event';
import { probeFixtures, probeGpuSupport, type FixtureModel, type GpuSupport } from './probe';
import type { WebLLMCatalogEntry } from '../../models/webllm-catalog';

type Catalog = typeof import('../../models/webllm-catalog');

/** The picker's tabs, in order. */
export type PickerTab = 'fixtures' | 'url' | 'file' | 'webllm';

function tabLabel(t: PickerTab): string {
  return { fixtures: msg('Test models'), url: msg('GGUF URL'), file: msg('Local file'), webllm: 'WebLLM' }[t];
}

/** Fixture files the dev and preview servers serve (see test/fixture-server.ts). */
export const DEFAULT_FIXTURES = ['tiny.gguf', 'tiny-b.gguf', 'bench-40m.gguf'];

const stripExt = (name: string) => name.replace(/\.gguf$/i, '');

/**
 * Choose a model to load: the fixture models a dev or preview server serves (shown only when they
 * really answer), any GGUF URL, a local `.gguf` file, or a WebLLM prebuilt model that this device can
 * run (no `shader-f16` models without the feature; nothing without WebGPU). It never loads anything:
 * it fires a cancelable `llmos-request-load` with the engine kind and a `ModelSource`.
 *
 * @summary Pick a model source and ask for it to be loaded.
 *
 * @event llmos-request-load - `LlmosRequestLoadEvent` (cancelable): the user picked a model; `detail` =
 *   `{engine, source, origin, label}`. `preventDefault()` refuses the load.
 *
 * @attr for - Elements library only: ids of the elements (space-separated) whose `model` a pick sets
 *   when no listener refused the load; the picked source is registered with the page's shared kernel.
 *
 * @csspart tabs - The tab list.
 * @csspart tab - Each tab.
 * @csspart panel - The active tab's panel.
 * @csspart load - Every Load button.
 * @csspart note - Explanatory notes under a panel.
 * @csspart current - The line naming the current choice.
 *
 * @cssproperty --llmos-accent - Active tab and buttons.
 * @cssproperty --llmos-border - Borders.
 * @cssproperty --llmos-surface - Panel background.
 * @cssproperty --llmos-radius - Corner radius.
 */
export class LlmosModelPicker extends LitElement {
  static override styles = [themeStyles, pickerStyles];
  /** Fixture file names to look for under `fixture-base`. */
  @property({ attribute: false }) fixtures: string[] = DEFAULT_FIXTURES;
  /** Where fixture models are served (attribute `fixture-base`, default `/fixtures/`). */
  @property({ type: String, attribute: 'fixture-base' }) fixtureBase = '/fixtures/';
  /** Hide WebLLM models needing more VRAM than this (MB). Unset: no size filter. */
  @property({ type: Number, attribute: 'vram-budget-mb' }) vramBudgetMB: number | undefined = undefined;
  /** Disables every Load button (e.g. while a load runs). */
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** Label of the model last requested and not refused. */
  @property({ type: String }) current = '';
  /** @internal */ @state() private tab: PickerTab = 'url';
  /** @internal */ @state() private found: FixtureModel[] | null = null;
  /** @internal */ @state() private gpu: GpuSupport | null = null;
  /** @internal */ @state() private catalog: Catalog | null = null;
  /** @internal */ @state() private urlError = '';
  /** @internal */ @state() private file: File | null = null;

  private tabChosen = false;
  private probed = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
  }

  /** WebLLM models offered on this device, smallest first (empty until probed, and without WebGPU). */
  get webllmChoices(): WebLLMCatalogEntry[] {
    if (!this.gpu?.webgpu || !this.catalog) return [];
    return this.catalog.webllmModelsFor({ f16: this.gpu.f16, vramBudgetMB: this.vramBudgetMB ?? Infinity });
  }

  /** Fixture models found on this server (`null` while probing). */
  get fixtureModels(): FixtureModel[] | null {
    return this.found;
  }

  /** Resolves when every probe (fixtures, GPU, catalog) has settled. */
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  override connectedCallback(): void {
    super.connectedCallback();
    void this.probe();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('fixtures') || changed.has('fixtureBase')) && this.probed && this.isConnected) void this.probe();
  }

  private async probe(): Promise<void> {
    const key = `${this.fixtureBase}|${this.fixtures.join(',')}`;
    if (this.probed === key) return;
    this.probed = key;
    const [found, gpu, catalog] = await Promise.all([
      probeFixtures(this.fixtureBase, this.fixtures),
      probeGpuSupport(),
      // Lazy: the catalog (data only, never web-llm itself) is a separate chunk, fetched by pages with a picker.
      import('../../models/webllm-catalog').catch(() => null),
    ]);
    if (this.probed !== key) return;
    this.found = found;
    this.gpu = gpu;
    this.catalog = catalog;
    if (!this.tabChosen) this.tab = found.length > 0 ? 'fixtures' : 'url';
    this.markReady();
  }

  private get tabs(): PickerTab[] {
    return (['fixtures', 'url', 'file', 'webllm'] as const).filter((t) => t !== 'fixtures' || (this.found?.length ?? 0) > 0);
  }

  /** Show a tab (as if the user chose it). */
  select(tab: PickerTab): void {
    this.tabChosen = true;
    this.tab = tab;
  }

  private request(detail: RequestLoadDetail): boolean {
    const accepted = this.dispatchEvent(new LlmosRequestLoadEvent(detail));
    if (accepted) this.current = detail.label;
    return accepted;
  }

  private loadFixture(f: FixtureModel): void {
    this.request({ engine: 'wllama', origin: 'fixture', label: f.name, source: { kind: 'gguf-url', id: stripExt(f.name), url: f.url } });
  }

  private onUrlSubmit(ev: SubmitEvent): void {
    ev.preventDefault();
    const input = (ev.target as HTMLFormElement).elements.namedItem('url') as HTMLInputElement;
    const raw = input.value.trim();
    let url: URL;
    try {
      url = new URL(raw, location.href);
    } catch {
      url = new URL('invalid:');
    }
    if (!raw || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      this.urlError = msg('Enter an http(s) URL of a .gguf file.');
      return;
    }
    this.urlError = '';
    const name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
    this.request({ engine: 'wllama', origin: 'url', label: name, source: { kind: 'gguf-url', id: stripExt(name), url: url.href } });
  }

  private loadFile(): void {
    const f = this.file;
    if (!f) return;
    this.request({ engine: 'wllama', origin: 'file', label: f.name, source: { kind: 'gguf-blobs', id: stripExt(f.name), blobs: [f] } });
  }

  private loadWebllm(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('select[name="webllm"]');
    const id = select?.value;
    if (!id) return;
    this.request({ engine: 'webllm', origin: 'webllm', label: id, source: { kind: 'mlc', id } });
  }

  private onTabKey(ev: KeyboardEvent): void {
    const tabs = this.tabs;
    const i = tabs.indexOf(this.tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    this.select(tabs[(next + tabs.length) % tabs.length]!);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
  }

  private renderFixtures() {
    return html`<ul class="fixtures">
        ${(this.found ?? []).map((f) => html`<li>
          <span class="name">${f.name}</span><span class="size">${formatBytes(f.bytes)}</span>
          <button part="load" class="primary" data-fixture=${f.name} ?disabled=${this.disabled}
            aria-label=${msg(str`Load ${f.name}`)} @click=${() => this.loadFixture(f)}>${msg('Load')}</button></li>`)}
      </ul>
      <p part="note" class="note">${msg('Random-weight models generated for tests, served by the dev and preview servers only. They run, but what they say is meaningless.')}</p>`;
  }

  private renderUrl() {
    return html`<form class="row" @submit=${this.onUrlSubmit} novalidate>
        <label for="url">${msg('GGUF URL')}</label>
        <input id="url" name="url" type="url" inputmode="url" placeholder="https://example.com/model.gguf"
          aria-invalid=${this.urlError ? 'true' : 'false'} aria-describedby="url-note" autocomplete="off" />
        <button part="load" class="primary" type="submit" ?disabled=${this.disabled}>${msg('Load')}</button>
      </form>
      <p part="note" id="url-note" class=${this.urlError ? 'note invalid' : 'note'} role=${this.urlError ? 'alert' : nothing}>
        ${this.urlError || msg('The server must allow cross-origin requests (CORS) and send Cross-Origin-Resource-Policy.')}</p>`;
  }

  private renderFile() {
    return html`<div class="row">
        <label for="file">${msg('GGUF file')}</label>
        <input id="file" name="file" type="file" accept=".gguf"
          @change=${(e: Event) => { this.file = (e.target as HTMLInputElement).files?.[0] ?? null; }} />
        <button part="load" class="primary" ?disabled=${this.disabled || !this.file} @click=${this.loadFile}>${msg('Load')}</button>
      </div>
      <p part="note" class="note">${msg('The file is read in this tab only; nothing is uploaded.')}</p>`;
  }

  private renderWebllm() {
    const gpu = this.gpu;
    if (!gpu) return html`<p part="note" class="note">${msg('Checking WebGPU…')}</p>`;
    if (!gpu.webgpu) return html`<p part="note" class="note">${msg('WebGPU is not available in this browser; WebLLM models need it.')}</p>`;
    const choices = this.webllmChoices;
    const total = this.catalog?.WEBLLM_MODELS.length ?? 0;
    return html`<div class="row">
        <label for="webllm">${msg('Model')}</label>
        <select id="webllm" name="webllm" ?disabled=${choices.length === 0}>
          ${choices.map((c) => html`<option value=${c.model_id}>${c.model_id} · ${Math.round(c.vram_required_MB ?? 0)} MB</option>`)}
        </select>
        <button part="load" class="primary" ?disabled=${this.disabled || choices.length === 0} @click=${this.loadWebllm}>${msg('Load')}</button>
      </div>
      <p part="note" class="note">${this.vramBudgetMB !== undefined
        ? msg(str`${choices.length} of ${total} models fit this device (shader-f16: ${gpu.f16 ? msg('yes') : msg('no')}, VRAM budget ${this.vramBudgetMB} MB).`)
        : msg(str`${choices.length} of ${total} models fit this device (shader-f16: ${gpu.f16 ? msg('yes') : msg('no')}).`)}
        ${msg('Weights download from the model host on first use.')}</p>`;
  }

  protected override render() {
    const tabs = this.tabs;
    const panel = { fixtures: () => this.renderFixtures(), url: () => this.renderUrl(), file: () => this.renderFile(), webllm: () => this.renderWebllm() }[this.tab];
    return html`
      <div part="tabs" class="tabs" role="tablist" aria-label=${msg('Model source')} @keydown=${this.onTabKey}>
        ${tabs.map((t) => html`<button part="tab" role="tab" id="tab-${t}" type="button"
          aria-selected=${t === this.tab ? 'true' : 'false'} aria-controls="panel" tabindex=${t === this.tab ? 0 : -1}
          @click=${() => this.select(t)}>${tabLabel(t)}</button>`)}
      </div>
      <div part="panel" id="panel" class="panel" role="tabpanel" aria-labelledby="tab-${this.tab}" data-tab=${this.tab}>
        ${panel()}
      </div>
      ${this.current ? html`<p part="current" class="current">${msg('Selected:')} <strong>${this.current}</strong></p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-model-picker': LlmosModelPicker;
  }
}
