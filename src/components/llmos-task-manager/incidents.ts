/**
 * The task manager's containment section: models in quarantine (with Clear) and the latest incidents —
 * jobs ended by a watchdog, workers terminated because a run would not stop, quarantines — in words.
 * @internal
 */
import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';
import type { KernelApi } from '../../kernel/kernel-api';
import type { KernelEventMap, KernelEventRecord } from '../../kernel/events';

const KINDS = new Set(['job-timed-out', 'worker-reclaimed', 'model-quarantined', 'model-quarantine-cleared']);
/** Incidents listed at most (newest first). */
const SHOWN = 8;

const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

function limitWords(limit: KernelEventMap['job-timed-out']['limit']): string {
  return { 'first-token': msg('no first token'), 'inter-token': msg('no new token'), wall: msg('total time') }[limit];
}

function causeWords(cause: KernelEventMap['worker-reclaimed']['cause']): string {
  return { cancel: msg('stopped or ended'), timeout: msg('timed out'), preempt: msg('paused for a higher priority') }[cause];
}

/** One incident in words. */
function incidentWords(e: KernelEventRecord): string {
  switch (e.type) {
    case 'job-timed-out': {
      const d = e.detail as KernelEventMap['job-timed-out'];
      return msg(str`Job of process ${d.pid} on ${d.model} ended by its watchdog: ${limitWords(d.limit)} within ${secs(d.limitMs)}.`);
    }
    case 'worker-reclaimed': {
      const d = e.detail as KernelEventMap['worker-reclaimed'];
      return msg(str`Worker of slot ${d.slot} (${d.model ?? '–'}) terminated: a job of process ${d.pid} (${causeWords(d.cause)}) did not stop within ${secs(d.waitedMs)}; ${d.requeued.length} other jobs resumed.`);
    }
    case 'model-quarantined': {
      const d = e.detail as KernelEventMap['model-quarantined'];
      return msg(str`${d.model} quarantined after ${d.failures} failed loads (${d.error.code}).`);
    }
    default: {
      const d = e.detail as KernelEventMap['model-quarantine-cleared'];
      return d.by === 'user' ? msg(str`${d.model} released from quarantine.`) : msg(str`${d.model} released from quarantine: its file changed.`);
    }
  }
}

/** Render the section, or nothing when there is nothing to report. `onChange` re-renders after Clear. */
export function renderIncidents(kernel: KernelApi, onChange: () => void) {
  const quarantined = kernel.quarantined();
  const incidents = kernel.events.history().filter((e) => KINDS.has(e.type)).slice(-SHOWN).reverse();
  if (!quarantined.length && !incidents.length) return nothing;
  return html`<section part="incidents" class="incidents" aria-labelledby="h-incidents">
    <h3 id="h-incidents">${msg('Contained')}</h3>
    ${quarantined.length ? html`<ul class="quarantine">${quarantined.map((q) => html`<li data-quarantined=${q.model}>
      <strong>${q.model}</strong> · ${msg(str`quarantined after ${q.failures} failed loads`)} <code>${q.code}</code>
      <button type="button" aria-label=${msg(str`Clear the quarantine of ${q.model}`)}
        @click=${() => { kernel.clearQuarantine(q.model); onChange(); }}>${msg('Clear')}</button></li>`)}</ul>` : nothing}
    ${incidents.length ? html`<ol class="log" aria-label=${msg('Recent incidents')}>${incidents.map((e) =>
      html`<li data-incident=${e.type}>${incidentWords(e)}</li>`)}</ol>` : nothing}
  </section>`;
}
