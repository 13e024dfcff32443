import { css } from 'lit';

/** Styles of `<llmos-graph-explorer>`. @internal */
export const explorerStyles = css`
  :host {
    display: block;
    --llmos-graph-height: 420px;
    --llmos-graph-node: var(--_accent);
    --llmos-graph-selected: var(--_danger);
    --llmos-graph-edge: var(--_muted);
    font-size: 0.92rem;
  }
  .toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-bottom: 0.5rem; }
  .toolbar input[type='search'] { flex: 1 1 14rem; }
  .file { position: relative; overflow: hidden; }
  .file input { position: absolute; inset: 0; opacity: 0; cursor: pointer; }
  .results { list-style: none; margin: 0 0 0.5rem; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
  .results button { padding: 0.25em 0.7em; font-weight: 500; }
  .results small, .muted { color: var(--_muted); font-weight: 400; }
  .main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 2fr); gap: 0.75rem; }
  @container (max-width: 40rem) { .main { grid-template-columns: 1fr; } }
  svg {
    width: 100%; height: var(--llmos-graph-height); display: block; background: var(--_surface);
    border: 1px solid var(--_border); border-radius: var(--_radius);
  }
  line { stroke: var(--llmos-graph-edge); stroke-width: 1.4; opacity: 0.7; }
  .arrow { fill: var(--llmos-graph-edge); }
  [part~='node'] { cursor: pointer; outline: none; }
  [part~='node'] circle { fill: var(--llmos-graph-node); stroke: var(--_bg); stroke-width: 2; }
  [part~='selected-node'] circle { fill: var(--llmos-graph-selected); }
  [part~='node']:focus-visible circle { stroke: var(--_fg); stroke-width: 3; }
  text { fill: var(--_fg); font-size: 22px; paint-order: stroke; stroke: var(--_surface); stroke-width: 4px; }
  text.predicate { fill: var(--_muted); font-size: 17px; }
  .empty { display: grid; place-items: center; height: var(--llmos-graph-height); color: var(--_muted);
    border: 1px dashed var(--_border); border-radius: var(--_radius); text-align: center; padding: 1rem; }
  .detail { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem; overflow: auto;
    max-height: var(--llmos-graph-height); }
  .detail h3 { margin: 0 0 0.25rem; font-size: 1.05rem; overflow-wrap: anywhere; }
  form { display: grid; gap: 0.4rem; margin: 0.5rem 0; }
  form label { display: grid; gap: 0.15rem; font-size: 0.85em; color: var(--_muted); }
  .row { display: flex; gap: 0.4rem; flex-wrap: wrap; }
  button.danger { color: var(--_danger); }
  .relations button.danger { padding: 0 0.45em; font-weight: 400; margin-left: 0.2em; }
  .relations { list-style: none; padding: 0; margin: 0.5rem 0 0; display: grid; gap: 0.5rem; }
  .relations li { border-top: 1px solid var(--_border); padding-top: 0.4rem; overflow-wrap: anywhere; }
  .relations button.link { padding: 0 0.3em; font-weight: 600; border: 0; background: none; color: var(--_accent); }
  .prov { font-size: 0.82em; color: var(--_muted); margin: 0.15rem 0 0; padding-left: 1rem; }
  .error {
    padding: 0.5rem 0.75rem; border-radius: calc(var(--_radius) * 0.8); margin-bottom: 0.5rem;
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent);
    background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger);
  }
  code { font-family: var(--_mono); font-size: 0.85em; }
`;
