import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { live } from 'lit/directives/live.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { KernelApi, KernelHostInfo } from '../../kernel/kernel-api';
import { getSharedKernel } from '../../api/shared-kernel';
import type { Budget } from '../../kernel/device-budget';
import { PRIORITIES, type Priority } from '../../kernel/priority';
import type { ProcessInfo, ResidentModel } from '../../kernel/types';
import { themeStyles } from '../shared/theme.styles';
import { errorWords, type ErrorWords } from '../shared/error-words';
import { mb } from '../shared/backend-words';
import { priorityWords } from '../shared/settings-words';
import { MetricsHistory } from './metrics-history';
import { SERIES_COLORS, lineChart } from './chart';
import { processStateWords } from './task-words';
import { hostLineWords, ownerWords } from './host-words';
import { renderIncidents } from './incidents';
import { taskManagerStyles } from './llmos-task-manager.styles';

/**
 * The OpenAI-compatible servers the kernel may send jobs to, as the task manager shows them (the desktop
 * passes its `RemoteServers`; an `EventTarget` firing `change` re-renders the section at once).
 */
export interface TaskManagerServers {
  list(): readonly { id: string; name: string }[];
  health(id: string): { state: 'unknown' | 'ok' | 'down'; latencyMs: number | null };
  /** Decode speed of the last job the server finished, tokens/s (null: none yet). */
  tokensPerSec?(id: string): number | null;
}

