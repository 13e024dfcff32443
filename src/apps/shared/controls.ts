/**
 * Controls of the apps built on the task APIs: a tab list for their modes (Summariser: summary /
 * monitor; Writing: write / rewrite / proofread) as the ARIA tabs pattern has it — the selected tab in
 * the Tab order, arrow keys, Home and End move between tabs and select them, each tab controls the panel
 * `<id>-panel` — a labelled select for an API option with its values in words, and model output as
 * sanitised markdown (the chat's renderer). @internal
 */
import { css, html } from 'lit';
import { msg } from '@lit/localize';
import { renderMarkdown } from '../../components/llmos-chat/render-markdown';

/** One tab: its value, label and element id (its panel's id is `${id}-panel`). */
export interface TabSpec<T extends string> {
  value: T;
  label: string;
  id: string;
}

/** The tab list; `select` is called with the tab chosen (by click or key). */
export function renderTabs<T extends string>(label: string, tabs: readonly TabSpec<T>[], current: T, select: (value: T) => void) {
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.value === current);
    const to = ({ ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: tabs.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length]!;
    select(next.value);
    const list = e.currentTarget as HTMLElement;
    // Focus follows the selection once the host has re-rendered.
    requestAnimationFrame(() => list.querySelector<HTMLElement>(`#${next.id}`)?.focus());
  };
  return html`<div role="tablist" class="tabs" aria-label=${label} @keydown=${onKey}>
    ${tabs.map((t) => html`<button type="button" role="tab" id=${t.id} aria-controls=${`${t.id}-panel`}
      aria-selected=${t.value === current ? 'true' : 'false'} tabindex=${t.value === current ? 0 : -1}
      @click=${() => select(t.value)}>${t.label}</button>`)}
  </div>`;
}

/** The words for the task APIs' option values (types, lengths, formats, tones). */
export function optionWords(value: string): string {
  const words: Record<string, () => string> = {
    'tldr': () => msg('TL;DR'),
    'teaser': () => msg('Teaser'),
    'key-points': () => msg('Key points'),
    'headline': () => msg('Headline'),
    'short': () => msg('Short'),
    'medium': () => msg('Medium'),
    'long': () => msg('Long'),
    'plain-text': () => msg('Plain text'),
    'markdown': () => msg('Markdown'),
    'formal': () => msg('Formal'),
    'neutral': () => msg('Neutral'),
    'casual': () => msg('Casual'),
    'as-is': () => msg('As is'),
    'more-formal': () => msg('More formal'),
    'more-casual': () => msg('More casual'),
    'shorter': () => msg('Shorter'),
    'longer': () => msg('Longer'),
  };
  return words[value]?.() ?? value;
}

/** A labelled select of an option's `values` (named `name`, for tests and forms). */
export function renderChoice<T extends string>(name: string, label: string, values: readonly T[], current: T, change: (value: T) => void) {
  return html`<label class="inline"><span>${label}</span>
    <select name=${name} @change=${(e: Event) => change((e.target as HTMLSelectElement).value as T)}>
      ${values.map((v) => html`<option value=${v} ?selected=${v === current}>${optionWords(v)}</option>`)}
    </select></label>`;
}

/** Model output as sanitised markdown, re-rendered only when the text changes. */
export class MarkdownOutput {
  #source: string | null = null;
  #fragment: DocumentFragment | null = null;

  /** The fragment for `text` (Lit inserts a fragment once: the same object until the text changes). */
  render(text: string): DocumentFragment {
    if (this.#source !== text || !this.#fragment) {
      this.#source = text;
      this.#fragment = renderMarkdown(text);
    }
    return this.#fragment;
  }
}

/** Styles of the tab list (a segmented control) and of markdown output. */
export const controlStyles = css`
  .tabs { display: inline-flex; border: 1px solid var(--_border); border-radius: 999px; padding: 2px; gap: 2px; flex-wrap: wrap; }
  .tabs [role="tab"] { border: 0; border-radius: 999px; background: transparent; padding: 0.25em 0.9em; color: inherit; }
  .tabs [role="tab"][aria-selected="true"] { background: var(--_accent); color: var(--_accent-fg); }
  .tabs [role="tab"]:focus-visible { outline: none; box-shadow: var(--_focus); }
  .output.markdown { white-space: normal; }
  .output.markdown > :first-child { margin-top: 0; }
  .output.markdown > :last-child { margin-bottom: 0; }
  .output.markdown ul, .output.markdown ol { padding-left: 1.3rem; }
`;
