import { LitElement, css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { GrantRequest } from '../../models/remote/remote-servers';
import { themeStyles } from '../../components/shared/theme.styles';

/** The origin of a server's base URL, or the URL itself when it does not parse. */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/**
 * The permission dialog of remote servers: the first time an app would send a job to a server, the
 * desktop (`RemoteServers.onGrantRequest`) asks here — "Allow {app} to send prompts to {server}
 * ({origin})?" with the model — and `ask()` resolves true (Allow) or false (Don't allow, Escape, or the
 * element leaving the page). A modal `<dialog>` labelled by its question; focus moves to Don't allow.
 * Requests that arrive while one is shown wait their turn.
 *
 * @summary Ask whether an app may send prompts to a server.
 *
 * @csspart dialog - The modal dialog.
 */
export class LlmosServerGrant extends LitElement {
  static override styles = [themeStyles, css`
    dialog {
      border: 1px solid var(--_border); border-radius: 14px; padding: 1.2rem 1.4rem; max-width: min(32rem, 94vw);
      background: var(--_bg); color: var(--_fg);
    }
    dialog::backdrop { background: rgb(10 12 16 / 0.45); }
    h2 { font-size: 1.1rem; margin: 0 0 0.6rem; line-height: 1.35; overflow-wrap: anywhere; }
    p { margin: 0 0 0.5rem; color: var(--_muted); font-size: 0.9rem; line-height: 1.45; overflow-wrap: anywhere; }
    code { font-family: var(--_mono); color: var(--_fg); }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; margin-top: 1rem; }
  `];
  /** @internal */ @state() private current: GrantRequest | null = null;
  private readonly queue: { req: GrantRequest; resolve: (ok: boolean) => void }[] = [];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** Ask the user; resolves true when they allow it. */
  ask(req: GrantRequest): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.queue.push({ req, resolve });
      if (this.queue.length === 1) void this.showNext();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Nobody can answer any more: nothing is allowed.
    for (const q of this.queue.splice(0)) q.resolve(false);
    this.current = null;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot?.querySelector('dialog') ?? null;
  }

  private async showNext(): Promise<void> {
    const head = this.queue[0];
    if (!head || !this.isConnected) return;
    this.current = head.req;
    await this.updateComplete;
    const d = this.dialog;
    // Left the page meanwhile (its requests were answered no), or already answered.
    if (!d || !this.isConnected || this.queue[0] !== head) return;
    if (!d.open) d.showModal();
    d.querySelector<HTMLButtonElement>('button[data-answer="deny"]')?.focus();
  }

  private answer(ok: boolean): void {
    const head = this.queue.shift();
    if (this.dialog?.open) this.dialog.close();
    this.current = null;
    head?.resolve(ok);
    void this.showNext();
  }

  protected override render() {
    const r = this.current;
    return html`<dialog part="dialog" aria-labelledby="grant-title" aria-describedby="grant-text"
      @cancel=${(e: Event) => { e.preventDefault(); this.answer(false); }}>
      ${r ? html`<h2 id="grant-title">${msg(str`Allow ${r.appName} to send prompts to ${r.server.name} (${originOf(r.server.baseUrl)})?`)}</h2>
        <p id="grant-text">${msg(str`Model: ${r.model}.`)} ${msg('Its prompts and replies for this model will go to that server. You can revoke this in Settings → Servers.')}</p>
        <div class="actions">
          <button type="button" class="primary" data-answer="allow" @click=${() => this.answer(true)}>${msg('Allow')}</button>
          <button type="button" data-answer="deny" @click=${() => this.answer(false)}>${msg('Don\'t allow')}</button>
        </div>` : nothing}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-server-grant': LlmosServerGrant;
  }
}
