import { css } from 'lit';

/** Styles of `<llmos-load-progress>`. @internal */
export const loadProgressStyles = css`
  :host { display: block; font-size: 0.9rem; }
  :host([state='idle']) { display: none; }
  .label { display: flex; justify-content: space-between; gap: 0.75rem; margin-bottom: 0.35rem; }
  .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .phase { color: var(--_muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
  :host([state='ready']) .phase { color: var(--_fg); }
  progress {
    appearance: none; width: 100%; height: 0.5rem; border: 0; display: block;
    border-radius: 999px; background: var(--_surface); overflow: hidden;
  }
  progress::-webkit-progress-bar { background: var(--_surface); border-radius: 999px; }
  progress::-webkit-progress-value { background: var(--_accent); border-radius: 999px; transition: width 150ms; }
  progress::-moz-progress-bar { background: var(--_accent); }
  .error {
    padding: 0.5rem 0.75rem; border-radius: calc(var(--_radius) * 0.8); line-height: 1.45;
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent);
    background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger);
  }
  .detail { display: block; color: var(--_fg); margin-top: 0.2rem; overflow-wrap: anywhere; }
  code { font-family: var(--_mono); font-size: 0.85em; color: var(--_muted); }
`;