const fmtMs = (v: number | null) => (v === null ? '–' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

/**
 * In a tab that does not host the kernel, `ps()` and `models()` read the host's snapshot, which arrives
 * just after the host's events: the table is read again this long after the last event.
 */
const SNAPSHOT_LAG_MS = 120;

/**
 * The task manager: the kernel's process table, live (pid, app, the tab that owns it where every tab
 * of the origin shares one kernel, model, priority, state, mean queue wait, last TTFT, tokens/s now,
 * tokens so far) with End process (`kill`) and a priority menu (`renice`) for any tab's process, under
 * a line that says where the kernel runs (this tab, another tab, this page only); the resident models
 * as bars against the VRAM and RAM budgets; and live charts of tokens/s per process and of memory use
 * over the last minutes (SVG); and what the kernel contained — models in quarantine (with Clear) and
 * recent watchdog timeouts and terminated workers. It samples the kernel once per `interval` ms and
 * re-renders on every kernel event (`host-changed` included); in a tab that does not host the kernel,
 * once more when the host's snapshot has followed the event.
 *
 * @summary Processes, resident models and live charts of the kernel.
 *
 * @csspart host - The line that says where the kernel runs.
 * @csspart table - The process table.
 * @csspart models - The resident-model bars.
 * @csspart chart - Each chart.
 * @csspart incidents - Quarantined models and recent containment incidents.
 * @csspart servers - The servers section (only with `servers` that list any): name, state, latency, tokens/s.
 *
 * @cssproperty --llmos-accent - Accent colour.
 * @cssproperty --llmos-danger - End-process button.
 */
export class LlmosTaskManager extends LitElement {
  static override styles = [themeStyles, taskManagerStyles];
  /** The kernel to show. */
  @property({ attribute: false }) kernel: KernelApi | null = null;
  /** Sampling interval of the charts, ms (default 1000). */
  @property({ type: Number }) interval = 1000;
  /** How many minutes the charts cover (default 5). */
  @property({ type: Number, attribute: 'window-minutes' }) windowMinutes = 5;
  /**
   * OpenAI-compatible servers jobs may run on (the desktop sets its `RemoteServers`): with any, a Servers
   * section lists each one's name, state, latency and last tokens/s.
   */
  @property({ attribute: false }) servers: TaskManagerServers | null = null;
  /** List exited processes too. */
  @property({ type: Boolean, attribute: 'show-ended' }) showEnded = false;
  /** @internal */ @state() private procs: ProcessInfo[] = [];
  /** @internal */ @state() private models: ResidentModel[] = [];
  /** @internal */ @state() private budget: Budget | null = null;
  /** @internal */ @state() private host: KernelHostInfo | null = null;
  /** @internal */ @state() private problem: ErrorWords | null = null;

  /** The sampled history (exposed for tests and embedding pages). */
  history = new MetricsHistory();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lagTimer: ReturnType<typeof setTimeout> | undefined;
  private off: (() => void) | null = null;
  private offServers: (() => void) | null = null;
  private colors = new Map<number, string>();

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    // Standalone: without a `kernel` given, show the page's shared kernel (the desktop's, once it installed it).
    this.kernel ??= getSharedKernel();
    super.connectedCallback();
    this.restartTimer();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.lagTimer);
    this.lagTimer = undefined;
    this.off?.();
    this.off = null;
    this.offServers?.();
    this.offServers = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('windowMinutes')) this.history = new MetricsHistory(this.windowMinutes * 60_000);
    if (changed.has('interval') && this.isConnected) this.restartTimer();
    if (changed.has('servers') || (this.servers && !this.offServers)) {
      this.offServers?.();
      this.offServers = null;
      const target = this.servers as (TaskManagerServers & Partial<EventTarget>) | null;
      if (target?.addEventListener && this.isConnected) {
        const onChange = () => this.requestUpdate();
        target.addEventListener('change', onChange);
        this.offServers = () => target.removeEventListener?.('change', onChange);
      }
    }
    if (changed.has('kernel')) {
      this.off?.();
      this.off = this.kernel?.events.on('*', () => this.refreshAfterEvent()) ?? null;
      this.refresh();
      this.sample();
      void this.kernel?.ready.then(() => this.refresh(), () => undefined);
    }
  }

  private restartTimer(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sample(), Math.max(100, this.interval));
  }

  /** Take a chart sample now (the timer does it every `interval` ms). */
  sample(): void {
    const k = this.kernel;
    if (!k) return;
    this.history.add(performance.now(), { ps: k.ps(), usage: k.usage() });
    this.refresh();
  }

  /** Re-read the kernel now. */
  refresh(): void {
    const k = this.kernel;
    if (!k) return;
    this.procs = k.ps();
    this.models = k.models();
    this.budget = k.budget;
    this.host = k.host;
  }

  /** Re-read now, and once more when the host's snapshot has followed (in a tab that does not host the kernel). */
  private refreshAfterEvent(): void {
    this.refresh();
    if (!this.kernel || this.kernel.host.local) return;
    clearTimeout(this.lagTimer);
    this.lagTimer = setTimeout(() => {
      this.lagTimer = undefined;
      if (this.isConnected) this.refresh();
    }, SNAPSHOT_LAG_MS);
  }

  private colorOf(pid: number): string {
    let c = this.colors.get(pid);
    if (!c) this.colors.set(pid, c = SERIES_COLORS[this.colors.size % SERIES_COLORS.length]!);
    return c;
  }

  private kill(p: ProcessInfo): void {
    try {
      this.kernel?.kill(p.pid);
      this.problem = null;
    } catch (e) {
      this.problem = errorWords(e);
    }
    this.refreshAfterEvent();
  }

  private renice(p: ProcessInfo, priority: Priority): void {
    try {
      this.kernel?.renice(p.pid, priority);
      this.problem = null;
    } catch (e) {
      this.problem = errorWords(e);
    }
    this.refreshAfterEvent();
  }

  /** Whether the table has the Tab column: where every tab of the origin shares the kernel. */
  private get showTabs(): boolean {
    return this.host?.mode === 'shared';
  }

  private renderRow(p: ProcessInfo) {
    const m = p.metrics;
    const host = this.host;
    const running = p.state !== 'exited';
    const rate = p.runningJobs > 0 ? this.history.rate(p.pid) : m.tokensPerSec;
    return html`<tr data-pid=${p.pid} data-state=${p.state}>
      <td class="num pid" data-label=${msg('PID')}><span class="swatch" style="background:${this.colorOf(p.pid)}" aria-hidden="true"></span>${p.pid}</td>
      <th scope="row">${p.name}</th>
      ${host && this.showTabs ? html`<td class="tab narrow-hide" data-col="tab" data-label=${msg('Tab')} data-tab=${p.tab ?? ''} ?data-own=${p.tab === host.tabId}
        title=${p.tab ?? ''}>${ownerWords(host, p.tab)}</td>` : nothing}
      <td class="model narrow-hide" data-label=${msg('Model')}>${p.model ?? '–'}</td>
      <td class="narrow-hide prio" data-label=${msg('Priority')}>${running ? html`<select .value=${live(p.priority)} aria-label=${msg(str`Priority of ${p.name} (pid ${p.pid})`)} @change=${(e: Event) =>
        this.renice(p, (e.target as HTMLSelectElement).value as Priority)}>
        ${[...PRIORITIES].reverse().map((c) => html`<option value=${c} ?selected=${c === p.priority}>${priorityWords(c)}</option>`)}</select>`
        : priorityWords(p.priority)}</td>
      <td class="st" data-label=${msg('State')}><span class="state ${p.state}">${processStateWords(p.state)}</span>${p.queuedJobs ? html` <span class="queued">+${p.queuedJobs}</span>` : nothing}</td>
      <td class="num opt" data-label=${msg('Queue wait')}>${fmtMs(m.meanQueueWaitMs)}</td>
      <td class="num opt" data-label="TTFT">${fmtMs(m.lastTtftMs)}</td>
      <td class="num opt" data-col="prompt" data-label=${msg('Prompt (reused)')}>${m.tokensEvaluated.toLocaleString()} (${m.tokensReused.toLocaleString()})</td>
      <td class="num opt" data-col="kv" data-label=${msg('KV cache')} title=${msg(str`${p.kv.tokens} tokens of context in the model's cache`)}>${p.kv.bytes ? mb(p.kv.bytes) : '–'}</td>
      <td class="num" data-col="rate" data-label=${msg('Tokens/s')}>${rate > 0 ? rate.toFixed(1) : '0'}</td>
      <td class="num" data-col="tokens" data-label=${msg('Tokens')}>${m.tokensOut.toLocaleString()}</td>
      <td class="act">${running ? html`<button type="button" class="end" aria-label=${msg(str`End process ${p.pid} (${p.name})`)}
        @click=${() => this.kill(p)}>${msg('End')}</button>` : nothing}</td>
    </tr>`;
  }

  private renderBudgetBar(kind: 'vram' | 'ram', total: number) {
    const used = (m: ResidentModel) => (kind === 'vram' ? m.vramBytes : m.ramBytes);
    const charged = this.models.filter((m) => used(m) > 0);
    const sum = charged.reduce((n, m) => n + used(m), 0);
    const label = kind === 'vram' ? msg('VRAM') : msg('RAM');
    return html`<div class="budget" data-budget=${kind}>
      <div class="budget-head"><strong>${label}</strong><span>${msg(str`${mb(sum)} of ${mb(total)}`)}</span></div>
      <div class="stack" role="img" aria-label=${msg(str`${label}: ${mb(sum)} of ${mb(total)} used by ${charged.length} models`)}>
        ${charged.map((m) => html`<span class="seg ${m.state}" title="${m.id} · ${mb(used(m))}" data-model=${m.id}
          style="width:${total > 0 ? Math.min(100, (used(m) / total) * 100).toFixed(2) : 0}%"></span>`)}
      </div></div>`;
  }

  private renderModels() {
    const b = this.budget;
    return html`<section part="models" class="models" aria-labelledby="h-models">
      <h3 id="h-models">${msg('Models in memory')}</h3>
      ${b ? html`${this.renderBudgetBar('vram', b.vramBytes)}${this.renderBudgetBar('ram', b.ramBytes)}` : nothing}
      ${this.models.length ? html`<ul class="resident">${this.models.map((m) => html`<li data-model=${m.id}>
          <strong>${m.id}</strong> · ${msg(str`slot ${m.slot}`)} · ${m.state === 'loaded' ? (m.runningJobs ? msg('busy') : msg('idle')) : m.state === 'loading' ? msg('loading') : msg('unloading')}
          · ${m.vramBytes ? `${mb(m.vramBytes)} VRAM` : `${mb(m.ramBytes)} RAM`}
          · ${m.keepAliveMs < 0 ? msg('pinned') : msg(str`keep-alive ${Math.round(m.keepAliveMs / 1000)} s`)}</li>`)}</ul>`
        : html`<p class="muted">${msg('No model is loaded. A model loads when an app first uses it.')}</p>`}
    </section>`;
  }

  private renderServers() {
    const s = this.servers;
    const list = s?.list() ?? [];
    if (!s || !list.length) return nothing;
    const stateWords = { ok: msg('answering'), down: msg('not answering'), unknown: msg('not checked yet') };
    return html`<section part="servers" class="servers" aria-labelledby="h-servers">
      <h3 id="h-servers">${msg('Servers')}</h3>
      <table aria-labelledby="h-servers"><thead><tr><th scope="col">${msg('Server')}</th><th scope="col">${msg('State')}</th>
        <th scope="col" class="num">${msg('Latency')}</th><th scope="col" class="num">${msg('Tokens/s')}</th></tr></thead>
        <tbody>${list.map((v) => {
          const h = s.health(v.id);
          const rate = s.tokensPerSec?.(v.id) ?? null;
          return html`<tr data-server=${v.id} data-state=${h.state}><th scope="row">${v.name}</th>
            <td><span class="state ${h.state === 'ok' ? 'running' : h.state === 'down' ? 'exited' : 'sleeping'}">${stateWords[h.state]}</span></td>
            <td class="num" data-col="latency">${h.latencyMs === null ? '–' : `${Math.round(h.latencyMs)} ms`}</td>
            <td class="num" data-col="rate">${rate === null ? '–' : rate.toFixed(1)}</td></tr>`;
        })}</tbody></table>
    </section>`;
  }

  private renderCharts() {
    const h = this.history;
    const now = h.samples[h.samples.length - 1]?.t ?? performance.now();
    // Until the window has filled, the charts span what was sampled (at least 30 s) instead of
    // squeezing a few seconds into the right edge.
    const first = h.samples[0]?.t ?? now;
    const t0 = Math.min(now - 30_000, Math.max(now - this.windowMinutes * 60_000, first));
    const names = new Map(this.procs.map((p) => [p.pid, p.name]));
    const rateSeries = h.pids().filter((pid) => names.has(pid)).map((pid) => ({ label: `${pid} ${names.get(pid)}`, color: this.colorOf(pid), points: h.rateSeries(pid) }));
    const mem = [
      { label: msg('VRAM'), color: SERIES_COLORS[0]!, points: h.samples.map((s) => [s.t, s.vramBytes / 1048576] as const) },
      { label: msg('RAM'), color: SERIES_COLORS[1]!, points: h.samples.map((s) => [s.t, s.ramBytes / 1048576] as const) },
    ];
    const lastRates = rateSeries.map((s) => `${s.label}: ${(s.points[s.points.length - 1]?.[1] ?? 0).toFixed(1)}`).join(', ');
    return html`<section class="charts" aria-labelledby="h-charts">
      <h3 id="h-charts" class="visually-hidden">${msg('Charts')}</h3>
      <figure part="chart" data-chart="rate">
        <figcaption>${msg(str`Tokens per second, last ${this.windowMinutes} minutes`)}</figcaption>
        ${lineChart({ series: rateSeries, t0, t1: now, format: (v) => `${v} tok/s`, label: msg(str`Tokens per second by process. Now: ${lastRates || msg('none')}`) })}
        <ul class="legend">${rateSeries.map((s) => html`<li><span class="swatch" style="background:${s.color}"></span>${s.label}</li>`)}</ul>
      </figure>
      <figure part="chart" data-chart="memory">
        <figcaption>${msg(str`Memory of resident models, last ${this.windowMinutes} minutes`)}</figcaption>
        ${lineChart({ series: mem, t0, t1: now, area: true, format: (v) => `${v} MB`, label: msg(str`Memory in use: VRAM ${mb(this.kernel?.usage().vramBytes ?? 0)}, RAM ${mb(this.kernel?.usage().ramBytes ?? 0)}`) })}
        <ul class="legend">${mem.map((s) => html`<li><span class="swatch" style="background:${s.color}"></span>${s.label}</li>`)}</ul>
      </figure>
    </section>`;
  }

  protected override render() {
    const rows = this.procs.filter((p) => this.showEnded || p.state !== 'exited');
    const host = this.host;
    const columns = this.showTabs ? 13 : 12;
    return html`
      ${host ? html`<p part="host" class="host" data-host=${host.mode === 'private' ? 'page' : host.local ? 'local' : host.leader ? 'tab' : 'unknown'}
        >${hostLineWords(host)}</p>` : nothing}
      ${this.problem ? html`<p class="error" role="alert" data-code=${this.problem.code}><strong>${this.problem.words}</strong> ${this.problem.message}</p>` : nothing}
      <div class="table-wrap"><table part="table" class="procs" aria-label=${msg('Processes')}>
        <thead><tr>
          <th scope="col">${msg('PID')}</th><th scope="col">${msg('App')}</th>
          ${this.showTabs ? html`<th scope="col" class="narrow-hide" title=${msg('The browser tab that owns the process')}>${msg('Tab')}</th>` : nothing}
          <th scope="col" class="narrow-hide">${msg('Model')}</th>
          <th scope="col" class="narrow-hide">${msg('Priority')}</th><th scope="col">${msg('State')}</th><th scope="col" class="opt">${msg('Queue wait')}</th>
          <th scope="col" class="opt">TTFT</th>
          <th scope="col" class="opt" title=${msg('Prompt tokens evaluated, and reused from the engine\'s cache')}>${msg('Prompt (reused)')}</th>
          <th scope="col" class="opt" title=${msg('KV cache its conversations hold (estimated)')}>${msg('KV cache')}</th><th scope="col">${msg('Tokens/s')}</th><th scope="col">${msg('Tokens')}</th>
          <th scope="col"><span class="visually-hidden">${msg('Actions')}</span></th></tr></thead>
        <tbody>${rows.length ? repeat(rows, (p) => p.pid, (p) => this.renderRow(p))
          : html`<tr><td colspan=${columns} class="muted">${msg('No processes. Open an app to start one.')}</td></tr>`}</tbody>
      </table></div>
      ${this.kernel ? renderIncidents(this.kernel, () => this.requestUpdate()) : nothing}
      ${this.renderServers()}
      <div class="lower">${this.renderModels()}${this.renderCharts()}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-task-manager': LlmosTaskManager;
  }
}
