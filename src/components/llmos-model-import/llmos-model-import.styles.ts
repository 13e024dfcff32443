import { css } from 'lit';

/** Styles of `<llmos-model-import>`. @internal */
export const modelImportStyles = css`
  :host { display: block; }
  .zone {
    display: grid; gap: 0.5rem; justify-items: center; padding: 1.25rem; text-align: center;
    border: 2px dashed var(--_border); border-radius: var(--_radius); background: var(--_surface);
    transition: border-color 120ms, background 120ms;
  }
  :host([dragging]) .zone { border-color: var(--_accent); background: color-mix(in srgb, var(--_accent) 8%, var(--_surface)); }
  .hint { color: var(--_muted); font-size: 0.9rem; }
  label.pick { cursor: pointer; color: var(--_accent); font-weight: 600; }
  label.pick input { position: absolute; width: 1px; height: 1px; opacity: 0; }
  label.pick:focus-within { outline: none; box-shadow: var(--_focus); border-radius: 4px; }
  label.pick.secondary { font-weight: 500; font-size: 0.9rem; }
  progress { width: 100%; }
  .status { font-size: 0.9rem; overflow-wrap: anywhere; }
  .status[data-state='error'] { color: var(--_danger); }
`;
