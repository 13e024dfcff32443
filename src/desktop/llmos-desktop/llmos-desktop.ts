import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { DesktopServices } from '../services/desktop-services';
import type { GrantRequest } from '../../models/remote/remote-servers';
import { deviceWarnings, type DeviceWarning } from '../services/recommend';
import { APPS, type AppId } from '../registry';
import { themeStyles } from '../../components/shared/theme.styles';
import { ICONS } from '../../components/shared/icons';
import type { LlmosOpenAppEvent } from '../../components/shared/desktop-events';
import '../llmos-status-bar/define';
import { WindowManager, type AppWindow } from './window-manager';
import { warningWords } from './warning-words';
import { desktopStyles } from './llmos-desktop.styles';

/**
 * The LLM OS desktop: a launcher, app windows (tabs, or tiles that show every window at once), banners
 * about the device, a first-run device report, and a status bar. Each AI app window is its own kernel
 * process (spawned at open, killed at close); app code is loaded when its first window opens. The first
 * time an app would send prompts to a server (Settings → Servers), the desktop asks the user in a modal
 * dialog (`<llmos-server-grant>`, loaded then) through `services.servers.onGrantRequest`.
 *
 * @summary The desktop shell: launcher, windows, banners, status bar.
 *
 * @slot notice - Extra notices above the windows (the PWA update prompt goes here).
 *
 * @event llmos-open-app - Handled here: any element may ask to open an app (`detail.app`), and show one
 *   section of it (`detail.section`: Settings' `servers`).
 *
 * @csspart topbar - The header with the launcher.
 * @csspart launcher - The launcher buttons.
 * @csspart banner - Each device banner.
 * @csspart tabs - The window tab list.
 * @csspart window - Each window.
 * @csspart statusbar - The status bar.
 *
 * @cssproperty --llmos-accent - Accent colour.
 * @cssproperty --llmos-page-bg - Desktop background.
 */
export class LlmosDesktop extends LitElement {
  static override styles = [themeStyles, desktopStyles];
  /** The kernel, library and settings the apps share. */
  @property({ attribute: false }) services: DesktopServices | null = null;
  /** `tabs` (one window visible) or `tiles` (all visible). Reflected; persisted in the settings. */
  @property({ type: String, reflect: true }) layout: 'tabs' | 'tiles' = 'tabs';
  /** @internal */ @state() private windows: readonly AppWindow[] = [];
  /** @internal */ @state() private active: string | null = null;
  /** @internal */ @state() private warnings: DeviceWarning[] = [];
  /** @internal */ @state() private dismissed: ReadonlySet<string> = new Set();

