/**
 * Settings → Servers and Settings → Apps and servers: the OpenAI-compatible servers the user added
 * (`RemoteServers`), a form to test and add one, Remove (confirmed in place), and per app its routing
 * policy and the servers it may use, each with Revoke. A controller of `<llmos-settings>`: it keeps the
 * form's state and renders the two sections. Keys are typed into a password field, stored by
 * `RemoteServers` and never shown again (only "key stored: yes"). @internal
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { InvalidRequestError } from '../../errors';
import type { RemoteServerInput, RemoteServers, RemoteServerView } from '../../models/remote/remote-servers';
import { ROUTING_POLICIES, type RoutingPolicy } from '../../protocol/remote';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import { APPS } from '../registry';

/** The apps listed under Apps and servers even before they have a policy or a grant. */
const BUILT_IN_APPS = APPS.filter((a) => a.process || a.id === 'knowledge');
/** How many of a server's models are named before "and N more". */
const MODELS_SHOWN = 12;

/** Words for a code a server check or a request to it fails with (the codes of `RemoteServers.probe`). */
export function serverCodeWords(code: string): string | undefined {
  const words: Record<string, () => string> = {
    REMOTE_UNAVAILABLE: () => msg('The server did not answer. Check the address, that the server is running, and that it allows requests from this page (CORS).'),
    PERMISSION_DENIED: () => msg('The server refused the key, or it needs one.'),
    RATE_LIMITED: () => msg('The server is turning requests away for now (too many requests). Try again later.'),
    REMOTE_REQUEST_FAILED: () => msg('The server answered with an error.'),
    INVALID_REQUEST: () => msg('Check what you entered.'),
    TIMEOUT: () => msg('The server took too long to answer.'),
  };
  return words[code]?.();
}

/** An error of a server check or change, in words. */
export function serverErrorWords(err: unknown): ErrorWords {
  const w = errorWords(err);
  const local = serverCodeWords(w.code);
  return local ? { ...w, words: local } : w;
}

/** The words of a routing policy. */
export function policyWords(p: RoutingPolicy): string {
  return { device: msg('This device only'), 'device-else-server': msg('This device, else a server'), 'server-preferred': msg('Prefer a server') }[p];
}

/** "local = remote" lines → a model map; a line without `=` or with an empty side is refused. */
export function parseModelMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const at = line.indexOf('=');
    const local = at > 0 ? line.slice(0, at).trim() : '';
    const remote = at > 0 ? line.slice(at + 1).trim() : '';
    if (!local || !remote) {
      throw new InvalidRequestError(msg(str`Line ${i + 1} of the model mapping is not "local model = server model".`), { field: 'modelMap', value: line.slice(0, 200) });
    }
    map[local] = remote;
  });
  return map;
}

