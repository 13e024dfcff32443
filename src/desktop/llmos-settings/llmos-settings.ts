import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { DesktopServices } from '../services/desktop-services';
import type { DesktopSettingsValue, ThemeChoice } from '../services/desktop-settings';
import { APPS } from '../registry';
import { deriveBudget, type Budget } from '../../kernel/device-budget';
import { PRIORITIES, type Priority } from '../../kernel/priority';
import { LOCALES, isLocale } from '../../locales/locale';
import { themeStyles } from '../../components/shared/theme.styles';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';
import { mb } from '../../components/shared/backend-words';
import { tabName } from '../../components/llmos-task-manager/host-words';
import { LlmosSettingsChangeEvent } from '../../components/shared/desktop-events';
import { keepAliveChoices, priorityWords } from '../../components/shared/settings-words';
import type { GgufEnginePreference } from '../../models/choose-engine';
import { settingsStyles } from './llmos-settings.styles';
import { normaliseOrigin } from '../../api/bridge/model-origins';
import { renderModelOptions } from '../../components/llmos-model-picker/model-options';
import { ServerSettings } from './server-settings';

const MiB = 1024 * 1024;

/**
 * Settings of the desktop: the kernel's budgets (VRAM MB, RAM MB, worker slots — `kernel.setBudget`,
 * validated there: a bad value is a `BudgetError` shown in words and changes nothing; where another tab
 * hosts the kernel the change is applied there, and the budget shown is the one its `budget-changed`
 * event reports), the default model and priority of each app, how long models stay loaded
 * (keep-alive), the sites whose model URLs callers of the `/v1` endpoint may name (one origin a line; a
 * line that is not an origin is shown and nothing is saved), theme (system, light, dark) and language. Every change is persisted at once and announced
 * with `llmos-settings-change`. Servers: the OpenAI-compatible servers apps may use (`services.servers`) —
 * each with its address, whether a key is stored (never the key), its state and latency, its models and
 * tokens/s; a form to test (`probe`) and add one; Remove, confirmed in place — and, per app, where its jobs
 * run (routing policy) and the servers it may use, each with Revoke. `reveal('servers')` shows that section.
 *
 * @summary Budgets, default models, keep-alive, servers, /v1 model sites, theme and language.
 *
 * @event llmos-settings-change - `LlmosSettingsChangeEvent`: `detail.key` names what changed.
 *
 * @csspart section - Each group of settings.
 */
export class LlmosSettings extends LitElement {
  static override styles = [themeStyles, settingsStyles];
  @property({ attribute: false }) services: DesktopServices | null = null;
  /** @internal */ @state() private budget: Budget | null = null;
  /** @internal */ @state() private value: DesktopSettingsValue | null = null;
  /** @internal */ @state() private budgetError: ErrorWords | null = null;
  /** @internal */ @state() private saved = false;
  /** @internal */ @state() private pending = false;
  /** @internal */ @state() private originsError: string | null = null;
  /** @internal */ @state() private originsSaved = false;

