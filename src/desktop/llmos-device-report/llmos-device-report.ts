import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { Budget, DeviceProbe } from '../../kernel/device-budget';
import type { KernelApi } from '../../kernel/kernel-api';
import { deviceWarnings, recommendModel, type DeviceWarning, type Recommendation } from '../services/recommend';
import type { CatalogEntry } from '../../models/catalog';
import { themeStyles } from '../../components/shared/theme.styles';
import { mb } from '../../components/shared/backend-words';
import { formatBytes } from '../../components/shared/format';
import { LlmosOpenAppEvent } from '../../components/shared/desktop-events';
import { warningWords } from '../llmos-desktop/warning-words';
import { deviceReportStyles } from './llmos-device-report.styles';

/**
 * What this device can run: the WebGPU adapter (vendor, architecture, `shader-f16`, buffer limits),
 * the kernel's budgets (VRAM, RAM, slots, threads, and whether each is estimated or set by the user),
 * storage, CPU threads, cross-origin isolation, warnings in words, and the one catalog model to
 * recommend with its memory estimate against the budget. When no catalog model fits (or there is no
 * budget at all), it offers to use an OpenAI-compatible server instead (Settings → Servers).
 *
 * @summary Device report and recommended model.
 *
 * @event llmos-open-app - `LlmosOpenAppEvent`: "Download" asks the desktop to open the model library
 *   and start downloading the recommended model (`detail = {app: 'models', download: id}`); "Use a server
 *   instead" asks it to open Settings at its Servers section (`detail = {app: 'settings', section: 'servers'}`).
 *
 * @csspart facts - The list of facts. @csspart warning - Each warning. @csspart recommendation - The recommended model.
 * @csspart use-server - The offer to use a server instead, when no model fits.
 */
