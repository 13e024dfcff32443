import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { themeStyles } from '../../components/shared/theme.styles';
import { renderError } from '../../components/llmos-chat/chat-parts';
import { currentLocale } from '../../locales/locale';
import { AiAppElement } from '../shared/ai-app';
import { appStyles } from '../shared/app.styles';
import { TaskInstance, TaskView, describeOutcome, taskErrorWords, windowAi } from '../shared/task-view';
import { createLanguageDetectorClass, type LanguageDetector } from '../../api/language-detector/language-detector';
import type { ErrorWords } from '../../components/shared/error-words';
import type { BuiltInAi } from '../../api/builtin-ai/builtin-ai';
import { LANGUAGES, languageName } from './languages';

type Translator = InstanceType<BuiltInAi['Translator']>;

/**
 * The Translator app: a language pair (swap with one button), the source text, and the translation
 * streaming in as the model writes it (a polite live region). The translation is the `Translator` task
 * API's (`createBuiltInAi()`), one instance per model and language pair, running its jobs in the
 * window's kernel process (by default of `normal` priority); Stop aborts the call.
 *
 * @summary Streaming translation between two languages.
 *
 * @csspart source - The source text. @csspart output - The translation.
 */
export class LlmosTranslator extends AiAppElement {
  static override styles = [themeStyles, appStyles, css`
    :host { overflow: auto; }
    .panes { flex: 1 0 auto; display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.75rem; padding: 0.75rem; }
    .panes > * { display: flex; flex-direction: column; gap: 0.4rem; }
    textarea, .output { flex: 1 0 8rem; }
    .actions { display: flex; gap: 0.5rem; align-items: center; padding: 0 0.75rem 0.75rem; flex-wrap: wrap; }
    button.swap { padding: 0.3em 0.6em; }
  `];
  readonly appId = 'translator';
  /** Source language (BCP 47 code). */
  @property({ type: String }) from = 'en';
  /** Target language (BCP 47 code). */
  @property({ type: String }) to = currentLocale() === 'zh-Hans' ? 'en' : 'zh-Hans';
  /** The streamed translation. */
  readonly view = new TaskView(this);
  /** @internal The language detector (the `LanguageDetector` API: a detector library in a worker, no model), made on first use. */
  readonly detectors = new TaskInstance<LanguageDetector>();
  /** What the last detection found: a language with its confidence, `unknown`, or why it failed. */
  @state() detected: { code: string; confidence: number } | 'unknown' | ErrorWords | null = null;
  /** @internal The `Translator` for the current model and pair (made on first use, destroyed when they change). */
  readonly translators = new TaskInstance<Translator>();

