import { css } from 'lit';

/** Styles of `<llmos-model-library>`. @internal */
export const modelLibraryStyles = css`
  :host { display: block; padding: 0.9rem 1.1rem; overflow: auto; }
  h3 { font-size: 0.95rem; margin: 1rem 0 0.5rem; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; }
  .storage { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem 1.5rem; padding: 0.6rem 0.8rem;
    border: 1px solid var(--_border); border-radius: 10px; background: var(--_surface); font-size: 0.88rem; }
  .usage, .persist { display: flex; align-items: center; gap: 0.6rem; }
  .persist button { padding: 0.25em 0.7em; }
  .track { display: inline-block; width: 8rem; height: 0.5rem; border-radius: 999px; background: var(--_bg); border: 1px solid var(--_border); overflow: hidden; }
  .fill { display: block; height: 100%; background: var(--_accent); }
  .tools { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.8rem 0 0.2rem; align-items: center; }
  .file-button { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 600; border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.8); padding: 0.45em 0.9em; cursor: pointer; background: var(--_bg); }
  .file-button:focus-within { outline: 2px solid var(--_accent); outline-offset: 1px; }
  .file-button input { position: absolute; opacity: 0; width: 1px; height: 1px; }
  .url { display: flex; gap: 0.4rem; flex: 1; min-width: 16rem; }
  .url input { flex: 1; }
  .url input[name="projector"] { flex: 0.8; }
  .list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.5rem; }
  .row { display: flex; gap: 1rem; align-items: center; justify-content: space-between; padding: 0.6rem 0.8rem;
    border: 1px solid var(--_border); border-radius: 10px; background: var(--_bg); }
  .main { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 0.25rem; }
  .title { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; }
  .badge { font-size: 0.72rem; border: 1px solid var(--_border); border-radius: 999px; padding: 0.02rem 0.45rem; color: var(--_muted); }
  .mono { font-family: var(--_mono); }
  .badge.vision { color: var(--_accent); border-color: color-mix(in srgb, var(--_accent) 45%, var(--_border)); font-weight: 600; }
  .state { font-size: 0.78rem; color: var(--_muted); }
  .state.cached { color: light-dark(#1a7f37, #5fd38a); font-weight: 600; }
  .state.partial { color: light-dark(#9a6700, #e3b341); font-weight: 600; }
  .facts { font-size: 0.84rem; color: var(--_muted); }
  .actions { display: flex; gap: 0.4rem; align-items: center; flex-shrink: 0; }
  .actions button { display: inline-flex; align-items: center; gap: 0.35rem; }
  button.icon { padding: 0.4rem; }
  button.danger { background: var(--_danger); color: light-dark(#fff, #1b0a08); border-color: var(--_danger); }
  .confirm { display: flex; align-items: center; gap: 0.4rem; font-size: 0.88rem; }
  .progress { display: flex; align-items: center; gap: 0.6rem; font-size: 0.82rem; color: var(--_muted); font-variant-numeric: tabular-nums; }
  progress { flex: 1; max-width: 18rem; height: 0.55rem; accent-color: var(--_accent); }
  .pct { font-weight: 600; color: var(--_fg); }
  .error { margin: 0.4rem 0; padding: 0.45rem 0.7rem; border-radius: 8px; font-size: 0.86rem;
    background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger); }
  .error code { color: var(--_muted); font-family: var(--_mono); }
  .muted { color: var(--_muted); }
`;