export class LlmosDeviceReport extends LitElement {
  static override styles = [themeStyles, deviceReportStyles];
  /** Read probe and budget from this kernel once it is ready (or set `probe` and `budget` directly). */
  @property({ attribute: false }) kernel: KernelApi | null = null;
  @property({ attribute: false }) probe: DeviceProbe | null = null;
  @property({ attribute: false }) budget: Budget | null = null;
  /** Catalog to recommend from (default: the full catalog without test fixtures, loaded lazily). */
  @property({ attribute: false }) catalog: readonly CatalogEntry[] | null = null;
  /** Whether the page is cross-origin isolated (default: `crossOriginIsolated`). */
  @property({ type: Boolean }) isolated = globalThis.crossOriginIsolated === true;
  /** @internal */ @state() private storage: { usage: number; quota: number; persisted: boolean } | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadFacts();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('kernel') && this.kernel) {
      const k = this.kernel;
      void k.ready.then((budget) => {
        if (this.kernel !== k) return;
        this.budget = budget;
        this.probe = k.probe;
      }, () => undefined);
      k.events.on('budget-changed', ({ budget }) => { if (this.kernel === k) this.budget = budget; });
    }
  }

  private async loadFacts(): Promise<void> {
    if (!this.catalog) {
      const { fullCatalog } = await import('../../models/catalog');
      this.catalog ??= fullCatalog({ includeDev: false });
    }
    const s = navigator.storage;
    const [est, persisted] = await Promise.all([s?.estimate?.().catch(() => null), s?.persisted?.().catch(() => false)]);
    this.storage = est ? { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted: persisted ?? false } : null;
  }

  /** The recommendation for the current probe and budget (null while loading or when nothing fits). */
  get recommendation(): Recommendation | null {
    return this.probe && this.budget && this.catalog ? recommendModel(this.probe, this.budget, this.catalog) : null;
  }

  /** Warnings for the current probe and budget. */
  get warnings(): DeviceWarning[] {
    return this.probe && this.budget && this.catalog ? deviceWarnings(this.probe, this.budget, this.catalog, this.isolated) : [];
  }

  private fact(key: string, label: string, value: unknown, ok?: boolean) {
    return html`<div class="fact" data-fact=${key}><dt>${label}</dt>
      <dd class=${ok === undefined ? '' : ok ? 'ok' : 'warn'}>${value}</dd></div>`;
  }

  private source(s: 'probe' | 'override') {
    return html`<span class="src">${s === 'override' ? msg('set by you') : msg('estimated')}</span>`;
  }

  private renderRecommendation() {
    if (!this.catalog || !this.probe || !this.budget) return html`<p class="muted">${msg('Checking…')}</p>`;
    const r = this.recommendation;
    if (!r) {
      return html`<p class="muted">${msg('No catalog model fits this device\'s budget.')}</p>
        <div part="use-server" class="use-server">
          <p>${msg('A computer on your network or a service you trust can run models for you: add an OpenAI-compatible server (Ollama, vLLM, llama-server). Nothing is sent to it until you allow an app to use it.')}</p>
          <button type="button" class="primary" data-action="use-server"
            @click=${() => this.dispatchEvent(new LlmosOpenAppEvent({ app: 'settings', section: 'servers' }))}>${msg('Use a server instead')}</button>
        </div>`;
    }
    const e = r.entry;
    const where = r.budget === 'vram' ? msg('VRAM') : msg('RAM');
    return html`<div part="recommendation" class="recommendation" data-model=${e.id}>
      <div><strong class="name">${e.name}</strong> <span class="quant">${e.quantisation}</span>
        <p class="why">${msg(str`Needs about ${r.memoryMB} MB of ${where}; the budget is ${r.budgetMB} MB. Runs with ${e.engine === 'webllm' ? 'WebLLM' : 'wllama'}.`)}</p></div>
      ${e.engine === 'wllama' ? html`<button type="button" class="primary"
        @click=${() => this.dispatchEvent(new LlmosOpenAppEvent({ app: 'models', download: e.id }))}>${msg('Download')}</button>` : nothing}
    </div>`;
  }

  protected override render() {
    const p = this.probe;
    const b = this.budget;
    const gpu = p?.gpu;
    const yes = msg('yes');
    const no = msg('no');
    return html`
      ${this.warnings.map((w) => {
        const words = warningWords(w);
        return html`<p part="warning" class="warning ${words.severity}" data-warning=${w.kind}><strong>${words.title}</strong> ${words.text}</p>`;
      })}
      <dl part="facts" class="facts">
        ${this.fact('webgpu', msg('WebGPU adapter'), gpu ? [gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' · ') || msg('available') : p ? msg('not available') : '…', p ? !!gpu : undefined)}
        ${this.fact('f16', 'shader-f16', gpu ? (gpu.features.includes('shader-f16') ? yes : no) : '–', gpu ? gpu.features.includes('shader-f16') : undefined)}
        ${gpu ? this.fact('buffer', msg('Largest GPU buffer'), formatBytes(gpu.maxBufferSize)) : nothing}
        ${this.fact('vram', msg('VRAM budget'), b ? html`${mb(b.vramBytes)} ${this.source(b.source.vram)}` : '…')}
        ${this.fact('ram', msg('RAM budget'), b ? html`${mb(b.ramBytes)} ${this.source(b.source.ram)}` : '…')}
        ${this.fact('slots', msg('Worker slots'), b ? html`${b.slots} ${this.source(b.source.slots)} · ${msg(str`${b.threadsPerSlot} threads each`)}` : '…')}
        ${this.fact('threads', msg('CPU threads'), p ? p.hardwareConcurrency : '…')}
        ${this.fact('memory', msg('Device memory'), p ? (p.deviceMemoryGB ? `${p.deviceMemoryGB} GB` : msg('not reported')) : '…')}
        ${this.fact('storage', msg('Storage'), this.storage ? html`${msg(str`${formatBytes(this.storage.usage)} used of ${formatBytes(this.storage.quota)}`)}
          · ${this.storage.persisted ? msg('persistent') : msg('may be evicted')}` : '…')}
        ${this.fact('isolation', msg('Cross-origin isolated'), this.isolated ? msg('yes (multithreaded WebAssembly)') : msg('no (single-threaded WebAssembly)'), this.isolated)}
      </dl>
      <h3>${msg('Recommended model')}</h3>
      ${this.renderRecommendation()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-device-report': LlmosDeviceReport;
  }
}