  /** The key of the instance the current model and pair need. */
  private get pairKey(): string {
    return `${this.model}\n${this.from}\n${this.to}`;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if ((changed.has('model') || changed.has('from') || changed.has('to')) && this.translators.key !== this.pairKey) {
      // A translation for the old pair is of no use any more.
      this.view.stop();
      this.translators.release();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.translators.release();
    this.detectors.release();
  }

  /**
   * Detect the language of `text` (default: the source box) and make it the source language (the target
   * becomes the old source when they would be the same). Resolves with the code, or null when the text's
   * language is unclear (confidence under 50 %) or detection failed.
   */
  async detectLanguage(text?: string): Promise<string | null> {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (box && text !== undefined) box.value = text;
    const source = (text ?? box?.value ?? '').trim();
    if (!source) return null;
    const kernel = this.services?.kernel;
    try {
      // With the kernel, the detector shows in the task manager as a process of its own while the window lives.
      const detector = await this.detectors.get('detector', () => createLanguageDetectorClass(kernel ? { kernel } : {}).create());
      const [best] = await detector.detect(source);
      if (!best || best.detectedLanguage === 'und' || best.confidence < 0.5) {
        this.detected = 'unknown';
        return null;
      }
      const code = offeredCode(best.detectedLanguage);
      this.detected = { code, confidence: best.confidence };
      if (this.to === code) this.to = this.from;
      this.from = code;
      return code;
    } catch (e) {
      this.detected = taskErrorWords(e);
      return null;
    }
  }

  /** Translate `text` (default: the source box). Resolves with the translation (its part so far when stopped), or null on failure. */
  async translateText(text?: string): Promise<string | null> {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    const source = (text ?? box?.value ?? '').trim();
    const { services, model, pid } = this;
    if (!source || !services || !model || pid === null) return null;
    if (box && text !== undefined) box.value = text;
    const { from, to } = this;
    const translator = this.translators.get(this.pairKey, () => windowAi(services, model, pid).Translator.create({ sourceLanguage: from, targetLanguage: to }));
    return this.view.stream(async (signal) => (await translator).translateStreaming(source, { signal }));
  }

  private swap(): void {
    [this.from, this.to] = [this.to, this.from];
    const out = this.view.text;
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (box && out && !this.view.busy) box.value = out;
  }

  private languageSelect(name: 'from' | 'to', label: string) {
    const ui = currentLocale();
    // A language set from elsewhere (a detector, an attribute) is offered too.
    const codes: readonly string[] = (LANGUAGES as readonly string[]).includes(this[name]) ? LANGUAGES : [this[name], ...LANGUAGES];
    return html`<label class="inline"><span>${label}</span>
      <select name=${name} @change=${(e: Event) => { this[name] = (e.target as HTMLSelectElement).value; }}>
        ${codes.map((c) => html`<option value=${c} ?selected=${this[name] === c}>${languageName(c, ui)}</option>`)}
      </select></label>`;
  }

  /** The source language control, and the button that detects it from the text. */
  private renderSourceLanguage() {
    return html`${this.languageSelect('from', msg('From'))}
      <button type="button" class="detect" title=${msg('Detect the language of the text')} @click=${() => void this.detectLanguage()}>${msg('Detect')}</button>`;
  }

  private renderDetected() {
    const d = this.detected;
    if (d === null) return nothing;
    if (d === 'unknown') return html`<p class="meta detected" role="status">${msg('The language of the text is unclear.')}</p>`;
    if ('words' in d) return renderError(d);
    const name = languageName(d.code, currentLocale());
    return html`<p class="meta detected" role="status">${msg(str`Detected: ${name} (${Math.round(d.confidence * 100)} %)`)}</p>`;
  }

  protected override render() {
    const v = this.view;
    const ready = !!this.services && !!this.model && this.pid !== null;
    return html`
      <div class="toolbar">
        ${this.renderModelSelect()}
        <span class="spacer"></span>
        ${this.renderSourceLanguage()}
        <button type="button" class="swap" aria-label=${msg('Swap languages')} title=${msg('Swap languages')} @click=${() => this.swap()}>⇄</button>
        ${this.languageSelect('to', msg('To'))}
      </div>
      ${this.renderDetected()}
      <div class="panes">
        <div><label for="source"><h3>${languageName(this.from, currentLocale())}</h3></label>
          <textarea part="source" id="source" placeholder=${msg('Text to translate')}
            @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void this.translateText(); } }}></textarea></div>
        <div><h3 id="out-label">${languageName(this.to, currentLocale())}</h3>
          <div part="output" class="output" role="status" aria-live="polite" aria-labelledby="out-label" data-busy=${v.busy ? 'true' : 'false'}>${v.text}</div></div>
      </div>
      <div class="actions">
        <button type="button" class="primary" ?disabled=${v.busy || !ready} @click=${() => void this.translateText()}>${msg('Translate')}</button>
        <button type="button" ?disabled=${!v.busy} @click=${() => v.stop()}>${msg('Stop')}</button>
        ${v.outcome ? html`<p class="meta">${describeOutcome(v.outcome)}</p>` : nothing}
        ${v.error ? renderError(v.error) : nothing}
        <span class="muted">${msg('Ctrl+Enter translates.')}</span>
      </div>`;
  }
}

/** The code the menus offer for a detected language (`zh` → `zh-Hans`), else the detected tag itself. */
function offeredCode(tag: string): string {
  const language = new Intl.Locale(tag).language;
  return (LANGUAGES as readonly string[]).find((c) => c === tag) ?? LANGUAGES.find((c) => new Intl.Locale(c).language === language) ?? tag;
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-translator': LlmosTranslator;
  }
}
