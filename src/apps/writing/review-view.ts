/**
 * The proofread text with its suggestions inline: each one's original span struck through, the
 * correction inserted after it, its type as a visible label and its explanation as the tooltip (and in
 * the buttons' accessible names), and Accept / Reject buttons. @internal
 */
import { css, html } from 'lit';
import { msg, str } from '@lit/localize';
import { segments, type Review, type Suggestion } from './review';

/** What the inline view calls back. */
export interface ReviewActions {
  accept(id: number): void;
  reject(id: number): void;
}

/** The words for a correction type. */
export function correctionTypeWords(type: string): string {
  const words: Record<string, () => string> = {
    'spelling': () => msg('Spelling'),
    'punctuation': () => msg('Punctuation'),
    'capitalization': () => msg('Capitalization'),
    'preposition': () => msg('Preposition'),
    'missing-words': () => msg('Missing words'),
    'grammar': () => msg('Grammar'),
  };
  return words[type]?.() ?? type;
}

/** "“fir” → “for”", "insert “the”", "delete “very”". */
function change(s: Suggestion): string {
  if (!s.original.trim()) return msg(str`insert “${s.correction.trim()}”`);
  if (!s.correction.trim()) return msg(str`delete “${s.original.trim()}”`);
  return `“${s.original}” → “${s.correction}”`;
}

function renderSuggestion(s: Suggestion, n: number, on: ReviewActions) {
  const what = [change(s), s.type ? correctionTypeWords(s.type) : '', s.explanation ?? ''].filter(Boolean).join(' · ');
  return html`<span class="fix" data-id=${s.id} title=${what}>${s.original ? html`<del>${s.original}</del>` : ''}${s.correction ? html`<ins>${s.correction}</ins>` : ''}${
    s.type ? html`<span class="kind">${correctionTypeWords(s.type)}</span>` : ''}<button type="button" class="mini accept" data-action="accept"
      aria-label=${msg(str`Accept correction ${n}: ${what}`)} @click=${() => on.accept(s.id)}>✓</button><button type="button" class="mini reject" data-action="reject"
      aria-label=${msg(str`Reject correction ${n}: ${what}`)} @click=${() => on.reject(s.id)}>✗</button></span>`;
}

/** The text with its open suggestions inline. */
export function renderReview(review: Review, on: ReviewActions) {
  let n = 0;
  return html`${segments(review).map((x) => (typeof x === 'string' ? x : renderSuggestion(x, ++n, on)))}`;
}

/** Styles of the inline suggestions. */
export const reviewStyles = css`
  .fix { border-radius: 4px; background: color-mix(in srgb, var(--_accent) 10%, transparent); padding: 0 0.1em; }
  .fix del { color: var(--_danger); text-decoration-thickness: 2px; }
  .fix ins { color: light-dark(#1a7f37, #5fd38a); text-decoration: underline; text-underline-offset: 3px; }
  .fix .kind { font-size: 0.7rem; color: var(--_muted); border: 1px solid var(--_border); border-radius: 999px; padding: 0 0.4em; margin-inline: 0.25em; white-space: nowrap; }
  .fix button.mini { padding: 0 0.4em; font-size: 0.8rem; line-height: 1.5; margin-inline-start: 0.15em; min-width: 1.8em; }
`;
