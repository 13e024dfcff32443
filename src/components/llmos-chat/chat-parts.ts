/**
 * Pieces of `<llmos-chat>`'s template that need no element state: the finished-state line, a reply's
 * action buttons, attachments, dictation and attach buttons, errors in words, tool-call cards. @internal
 */
import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';
import type { GenerateResult } from '../../protocol/engine';
import type { ComputedOn } from '../../protocol/remote';
import type { ErrorWords } from '../shared/error-words';
import { ICONS } from '../shared/icons';
import { prettyJson, type ToolCallView } from './chat-tools';

function stopWords(r: GenerateResult['stopReason']): string {
  return { stop: msg('Finished'), length: msg('Reached the token limit'), abort: msg('Stopped'), interrupt: msg('Interrupted') }[r];
}

/**
 * "Finished · 16 tokens · 45.2 tok/s · TTFT 120 ms". `shown` overrides the token count (a stopped reply
 * counts the tokens the reader saw, not those the engine made before the stop reached it).
 */
export function describeResult(r: GenerateResult, shown?: number): string {
  const u = r.usage;
  const n = shown ?? u.completionTokens;
  const parts = [stopWords(r.stopReason), n === 1 ? msg('1 token') : msg(str`${n} tokens`)];
  if (u.decodeTokensPerSec > 0) parts.push(`${u.decodeTokensPerSec.toFixed(1)} tok/s`);
  if (n > 0) parts.push(`TTFT ${Math.round(u.ttftMs)} ms`);
  return parts.join(' · ');
}

/** Where a reply was computed, as a small badge: "on this device" or "on server {name}". */
export function renderComputedOn(c: ComputedOn) {
  const server = c.kind === 'server';
  return html`<span part="computed-on" class="computed-on" data-computed-on=${c.kind} data-server=${server ? c.serverId : nothing}
    title=${server ? msg(str`Computed on server ${c.name}`) : msg('Computed on this device')}>${server ? msg(str`on server ${c.name}`) : msg('on this device')}</span>`;
}

/** An error in words; a Stop that surfaces as an AbortError is not a failure and is said quietly. */
export function renderError(w: ErrorWords) {
  const aborted = w.code === 'ABORTED';
  return html`<p part="error" class="error ${aborted ? 'aborted' : ''}" role=${aborted ? 'status' : 'alert'} data-code=${w.code}>
    <strong>${w.words}</strong> <span class="detail">${w.message} <code>${w.code}</code></span></p>`;
}

/** What the action bar of a reply needs. */
export interface ActionOptions {
  last: boolean;
  busy: boolean;
  speakable: boolean;
  speaking: boolean;
  copied: boolean;
  onCopy(): void;
  onSpeak(): void;
  onRegenerate(): void;
}

/**
 * Copy, Read aloud (where `speechSynthesis` exists), Regenerate (the last reply only). Text only: nothing
 * but model text and plain buttons is inserted into the log while a reply streams.
 */
export function renderActions(e: { content: string }, o: ActionOptions) {
  return html`<div part="actions" class="msg-actions">
    ${e.content ? html`<button type="button" class="mini" data-action="copy" @click=${o.onCopy}><span>${o.copied ? msg('Copied') : msg('Copy')}</span></button>` : nothing}
    ${o.speakable && e.content ? html`<button type="button" class="mini" data-action="speak" aria-pressed=${o.speaking ? 'true' : 'false'}
      @click=${o.onSpeak}><span>${o.speaking ? msg('Stop reading') : msg('Read aloud')}</span></button>` : nothing}
    ${o.last ? html`<button type="button" class="mini" data-action="regenerate" ?disabled=${o.busy} @click=${o.onRegenerate}><span>${msg('Regenerate')}</span></button>` : nothing}
  </div>`;
}

/** Thumbnails of a message's images (data URLs chosen by the user, never by the model); each opens the viewer. */
export function renderAttachments(images: readonly string[] | undefined, onView: (src: string, index: number) => void) {
  if (!images?.length) return nothing;
  return html`<div class="attachments">${images.map((src, i) => html`<button type="button" class="thumb"
    aria-label=${msg(str`View image ${i + 1}`)} title=${msg(str`View image ${i + 1}`)} @click=${() => onView(src, i)}>
    <img src=${src} alt=${msg(str`Attached image ${i + 1}`)} /></button>`)}</div>`;
}

