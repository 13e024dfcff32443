import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { LoadProgress } from '../../protocol/engine';
import { themeStyles } from '../shared/theme.styles';
import { errorWords } from '../shared/error-words';
import { formatBytes } from '../shared/format';
import { loadProgressStyles } from './llmos-load-progress.styles';

/** What the element shows. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

function phaseWords(phase: LoadProgress['phase']): string {
  return { download: msg('Downloading'), load: msg('Loading into the engine'), init: msg('Initialising') }[phase] ?? phase;
}

/**
 * A model load at a glance: a progress bar fed with the engine's `LoadProgress` (phase, bytes,
 * fraction), then "ready", or the failure in words (`ERROR_TEXT` by code) with the error's message.
 * Drive it with `start(label)`, `progress = p`, `done()` and `fail(error)`, or set the properties.
 *
 * @summary Progress bar and outcome of a model load.
 *
 * @csspart label - The line naming the model and phase.
 * @csspart bar - The native `<progress>` element.
 * @csspart error - The failure in words.
 *
 * @cssproperty --llmos-accent - Bar colour.
 * @cssproperty --llmos-danger - Error colour.
 * @cssproperty --llmos-surface - Track colour.
 * @cssproperty --llmos-radius - Corner radius.
 */
export class LlmosLoadProgress extends LitElement {
  static override styles = [themeStyles, loadProgressStyles];
  /** `idle` renders nothing; `loading`, `ready`, `error` (reflected). */
  @property({ type: String, reflect: true }) state: LoadState = 'idle';
  /** The model being loaded, as the user knows it. */
  @property({ type: String }) label = '';
  /** The latest progress report. */
  @property({ attribute: false }) progress: LoadProgress | null = null;
  /** Why the load failed (any thrown value; shown in words). */
  @property({ attribute: false }) error: unknown = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** Begin showing a load. */
  start(label: string): void {
    this.label = label;
    this.progress = null;
    this.error = null;
    this.state = 'loading';
  }

  /** Mark the load finished. */
  done(): void {
    this.state = 'ready';
  }

  /** Mark the load failed. */
  fail(error: unknown): void {
    this.error = error;
    this.state = 'error';
  }

  private progressText(): string {
    const p = this.progress;
    if (!p) return msg('Starting…');
    const pct = `${Math.round(p.fraction * 100)}%`;
    const bytes = p.phase === 'download' && p.total > 0 ? ` (${msg(str`${formatBytes(p.loaded)} of ${formatBytes(p.total)}`)})` : '';
    return `${phaseWords(p.phase)} ${pct}${bytes}${p.text ? ` — ${p.text}` : ''}`;
  }

  protected override render() {
    if (this.state === 'idle') return nothing;
    if (this.state === 'error') {
      const w = errorWords(this.error);
      return html`<div part="error" class="error" role="alert" data-code=${w.code}>
        <strong>${this.label ? msg(str`Could not load ${this.label}.`) : msg('Could not load the model.')}</strong> ${w.words}
        <span class="detail">${w.message} <code>${w.code}</code></span></div>`;
    }
    const fraction = this.state === 'ready' ? 1 : this.progress?.fraction ?? 0;
    const text = this.state === 'ready' ? msg('Ready') : this.progressText();
    return html`
      <div part="label" class="label" role="status">
        <span class="name">${this.label}</span><span class="phase">${text}</span>
      </div>
      <progress part="bar" max="1" .value=${fraction} aria-label=${msg(str`Loading ${this.label}`)}
        aria-valuetext=${text}></progress>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-load-progress': LlmosLoadProgress;
  }
}
