import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { themeStyles } from '../../components/shared/theme.styles';

/** The user chose to reload into the new version. */
export class LlmosUpdateAcceptEvent extends Event {
  static readonly type = 'llmos-update-accept';
  constructor() {
    super(LlmosUpdateAcceptEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * The PWA notices: "a new version is ready" with Reload / Later (shown when a new service worker is
 * waiting), and a short "works offline now" after the first install. It only shows and reports; the
 * page wires it to the service worker (`src/desktop/pwa.ts`).
 *
 * @summary Update prompt and offline-ready notice.
 *
 * @event llmos-update-accept - `LlmosUpdateAcceptEvent`: the user chose Reload.
 *
 * @csspart notice - The notice box.
 */
export class LlmosUpdatePrompt extends LitElement {
  static override styles = [themeStyles, css`
    :host { display: block; }
    .notice { display: flex; align-items: center; gap: 0.8rem; flex-wrap: wrap; margin: 0.5rem 1rem 0; padding: 0.55rem 0.85rem;
      border: 1px solid color-mix(in srgb, var(--_accent) 45%, var(--_border)); border-radius: 10px; background: var(--_bg); font-size: 0.9rem; }
    .notice span { flex: 1; }
    button { padding: 0.3em 0.8em; }
  `];
  /** A new version waits to take over. */
  @property({ type: Boolean, attribute: 'need-refresh', reflect: true }) needRefresh = false;
  /** The app shell is cached: the desktop works offline. */
  @property({ type: Boolean, attribute: 'offline-ready', reflect: true }) offlineReady = false;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  private accept(): void {
    this.dispatchEvent(new LlmosUpdateAcceptEvent());
  }

  protected override render() {
    if (this.needRefresh) {
      return html`<div part="notice" class="notice" role="alert">
        <span>${msg('A new version of LLM OS is ready.')}</span>
        <button type="button" class="primary" @click=${() => this.accept()}>${msg('Reload now')}</button>
        <button type="button" @click=${() => { this.needRefresh = false; }}>${msg('Later')}</button></div>`;
    }
    if (this.offlineReady) {
      return html`<div part="notice" class="notice" role="status">
        <span>${msg('LLM OS is installed on this device and works offline; downloaded models chat offline too.')}</span>
        <button type="button" @click=${() => { this.offlineReady = false; }}>${msg('OK')}</button></div>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-update-prompt': LlmosUpdatePrompt;
  }
  interface GlobalEventHandlersEventMap {
    'llmos-update-accept': LlmosUpdateAcceptEvent;
  }
}