/** A modal dialog showing one image at full size (Escape, the Close button or a click outside closes it). */
export function renderImageViewer(view: { src: string; index: number } | null, onClose: () => void) {
  return html`<dialog part="viewer" class="viewer" aria-label=${view ? msg(str`Attached image ${view.index + 1}`) : msg('Image')} @close=${onClose}
    @click=${(e: MouseEvent) => { if (e.target === e.currentTarget) (e.currentTarget as HTMLDialogElement).close(); }}>
    ${view ? html`<img src=${view.src} alt=${msg(str`Attached image ${view.index + 1}`)} />` : nothing}
    <form method="dialog"><button type="submit">${msg('Close')}</button></form>
  </dialog>`;
}

/** Images waiting to be sent, each with its own remove button. */
export function renderPendingImages(images: readonly string[], onRemove: (index: number) => void) {
  return html`<ul part="pending" class="pending" aria-label=${msg('Images to send')}>${images.map((src, i) => html`<li>
    <img src=${src} alt=${msg(str`Attached image ${i + 1}`)} />
    <button type="button" class="remove" aria-label=${msg(str`Remove image ${i + 1}`)} title=${msg(str`Remove image ${i + 1}`)}
      @click=${() => onRemove(i)}>×</button></li>`)}</ul>`;
}

/** What the composer's extra buttons need. */
export interface ComposerOptions {
  dictation: boolean;
  listening: boolean;
  images: boolean;
  onDictate(): void;
  onAttach(e: Event): void;
}

/** Dictation (only where the Web Speech API exists) and image attachment (only for models that take images). */
export function renderComposerExtras(o: ComposerOptions) {
  return html`
    ${o.dictation ? html`<button part="voice" type="button" class="icon ${o.listening ? 'listening' : ''}" aria-pressed=${o.listening ? 'true' : 'false'}
      aria-label=${o.listening ? msg('Stop dictation') : msg('Dictate')} title=${o.listening ? msg('Stop dictation') : msg('Dictate')}
      @click=${o.onDictate}>${ICONS.mic}</button>` : nothing}
    ${o.images ? html`<label part="attach" class="icon attach" title=${msg('Attach images')}>
      <input type="file" accept="image/*" multiple aria-label=${msg('Attach images')} @change=${o.onAttach} />${ICONS.image}</label>` : nothing}`;
}

function toolStateWords(s: ToolCallView['state']): string {
  return { running: msg('Running…'), done: msg('Done'), error: msg('Failed'), stopped: msg('Not finished') }[s];
}

/**
 * A reply's tool calls, one collapsible card each (`<details>`): the tool's name and state in the
 * summary, the arguments and the result inside. Everything the model or a tool wrote is inserted as text
 * (Lit text bindings), never as HTML; a failed call is marked as such in words, not by colour alone.
 */
export function renderToolCalls(views: readonly ToolCallView[]) {
  return html`<div class="tool-calls" role="group" aria-label=${msg('Tool calls')}>${views.map((v) => html`
    ${v.lead ? html`<p class="tool-lead">${v.lead}</p>` : nothing}
    <details part="tool-call" class="tool-call" data-state=${v.state} data-tool=${v.call.name} aria-busy=${v.state === 'running' ? 'true' : 'false'}>
      <summary><span class="tool-kind">${msg('Tool')}</span> <code class="tool-name">${v.call.name}</code>
        <span class="tool-state" data-state=${v.state}>${toolStateWords(v.state)}</span></summary>
      <div class="tool-body">
        <p class="tool-label">${msg('Arguments')}</p>
        <pre part="tool-arguments" class="tool-arguments">${prettyJson(v.call.arguments) || '{}'}</pre>
        ${v.result !== undefined ? html`<p class="tool-label">${v.state === 'error' ? msg('Error') : msg('Result')}</p>
          <pre part="tool-result" class="tool-result">${prettyJson(v.result)}</pre>` : nothing}
      </div>
    </details>`)}</div>`;
}