  private wm: WindowManager | null = null;
  private firstRunShown = false;
  private grantHandler: ((req: GrantRequest) => Promise<boolean>) | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.addEventListener('llmos-open-app', (e: LlmosOpenAppEvent) => void this.onOpenApp(e));
  }

  /** The window manager (null until `services` is set). */
  get windowManager(): WindowManager | null {
    return this.wm;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('services') && this.services) {
      this.wm?.dispose();
      const wm = new WindowManager(this.services);
      this.wm = wm;
      wm.addEventListener('change', () => {
        this.windows = [...wm.windows];
        this.active = wm.active;
      });
      this.layout = this.services.settings.value.layout;
      void this.checkDevice(this.services);
      this.listenForGrants();
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.services) this.listenForGrants();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const servers = this.services?.servers;
    if (servers && servers.onGrantRequest === this.grantHandler) servers.onGrantRequest = null;
  }

  /** Ask the user, in the grant dialog, whenever an app first wants to use a server. */
  private listenForGrants(): void {
    const servers = this.services?.servers;
    if (!servers) return;
    this.grantHandler ??= (req) => this.askGrant(req);
    servers.onGrantRequest = this.grantHandler;
  }

  private async askGrant(req: GrantRequest): Promise<boolean> {
    await import('../llmos-server-grant/define');
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('llmos-server-grant');
    return dialog ? dialog.ask(req) : false;
  }

  /** Open (or focus) an app's window. */
  async open(app: AppId): Promise<AppWindow | null> {
    const win = await this.wm?.open(app) ?? null;
    await this.updateComplete;
    return win;
  }

  private async onOpenApp(e: LlmosOpenAppEvent): Promise<void> {
    const { app, download, section } = e.detail;
    if (!APPS.some((a) => a.id === app)) return;
    const win = await this.open(app as AppId);
    if (download) void this.services?.downloads.start(download);
    if (section) await win?.element.reveal?.(section);
  }

  private async checkDevice(s: DesktopServices): Promise<void> {
    const budget = await s.kernel.ready.catch(() => null);
    const probe = s.kernel.probe;
    if (!budget || !probe) return;
    const { fullCatalog } = await import('../../models/catalog');
    this.warnings = deviceWarnings(probe, budget, fullCatalog({ includeDev: false }), globalThis.crossOriginIsolated === true);
    if (!s.settings.value.firstRunDone && !this.firstRunShown) {
      this.firstRunShown = true;
      await import('../llmos-device-report/define');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLDialogElement>('dialog.first-run')?.showModal();
    }
  }

  private closeFirstRun(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.first-run')?.close();
    this.services?.settings.update({ firstRunDone: true });
  }

  private setLayout(layout: 'tabs' | 'tiles'): void {
    this.layout = layout;
    this.services?.settings.update({ layout });
  }

  private onTabKey(ev: KeyboardEvent): void {
    const ws = this.windows;
    const i = ws.findIndex((w) => w.id === this.active);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: ws.length - 1 }[ev.key];
    if (next === undefined || ws.length === 0) return;
    ev.preventDefault();
    const target = ws[(next + ws.length) % ws.length]!;
    this.wm?.focus(target.id);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${target.id}`)?.focus());
  }

  private renderLauncher() {
    return html`<nav part="launcher" class="launcher" aria-label=${msg('Apps')}>
      ${APPS.map((a, i) => html`${i > 0 && APPS[i - 1]!.process && !a.process ? html`<span class="sep" aria-hidden="true"></span>` : nothing}
        <button type="button" class="app-button ${a.process ? 'ai' : 'system'}" data-app=${a.id} title=${`${a.title()} — ${a.blurb()}`}
          @click=${() => void this.open(a.id)}>${ICONS[a.icon]}<span class="label">${a.title()}</span></button>`)}
    </nav>`;
  }

  private renderBanners() {
    const shown = this.warnings.filter((w) => w.kind !== 'software-gpu' && !this.dismissed.has(w.kind));
    return shown.map((w) => {
      const words = warningWords(w);
      return html`<div part="banner" class="banner ${words.severity}" role=${words.severity === 'error' ? 'alert' : 'status'} data-warning=${w.kind}>
        <div><strong>${words.title}</strong> <span>${words.text}</span></div>
        <button type="button" class="icon" aria-label=${msg(str`Dismiss: ${words.title}`)}
          @click=${() => { this.dismissed = new Set([...this.dismissed, w.kind]); }}>${ICONS.close}</button>
      </div>`;
    });
  }

  private renderWindow(w: AppWindow, tabs: boolean) {
    const title = this.wm!.title(w);
    const hidden = tabs && w.id !== this.active;
    const proc = w.pid !== null ? html`<span class="pid" data-pid=${w.pid}>${msg(str`pid ${w.pid}`)}</span>` : nothing;
    return html`<section part="window" class="window ${w.id === this.active ? 'active' : ''}" id="win-${w.id}"
        data-app=${w.app.id} role=${tabs ? 'tabpanel' : 'region'} aria-labelledby=${tabs ? `tab-${w.id}` : `title-${w.id}`}
        ?hidden=${hidden} @focusin=${() => { if (this.active !== w.id) this.wm?.focus(w.id); }}>
      <header class="titlebar">
        ${ICONS[w.app.icon]}<h2 id="title-${w.id}">${title}</h2>${proc}
        <button type="button" class="icon" aria-label=${msg(str`Close ${title}`)} @click=${() => this.wm?.close(w.id)}>${ICONS.close}</button>
      </header>
      ${w.ended ? html`<div class="ended" role="alert">
          <span>${msg('This app\'s process was ended.')}</span>
          <button type="button" class="primary" @click=${() => this.wm?.restart(w.id)}>${msg('Restart')}</button>
          <button type="button" @click=${() => this.wm?.close(w.id)}>${msg('Close')}</button></div>` : nothing}
      <div class="content">${w.element}</div>
    </section>`;
  }

  private renderEmpty() {
    return html`<div class="empty">
      <h2>${msg('Open an app')}</h2>
      <p>${msg('Every app runs as its own process on the kernel; open several and watch them in the task manager.')}</p>
      <ul class="cards">${APPS.map((a) => html`<li><button type="button" class="card" data-app=${a.id} @click=${() => void this.open(a.id)}>
        ${ICONS[a.icon]}<strong>${a.title()}</strong><span>${a.blurb()}</span></button></li>`)}</ul>
    </div>`;
  }

  protected override render() {
    const tabs = this.layout === 'tabs';
    const ws = this.windows;
    return html`
      <header part="topbar" class="topbar">
        <div class="brand"><span class="logo" aria-hidden="true">◆</span><h1>LLM OS</h1></div>
        ${this.renderLauncher()}
        <button type="button" class="icon layout" aria-pressed=${tabs ? 'false' : 'true'}
          aria-label=${msg('Tile windows')} title=${msg('Tile windows')} @click=${() => this.setLayout(tabs ? 'tiles' : 'tabs')}>
          ${tabs ? ICONS.tiles : ICONS.tabs}</button>
      </header>
      ${this.renderBanners()}
      <slot name="notice"></slot>
      <main class="desk">
        ${ws.length === 0 ? this.renderEmpty() : nothing}
        ${tabs && ws.length ? html`<div part="tabs" class="tabs" role="tablist" aria-label=${msg('Open windows')} @keydown=${this.onTabKey}>
          ${repeat(ws, (w) => w.id, (w) => html`<button type="button" role="tab" id="tab-${w.id}" aria-controls="win-${w.id}"
            aria-selected=${w.id === this.active ? 'true' : 'false'} tabindex=${w.id === this.active ? 0 : -1}
            class=${w.ended ? 'ended' : ''} @click=${() => this.wm?.focus(w.id)}>${ICONS[w.app.icon]}<span>${this.wm!.title(w)}</span></button>`)}
        </div>` : nothing}
        <div class="windows ${tabs ? 'as-tabs' : 'as-tiles'}" data-count=${ws.length}>
          ${repeat(ws, (w) => w.id, (w) => this.renderWindow(w, tabs))}
        </div>
      </main>
      <llmos-status-bar part="statusbar" .kernel=${this.services?.kernel ?? null}
        .backends=${this.services ? () => this.services!.backends() : null}></llmos-status-bar>
      <dialog class="first-run" aria-labelledby="first-run-title" @cancel=${() => this.closeFirstRun()}>
        <h2 id="first-run-title">${msg('Welcome to LLM OS')}</h2>
        <p class="lead">${msg('Models run in this tab, on this device. Here is what it can do.')}</p>
        ${this.firstRunShown ? html`<llmos-device-report .kernel=${this.services?.kernel ?? null} .services=${this.services}
          @llmos-open-app=${() => this.closeFirstRun()}></llmos-device-report>` : nothing}
        <div class="dialog-actions"><button type="button" class="primary" @click=${() => this.closeFirstRun()}>${msg('Get started')}</button></div>
      </dialog>
      <llmos-server-grant></llmos-server-grant>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-desktop': LlmosDesktop;
  }
}
