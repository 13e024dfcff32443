import { css } from 'lit';

/** Styles shared by the built-in apps (toolbar, model chooser, panes, errors). @internal */
export const appStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.8rem; padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--_border); font-size: 0.88rem; }
  .toolbar .spacer { flex: 1; }
  label.model, label.inline { display: inline-flex; align-items: center; gap: 0.4rem; }
  label.model > span, label.inline > span { color: var(--_muted); font-weight: 600; }
  select { max-width: 20rem; }
  .fixture { font-size: 0.72rem; border: 1px solid var(--_border); border-radius: 999px; padding: 0.05rem 0.5rem; color: var(--_muted); }
  .no-model { display: inline-flex; align-items: center; gap: 0.5rem; color: var(--_muted); }
  .pane { padding: 0.75rem; display: flex; flex-direction: column; gap: 0.6rem; min-height: 0; }
  textarea { font: inherit; resize: vertical; line-height: 1.45; }
  .output { border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_surface); padding: 0.7rem 0.85rem;
    min-height: 5rem; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.5; overflow: auto; }
  .meta { margin: 0; font-size: 0.8rem; color: var(--_muted); font-variant-numeric: tabular-nums; }
  .error { margin: 0; padding: 0.5rem 0.75rem; border-radius: calc(var(--_radius) * 0.8); font-size: 0.88rem; line-height: 1.45;
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent); background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger); }
  .error .detail { color: var(--_fg); }
  .error code { font-family: var(--_mono); font-size: 0.85em; color: var(--_muted); }
  .row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
  .muted { color: var(--_muted); }
  h3 { margin: 0; font-size: 0.9rem; }
`;