/** Servers, the add form and per-app permissions of `<llmos-settings>`. */
export class ServerSettings implements ReactiveController {
  private testing = false;
  private adding = false;
  private result: { models: string[]; latencyMs: number } | null = null;
  private error: ErrorWords | null = null;
  private added: string | null = null;
  private confirming: string | null = null;
  private checking = new Set<string>();
  private problem: ErrorWords | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly servers: () => RemoteServers | null) {
    host.addController(this);
  }

  hostConnected(): void {}

  private update(): void {
    this.host.requestUpdate();
  }

  private input(form: HTMLFormElement): RemoteServerInput {
    const data = new FormData(form);
    const get = (k: string) => String(data.get(k) ?? '').trim();
    const n = get('maxConcurrent');
    const map = parseModelMap(String(data.get('modelMap') ?? ''));
    return {
      name: get('name'), baseUrl: get('baseUrl'),
      ...(get('apiKey') ? { apiKey: get('apiKey') } : {}),
      ...(n ? { maxConcurrent: Number(n) } : {}),
      ...(Object.keys(map).length ? { modelMap: map } : {}),
    };
  }

  private async test(form: HTMLFormElement): Promise<void> {
    const servers = this.servers();
    if (!servers || this.testing || !form.reportValidity()) return;
    this.testing = true;
    this.result = null;
    this.error = null;
    this.added = null;
    this.update();
    try {
      this.result = await servers.probe(this.input(form));
    } catch (e) {
      this.error = serverErrorWords(e);
    } finally {
      this.testing = false;
      this.update();
    }
  }

  private async add(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const servers = this.servers();
    if (!servers || this.adding) return;
    this.adding = true;
    this.error = null;
    this.added = null;
    this.update();
    try {
      const view = await servers.add(this.input(form));
      this.added = view.name;
      this.result = null;
      form.reset();
    } catch (e) {
      this.error = serverErrorWords(e);
    } finally {
      this.adding = false;
      this.update();
    }
  }

  private async remove(s: RemoteServerView): Promise<void> {
    this.confirming = null;
    await this.run(() => this.servers()!.remove(s.id));
  }

  private async check(s: RemoteServerView): Promise<void> {
    this.checking.add(s.id);
    this.update();
    try {
      await this.servers()?.check(s.id);
    } finally {
      this.checking.delete(s.id);
      this.update();
    }
  }

  /** Run a change, showing what it failed with. */
  private async run(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.problem = null;
    } catch (e) {
      this.problem = serverErrorWords(e);
    }
    this.update();
  }

  private renderState(servers: RemoteServers, s: RemoteServerView) {
    const h = servers.health(s.id);
    if (this.checking.has(s.id)) return html`<span class="state" data-state="checking">${msg('Checking…')}</span>`;
    if (h.state === 'ok') {
      return html`<span class="state ok" data-state="ok">${msg('Answering')}</span>
        <span class="latency" data-latency=${h.latencyMs ?? ''}>${h.latencyMs === null ? '' : msg(str`${Math.round(h.latencyMs)} ms`)}</span>`;
    }
    if (h.state === 'down') {
      const words = h.error ? serverCodeWords(h.error.code) ?? h.error.message : null;
      return html`<span class="state down" data-state="down" data-code=${h.error?.code ?? ''}>${msg('Not answering')}</span>
        ${words ? html`<span class="why" title=${h.error?.message ?? ''}>${words}</span>` : nothing}`;
    }
    return html`<span class="state" data-state="unknown">${msg('Not checked yet')}</span>`;
  }

  private renderModels(models: readonly string[]) {
    if (!models.length) return html`<span class="muted">${msg('none listed')}</span>`;
    const shown = models.slice(0, MODELS_SHOWN);
    const more = models.length - shown.length;
    return html`<ul class="model-names">${shown.map((m) => html`<li><code>${m}</code></li>`)}${more > 0 ? html`<li class="muted">${msg(str`and ${more} more`)}</li>` : nothing}</ul>`;
  }

  private renderServer(servers: RemoteServers, s: RemoteServerView) {
    const h = servers.health(s.id);
    const rate = servers.tokensPerSec(s.id);
    const confirming = this.confirming === s.id;
    return html`<tr data-server=${s.id}>
      <th scope="row">${s.name}</th>
      <td class="address" data-label=${msg('Address')}><code>${s.baseUrl}</code></td>
      <td data-col="key" data-label=${msg('Key stored')}>${s.hasKey ? msg('yes') : msg('no')}</td>
      <td data-col="state" data-label=${msg('State')}>${this.renderState(servers, s)}</td>
      <td data-col="models" data-label=${msg('Models')}>${this.renderModels(h.models)}</td>
      <td class="num" data-col="rate" data-label=${msg('Tokens/s')}>${rate === null ? '–' : rate.toFixed(1)}</td>
      <td class="row-actions">${confirming
        ? html`<span role="group" aria-label=${msg(str`Remove ${s.name}?`)}><span class="confirm">${msg(str`Remove ${s.name}?`)}</span>
            <button type="button" class="danger" data-action="confirm-remove" @click=${() => void this.remove(s)}>${msg('Remove')}</button>
            <button type="button" data-action="cancel-remove" @click=${() => { this.confirming = null; this.update(); }}>${msg('Cancel')}</button></span>`
        : html`<button type="button" data-action="check" ?disabled=${this.checking.has(s.id)} aria-label=${msg(str`Check ${s.name} again`)}
              @click=${() => void this.check(s)}>${msg('Check')}</button>
            <button type="button" data-action="remove" aria-label=${msg(str`Remove ${s.name}`)}
              @click=${() => { this.confirming = s.id; this.update(); }}>${msg('Remove')}</button>`}</td>
    </tr>`;
  }

  private renderForm() {
    const busy = this.testing || this.adding;
    return html`<form class="add-server" aria-labelledby="h-add-server" @submit=${(e: SubmitEvent) => void this.add(e)}>
      <h4 id="h-add-server">${msg('Add a server')}</h4>
      <div class="grid">
        <label class="field"><span>${msg('Name')}</span>
          <input name="name" required maxlength="80" autocomplete="off" placeholder=${msg('Ollama on my desktop')} /></label>
        <label class="field"><span>${msg('Address')}</span>
          <input name="baseUrl" type="url" required inputmode="url" autocomplete="off" placeholder="http://127.0.0.1:11434/v1"
            aria-describedby="server-address-note" /></label>
        <label class="field"><span>${msg('API key (optional)')}</span>
          <input name="apiKey" type="password" autocomplete="off" spellcheck="false" /></label>
        <label class="field"><span>${msg('Requests at once')}</span>
          <input name="maxConcurrent" type="number" min="1" max="16" step="1" value="4" inputmode="numeric" /></label>
      </div>
      <p id="server-address-note" class="note">${msg('The address of its OpenAI-compatible API, up to and including /v1.')}</p>
      <label class="field"><span>${msg('Model mapping (optional)')}</span>
        <textarea name="modelMap" rows="2" spellcheck="false" placeholder="qwen2.5-0.5b-instruct-q4_k_m = qwen2.5:0.5b"
          aria-describedby="server-map-note"></textarea></label>
      <p id="server-map-note" class="note">${msg('One a line: local model id = the server\'s name for the same model. An app may then run that model on this server, if you let it (see Apps and servers).')}</p>
      <div class="buttons">
        <button type="button" data-action="test" ?disabled=${busy}
          @click=${(e: Event) => void this.test((e.target as HTMLElement).closest('form')!)}>${this.testing ? msg('Testing…') : msg('Test')}</button>
        <button type="submit" class="primary" data-action="add" ?disabled=${busy}>${this.adding ? msg('Adding…') : msg('Add')}</button>
      </div>
      ${this.result ? html`<p class="ok test-result" role="status" data-latency=${this.result.latencyMs}>
        ${msg(str`It answers in ${Math.round(this.result.latencyMs)} ms and serves ${this.result.models.length} models:`)}
        ${this.renderModels(this.result.models)}</p>` : nothing}
      ${this.added ? html`<p class="ok" role="status" data-added>${msg(str`Added ${this.added}.`)}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert" data-code=${this.error.code}><strong>${this.error.words}</strong>
        ${this.error.message} <code>${this.error.code}</code></p>` : nothing}
    </form>`;
  }

  /** Settings → Servers. */
  renderServers() {
    const servers = this.servers();
    if (!servers) return nothing;
    const list = servers.list();
    return html`<section part="section" id="servers" aria-labelledby="h-servers"><h3 id="h-servers" tabindex="-1">${msg('Servers')}</h3>
      <p class="note privacy">${msg('Apps can use OpenAI-compatible servers (Ollama, vLLM, llama-server) besides this device. Nothing leaves this device unless you allow an app to use a server; keys stay in this browser and are sent only to their own server.')}</p>
      ${list.length ? html`<div class="table-wrap"><table class="servers stack">
          <thead><tr><th scope="col">${msg('Name')}</th><th scope="col">${msg('Address')}</th><th scope="col">${msg('Key stored')}</th>
            <th scope="col">${msg('State')}</th><th scope="col">${msg('Models')}</th><th scope="col" class="num">${msg('Tokens/s')}</th>
            <th scope="col"><span class="visually-hidden">${msg('Actions')}</span></th></tr></thead>
          <tbody>${list.map((s) => this.renderServer(servers, s))}</tbody></table></div>`
        : html`<p class="note" data-empty>${msg('No servers yet.')}</p>`}
      ${this.problem ? html`<p class="error" role="alert" data-code=${this.problem.code}><strong>${this.problem.words}</strong> ${this.problem.message}</p>` : nothing}
      ${this.renderForm()}
    </section>`;
  }

  /** Settings → Apps and servers. */
  renderAppServers() {
    const servers = this.servers();
    if (!servers) return nothing;
    const list = servers.list();
    const grants = servers.grants();
    const ids = [...new Set([...BUILT_IN_APPS.map((a) => a.id as string), ...Object.keys(servers.policies()), ...grants.map((g) => g.appId)])];
    const title = (id: string) => APPS.find((a) => a.id === id)?.title() ?? id;
    return html`<section part="section" id="app-servers" aria-labelledby="h-app-servers"><h3 id="h-app-servers">${msg('Apps and servers')}</h3>
      <table class="app-servers stack"><thead><tr><th scope="col">${msg('App')}</th><th scope="col">${msg('Where it runs')}</th>
        <th scope="col">${msg('Servers it may use')}</th></tr></thead>
        <tbody>${ids.map((id) => {
          const mine = grants.filter((g) => g.appId === id);
          return html`<tr data-app=${id}><th scope="row">${title(id)}</th>
            <td data-label=${msg('Where it runs')}><select name="policy" aria-label=${msg(str`Where ${title(id)} runs`)} @change=${(e: Event) =>
              void this.run(() => servers.setPolicy(id, (e.target as HTMLSelectElement).value as RoutingPolicy))}>
              ${ROUTING_POLICIES.map((p) => html`<option value=${p} ?selected=${servers.policy(id) === p}>${policyWords(p)}</option>`)}
            </select></td>
            <td data-label=${msg('Servers it may use')}>${mine.length ? html`<ul class="grants">${mine.map((g) => {
              const name = list.find((s) => s.id === g.serverId)?.name ?? g.serverId;
              return html`<li data-server=${g.serverId}><span>${name}</span>
                <button type="button" class="mini" data-action="revoke" aria-label=${msg(str`Revoke ${name} for ${title(id)}`)}
                  @click=${() => void this.run(() => servers.revoke(id, g.serverId))}>${msg('Revoke')}</button></li>`;
            })}</ul>` : html`<span class="muted">${msg('None yet: it asks you the first time.')}</span>`}</td></tr>`;
        })}</tbody></table>
      <p class="note">${msg('"This device, else a server" uses a server only for a model this device cannot run; "Prefer a server" uses one whenever a server serves the model. Either way, only servers the app may use.')}</p>
    </section>`;
  }
}
