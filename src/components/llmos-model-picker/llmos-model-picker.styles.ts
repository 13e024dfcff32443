import { css } from 'lit';

/** Styles of `<llmos-model-picker>`. @internal */
export const pickerStyles = css`
  :host { display: block; font-size: 0.95rem; }
  .tabs {
    display: flex; gap: 0.25rem; padding: 0.25rem; border-radius: var(--_radius);
    background: var(--_surface); border: 1px solid var(--_border); overflow-x: auto;
  }
  [role='tab'] {
    flex: 1 1 auto; min-width: 0; border: 1px solid transparent; background: transparent; color: var(--_muted);
    padding: 0.4em 0.55em; font-size: 0.88em; font-weight: 600; white-space: nowrap;
  }
  [role='tab']:hover:not([aria-selected='true']) { color: var(--_fg); border-color: transparent; }
  [role='tab'][aria-selected='true'] {
    background: var(--_bg); color: var(--_fg); border-color: var(--_border);
    box-shadow: 0 1px 2px rgb(0 0 0 / 0.08);
  }
  .panel { padding: 0.9rem 0.1rem 0.2rem; }
  .row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
  .row label { font-weight: 600; flex: 0 0 auto; }
  .row input, .row select { flex: 1 1 12rem; }
  input[type='file'] { padding: 0.35em; }
  .fixtures { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
  .fixtures li {
    display: flex; align-items: center; gap: 0.75rem; padding: 0.45rem 0.5rem 0.45rem 0.8rem;
    border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg);
  }
  .fixtures .name { font-family: var(--_mono); font-size: 0.9em; flex: 1; overflow-wrap: anywhere; }
  .fixtures .size { color: var(--_muted); font-variant-numeric: tabular-nums; font-size: 0.85em; }
  .note { color: var(--_muted); font-size: 0.85rem; line-height: 1.45; margin: 0.6rem 0 0; }
  .note.invalid { color: var(--_danger); }
  input[aria-invalid='true'] { border-color: var(--_danger); }
  .current { margin: 0.6rem 0 0; font-size: 0.85rem; color: var(--_muted); overflow-wrap: anywhere; }
  .current strong { color: var(--_fg); }
`;