  private off: (() => void) | null = null;
  private readonly serverSettings = new ServerSettings(this, () => this.services?.servers ?? null);

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** Scroll to a section and move focus to its heading (`servers`). */
  async reveal(section: string): Promise<void> {
    await this.updateComplete;
    const heading = this.renderRoot.querySelector<HTMLElement>(`#h-${CSS.escape(section)}`);
    heading?.scrollIntoView({ block: 'start' });
    heading?.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
    this.off = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('services') || !this.services) return;
    const s = this.services;
    this.off?.();
    const onSettings = () => { this.value = s.settings.value; };
    const onModels = () => this.requestUpdate();
    s.settings.addEventListener('change', onSettings);
    s.addEventListener('models-changed', onModels);
    const offBudget = s.kernel.events.on('budget-changed', ({ budget }) => {
      this.budget = budget;
      this.pending = false;
    });
    // Where the kernel runs (another tab, or this one after the host closed) is said next to the budget.
    const offHost = s.kernel.events.on('host-changed', () => this.requestUpdate());
    // Servers: their list, health, grants and policies change with `change`; their tokens/s with each job.
    s.servers.addEventListener('change', onModels);
    const offJobs = s.kernel.events.on('job-finished', (e) => { if (e.computedOn?.kind === 'server') this.requestUpdate(); });
    this.off = () => {
      s.settings.removeEventListener('change', onSettings);
      s.removeEventListener('models-changed', onModels);
      s.servers.removeEventListener('change', onModels);
      offBudget();
      offHost();
      offJobs();
    };
    this.value = s.settings.value;
    this.budget = s.kernel.budget;
    void s.kernel.ready.then((b) => { this.budget ??= b; }, () => undefined);
  }

  private save(patch: Partial<DesktopSettingsValue>, key: string): void {
    this.services?.settings.update(patch);
    this.dispatchEvent(new LlmosSettingsChangeEvent({ key }));
  }

  /**
   * Apply budget overrides. The kernel returns the new budget where it runs in this tab; where another
   * tab hosts it, null, and the budget follows in a `budget-changed` event (until then, the last one stays).
   */
  private setBudget(overrides: Parameters<DesktopServices['kernel']['setBudget']>[0]): void {
    const b = this.services!.kernel.setBudget(overrides);
    this.pending = b === null;
    if (b) this.budget = b;
  }

  private applyBudget(ev: SubmitEvent): void {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const num = (name: string): number | null => {
      const raw = (form.elements.namedItem(name) as HTMLInputElement).value.trim();
      return raw === '' ? null : Number(raw);
    };
    this.saved = false;
    try {
      this.setBudget({ vramMB: num('vram'), ramMB: num('ram'), slots: num('slots') });
      this.budgetError = null;
      this.saved = true;
      this.dispatchEvent(new LlmosSettingsChangeEvent({ key: 'budget' }));
    } catch (e) {
      this.budgetError = errorWords(e);
    }
  }

  private resetBudget(): void {
    const form = this.renderRoot.querySelector<HTMLFormElement>('form.budget');
    form?.reset();
    for (const input of form?.querySelectorAll('input') ?? []) input.value = '';
    this.budgetError = null;
    try {
      this.setBudget({ vramMB: null, ramMB: null, slots: null });
      this.saved = true;
    } catch (e) {
      this.budgetError = errorWords(e);
    }
  }

  private renderBudget() {
    const b = this.budget;
    const probe = this.services?.kernel.probe;
    const host = this.services?.kernel.host;
    const remote = host ? !host.local : false;
    const est = probe ? deriveBudget(probe, {}) : null;
    const field = (name: string, label: string, current: number | undefined, estimate: number | undefined, override: boolean, unit: string, step = 1) =>
      html`<label class="field"><span>${label}</span>
        <span class="input"><input name=${name} type="number" min=${name === 'slots' ? 1 : 0} step=${step} inputmode="numeric"
          .value=${override && current !== undefined ? String(current) : ''} placeholder=${estimate !== undefined ? String(estimate) : ''}
          aria-describedby="budget-note" /><span class="unit">${unit}</span></span></label>`;
    return html`<section part="section" aria-labelledby="h-budget"><h3 id="h-budget">${msg('Budgets')}</h3>
      <form class="budget" @submit=${(e: SubmitEvent) => this.applyBudget(e)}>
        ${field('vram', msg('VRAM'), b ? Math.round(b.vramBytes / MiB) : undefined, est ? Math.round(est.vramBytes / MiB) : undefined, b?.source.vram === 'override', 'MB')}
        ${field('ram', msg('RAM'), b ? Math.round(b.ramBytes / MiB) : undefined, est ? Math.round(est.ramBytes / MiB) : undefined, b?.source.ram === 'override', 'MB')}
        ${field('slots', msg('Worker slots'), b?.slots, est?.slots, b?.source.slots === 'override', '')}
        <div class="buttons"><button type="submit" class="primary">${msg('Apply')}</button>
          <button type="button" @click=${() => this.resetBudget()}>${msg('Use estimates')}</button></div>
      </form>
      <p id="budget-note" class="note">${b ? msg(str`In force: VRAM ${mb(b.vramBytes)}, RAM ${mb(b.ramBytes)}, worker slots ${b.slots}. Browsers do not report free memory: empty fields use the estimate shown.`) : msg('Probing the device…')}</p>
      ${this.budgetError ? html`<p class="error" role="alert" data-code=${this.budgetError.code}><strong>${this.budgetError.words}</strong>
        ${this.budgetError.message} <code>${this.budgetError.code}</code></p>` : nothing}
      ${remote ? html`<p class="note" data-host="tab">${host?.leader
        ? msg(str`The kernel runs in tab «${tabName(host, host.leader.tabId)}»: the budget is that tab's device budget, and a change applies to every tab.`)
        : msg('The kernel runs in another tab: the budget is that tab\'s device budget, and a change applies to every tab.')}</p>` : nothing}
      ${this.saved && !this.budgetError ? html`<p class="ok" role="status">${this.pending ? msg('Applying the budget in the tab that runs the kernel…') : msg('Budget applied.')}</p>` : nothing}
    </section>`;
  }

  private renderApps(v: DesktopSettingsValue) {
    const models = this.services?.models() ?? [];
    const apps = APPS.filter((a) => a.process);
    return html`<section part="section" aria-labelledby="h-apps"><h3 id="h-apps">${msg('Apps')}</h3>
      <table class="apps stack"><thead><tr><th scope="col">${msg('App')}</th><th scope="col">${msg('Default model')}</th><th scope="col">${msg('Priority')}</th></tr></thead>
        <tbody>${apps.map((a) => html`<tr data-app=${a.id}><th scope="row">${a.title()}</th>
          <td data-label=${msg('Default model')}><select aria-label=${msg(str`Default model of ${a.title()}`)} @change=${(e: Event) => {
            const id = (e.target as HTMLSelectElement).value;
            const dm = { ...v.defaultModels };
            if (id) dm[a.id] = id; else delete dm[a.id];
            this.save({ defaultModels: dm }, 'defaultModels');
          }}>
            <option value="" ?selected=${!v.defaultModels[a.id]}>${msg('First available')}</option>
            ${renderModelOptions(models, v.defaultModels[a.id])}
          </select></td>
          <td data-label=${msg('Priority')}><select aria-label=${msg(str`Priority of ${a.title()}`)} @change=${(e: Event) =>
            this.save({ priorities: { ...v.priorities, [a.id]: (e.target as HTMLSelectElement).value as Priority } }, 'priorities')}>
            ${[...PRIORITIES].reverse().map((p) => html`<option value=${p} ?selected=${(v.priorities[a.id] ?? 'normal') === p}>${priorityWords(p)}</option>`)}
          </select></td></tr>`)}</tbody></table>
      <label class="field inline"><span>${msg('Keep models loaded after use')}</span>
        <select name="keepAlive" @change=${(e: Event) => this.save({ keepAliveMs: Number((e.target as HTMLSelectElement).value) }, 'keepAliveMs')}>
          ${keepAliveChoices().map((c) => html`<option value=${c.ms} ?selected=${v.keepAliveMs === c.ms}>${c.label}</option>`)}
        </select></label>
      <label class="field inline"><span>${msg('Engine for GGUF models')}</span>
        <select name="ggufEngine" @change=${(e: Event) => this.save({ ggufEngine: (e.target as HTMLSelectElement).value as GgufEnginePreference }, 'ggufEngine')}>
          ${([['auto', msg('Automatic (WebGPU f32 engine where the GPU lacks shader-f16)')], ['wllama', msg('llama.cpp (wllama)')], ['webgpu', msg('WebGPU f32 engine')]] as const)
            .map(([value, label]) => html`<option value=${value} ?selected=${v.ggufEngine === value}>${label}</option>`)}
        </select></label>
      <p class="note">${msg('The engine choice applies to models loaded after a reload.')}</p>
    </section>`;
  }

  private saveOrigins(ev: SubmitEvent): void {
    ev.preventDefault();
    const lines = (new FormData(ev.target as HTMLFormElement).get('origins') as string).split('\n').map((l) => l.trim()).filter(Boolean);
    const bad = lines.filter((l) => !normaliseOrigin(l));
    this.originsSaved = bad.length === 0;
    this.originsError = bad.length ? bad.join(', ') : null;
    if (!bad.length) this.save({ remoteModelOrigins: lines.map((l) => normaliseOrigin(l)!) }, 'remoteModelOrigins');
  }

  private renderOrigins(v: DesktopSettingsValue) {
    return html`<section part="section" aria-labelledby="h-v1"><h3 id="h-v1">${msg('OpenAI endpoint (/v1)')}</h3>
      <form class="origins" @submit=${(e: SubmitEvent) => this.saveOrigins(e)}>
        <label class="field"><span>${msg('Sites whose models /v1 may download')}</span>
          <textarea name="origins" rows="3" placeholder="https://huggingface.co" aria-describedby="origins-note"
            .value=${v.remoteModelOrigins.join('\n')}></textarea></label>
        <div class="buttons"><button type="submit">${msg('Save sites')}</button></div>
      </form>
      <p id="origins-note" class="note">${msg('One origin a line. Callers of /v1 may name GGUF files of this app and of these sites only.')}</p>
      ${this.originsError ? html`<p class="error" role="alert">${msg(str`Not a site origin: ${this.originsError}`)}</p>` : nothing}
      ${this.originsSaved ? html`<p class="ok" role="status">${msg('Sites saved.')}</p>` : nothing}
    </section>`;
  }

  private renderLook(v: DesktopSettingsValue) {
    const themes: [ThemeChoice, string][] = [['system', msg('Follow the system')], ['light', msg('Light')], ['dark', msg('Dark')]];
    return html`<section part="section" aria-labelledby="h-look"><h3 id="h-look">${msg('Appearance and language')}</h3>
      <fieldset class="themes"><legend>${msg('Theme')}</legend>
        ${themes.map(([t, label]) => html`<label class="radio"><input type="radio" name="theme" value=${t} .checked=${v.theme === t}
          @change=${() => this.save({ theme: t }, 'theme')} />${label}</label>`)}</fieldset>
      <label class="field inline"><span>${msg('Language')}</span>
        <select name="locale" @change=${(e: Event) => {
          const code = (e.target as HTMLSelectElement).value;
          this.save({ locale: isLocale(code) ? code : null }, 'locale');
        }}>
          ${LOCALES.map((l) => html`<option value=${l.code} lang=${l.code} ?selected=${(v.locale ?? 'en') === l.code}>${l.name}</option>`)}
        </select></label>
    </section>`;
  }

  protected override render() {
    const v = this.value;
    if (!v) return html`<p class="note">${msg('Loading…')}</p>`;
    return html`${this.renderBudget()}${this.renderApps(v)}${this.serverSettings.renderServers()}${this.serverSettings.renderAppServers()}${this.renderOrigins(v)}${this.renderLook(v)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-settings': LlmosSettings;
  }
}
