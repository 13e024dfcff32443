/**
 * Base of the built-in AI apps: each window is one kernel process (`pid`, set by the desktop) and
 * uses one model at a time, chosen from the models the desktop can run (`services.models()`), starting
 * from the app's default. It keeps the model list fresh and gives subclasses a `ChatBackend` (jobs of
 * the process) and the model's generation parameters (fixtures: byte tokens banned).
 */
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import type { Priority } from '../../kernel/priority';
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';
import type { JobParams } from '../../kernel/types';
import { LlmosOpenAppEvent } from '../../components/shared/desktop-events';
import { renderModelOptions } from '../../components/llmos-model-picker/model-options';
import type { AppModel, DesktopServices } from '../../desktop/services/desktop-services';

/** Base class of the built-in AI apps: `services`, `pid`, the chosen `model`, and a backend for them. */
export abstract class AiAppElement extends LitElement {
  /** Kernel, models and settings of the desktop. */
  @property({ attribute: false }) services: DesktopServices | null = null;
  /** The process this window's jobs belong to. */
  @property({ type: Number }) pid: number | null = null;
  /** The model in use (default: the app's default model, else the first usable one). */
  @property({ type: String }) model: string | null = null;
  /** @internal */ @state() protected models: AppModel[] = [];

  /** The app id (defaults, conversations). */
  abstract readonly appId: string;
  private modelsChanged = () => this.syncModels();
  private watched: DesktopServices | null = null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.watch(this.services);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.watch(null);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('services') && this.isConnected) this.watch(this.services);
  }

  private watch(s: DesktopServices | null): void {
    if (this.watched === s) return;
    this.watched?.removeEventListener('models-changed', this.modelsChanged);
    this.watched = s;
    if (!s) return;
    s.addEventListener('models-changed', this.modelsChanged);
    this.syncModels();
    // The library registers downloaded models with the kernel when it opens.
    void s.library().catch(() => undefined);
  }

  private syncModels(): void {
    const s = this.services;
    if (!s) return;
    this.models = s.models();
    if (!this.model || !this.models.some((m) => m.id === this.model)) this.model = s.modelFor(this.appId);
  }

  /** The chosen model's descriptor. */
  protected get modelInfo(): AppModel | undefined {
    return this.models.find((m) => m.id === this.model);
  }

  /** A backend for the current process and model, or null when either is missing. */
  protected backend(priority?: Priority): ChatBackend | null {
    return this.services && this.pid !== null && this.model ? this.services.backend(this.pid, this.model, priority) : null;
  }

  /** Generation parameters of the current model. */
  protected params(): JobParams {
    return this.model && this.services ? this.services.paramsFor(this.model) : {};
  }

  /** The model chooser (or a hint to download one). */
  protected renderModelSelect() {
    if (!this.models.length) {
      return html`<span class="no-model">${msg('No model on this device yet.')}
        <button type="button" @click=${() => this.dispatchEvent(new LlmosOpenAppEvent({ app: 'models' }))}>${msg('Get a model')}</button></span>`;
    }
    return html`<label class="model"><span>${msg('Model')}</span>
      <select name="model" @change=${(e: Event) => { this.model = (e.target as HTMLSelectElement).value; }}>
        ${renderModelOptions(this.models, this.model)}
      </select></label>${this.modelInfo?.fixture ? html`<span class="fixture" title=${msg('Test model with random weights: replies are decoded greedily with byte tokens banned, so they are valid text (and meaningless).')}>${msg('test model')}</span>` : nothing}`;
  }
}
