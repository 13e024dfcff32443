import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { EngineCapabilities } from '../../protocol/engine';
import type { Budget } from '../../kernel/device-budget';
import type { KernelApi, KernelHostInfo } from '../../kernel/kernel-api';
import { themeStyles } from '../../components/shared/theme.styles';
import { backendWords, mb } from '../../components/shared/backend-words';
import { hostShortWords, tabName } from '../../components/llmos-task-manager/host-words';
import { statusBarStyles } from './llmos-status-bar.styles';

/** A slot's engine as the status bar lists it. */
export interface SlotBackend {
  slot: number;
  model: string;
  caps: Pick<EngineCapabilities, 'engine' | 'backend' | 'threads'>;
}

/**
 * The desktop's status bar: VRAM and RAM charged by resident models against the budget, worker slots
 * in use, the backend each loaded engine really runs on (or, where another tab hosts the kernel, that
 * the engines run there), running processes, which tab hosts the kernel, and whether the page is
 * online. It follows the kernel's events (`host-changed` included) and polls once a second while
 * connected.
 *
 * @summary Budget use, slots, engine backend and connectivity at a glance.
 *
 * @csspart meter - Each budget meter (VRAM, RAM). @csspart item - Every item of the bar.
 *
 * @cssproperty --llmos-accent - Meter fill. @cssproperty --llmos-danger - Meter fill above 90 %.
 * @cssproperty --llmos-border - Top border. @cssproperty --llmos-muted - Labels.
 */
export class LlmosStatusBar extends LitElement {
  static override styles = [themeStyles, statusBarStyles];
  /** The kernel to watch. */
  @property({ attribute: false }) kernel: KernelApi | null = null;
  /** Asks each loaded slot's engine what it runs on (the desktop passes `services.backends`). */
  @property({ attribute: false }) backends: (() => Promise<SlotBackend[]>) | null = null;
  /** @internal */ @state() private budget: Budget | null = null;
  /** @internal */ @state() private usage: { vramBytes: number; ramBytes: number } = { vramBytes: 0, ramBytes: 0 };
  /** @internal */ @state() private slotsBusy = 0;
  /** @internal */ @state() private running = 0;
  /** @internal */ @state() private slotBackends: SlotBackend[] = [];
  /** @internal */ @state() private host: KernelHostInfo | null = null;
  /** @internal */ @state() private modelsResident = 0;
  /** @internal */ @state() private online = navigator.onLine;

  private timer: ReturnType<typeof setInterval> | undefined;
  private off: (() => void) | null = null;
  private readonly onNet = () => { this.online = navigator.onLine; };

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.onNet);
    addEventListener('offline', this.onNet);
    this.timer = setInterval(() => this.refresh(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.onNet);
    removeEventListener('offline', this.onNet);
    clearInterval(this.timer);
    this.off?.();
    this.off = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('kernel')) {
      this.off?.();
      this.off = this.kernel?.events.on('*', (_d, type) => {
        this.refresh();
        if (type === 'model-loaded' || type === 'model-evicted' || type === 'worker-crashed') void this.refreshBackends();
      }) ?? null;
      this.refresh();
      void this.kernel?.ready.then(() => this.refresh(), () => undefined);
    }
  }

  /** Re-read the kernel now (it also happens on every kernel event and once a second). */
  refresh(): void {
    const k = this.kernel;
    if (!k) return;
    this.budget = k.budget;
    this.usage = k.usage();
    const models = k.models();
    this.slotsBusy = new Set(models.map((m) => m.slot)).size;
    this.modelsResident = models.length;
    this.host = k.host;
    this.running = k.ps().filter((p) => p.state !== 'exited').length;
    if (this.slotBackends.some((b) => !models.some((m) => m.slot === b.slot && m.id === b.model))) void this.refreshBackends();
  }

  private async refreshBackends(): Promise<void> {
    this.slotBackends = (await this.backends?.().catch(() => [])) ?? [];
  }

  private meter(label: string, used: number, total: number, id: string) {
    const frac = total > 0 ? Math.min(1, used / total) : 0;
    const text = total > 0 ? msg(str`${mb(used)} of ${mb(total)}`) : msg('none');
    return html`<div part="item meter" class="item meter" data-status=${id}>
      <span class="label">${label}</span>
      <span class="track" role="meter" aria-label=${label} aria-valuemin="0" aria-valuemax=${Math.max(1, Math.round(total / 1048576))}
        aria-valuenow=${Math.round(used / 1048576)} aria-valuetext=${text}>
        <span class="fill ${frac > 0.9 ? 'high' : ''}" style="width:${(frac * 100).toFixed(1)}%"></span></span>
      <span class="value">${text}</span></div>`;
  }

  /** The Engine item: what each loaded engine runs on; where another tab hosts the kernel, that they run there. */
  private engineWords(): string {
    const backends = this.slotBackends;
    if (backends.length) return backends.map((x) => backendWords(x.caps)).filter((v, i, a) => a.indexOf(v) === i).join(', ');
    const host = this.host;
    // The engine workers live in the host tab: this tab has none to ask, which does not mean none is loaded.
    if (host && !host.local && this.modelsResident > 0) return host.leader ? msg(str`in tab «${tabName(host, host.leader.tabId)}»`) : msg('in another tab');
    return msg('no model loaded');
  }

  protected override render() {
    const b = this.budget;
    const host = this.host;
    return html`<div class="bar" role="status" aria-label=${msg('System status')}>
      ${this.meter(msg('VRAM'), this.usage.vramBytes, b?.vramBytes ?? 0, 'vram')}
      ${this.meter(msg('RAM'), this.usage.ramBytes, b?.ramBytes ?? 0, 'ram')}
      <div part="item" class="item" data-status="slots"><span class="label">${msg('Worker slots')}</span>
        <span class="value">${b ? msg(str`${this.slotsBusy} of ${b.slots} in use`) : '…'}</span></div>
      <div part="item" class="item" data-status="backend"><span class="label">${msg('Engine')}</span>
        <span class="value">${this.engineWords()}</span></div>
      <div part="item" class="item" data-status="processes"><span class="label">${msg('Processes')}</span>
        <span class="value">${this.running}</span></div>
      ${host ? html`<div part="item" class="item" data-status="kernel" data-host=${host.mode === 'private' ? 'page' : host.local ? 'local' : host.leader ? 'tab' : 'unknown'}
        title=${host.mode === 'shared' ? msg(str`${host.tabs.length} tabs share the kernel`) : nothing}>
        <span class="label">${msg('Kernel')}</span><span class="value">${hostShortWords(host)}</span></div>` : nothing}
      <div part="item" class="item net ${this.online ? 'online' : 'offline'}" data-status="network">
        <span class="dot" aria-hidden="true"></span><span class="value">${this.online ? msg('Online') : msg('Offline')}</span></div>
      ${nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-status-bar': LlmosStatusBar;
  }
}
