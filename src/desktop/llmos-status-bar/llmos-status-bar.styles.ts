import { css } from 'lit';

/** Styles of `<llmos-status-bar>`. @internal */
export const statusBarStyles = css`
  :host { display: block; font-size: 0.8rem; background: var(--_bg); border-top: 1px solid var(--_border); }
  .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 1.4rem; padding: 0.4rem 1rem; }
  .item { display: flex; align-items: center; gap: 0.45rem; white-space: nowrap; }
  .label { color: var(--_muted); }
  .value { font-weight: 600; font-variant-numeric: tabular-nums; }
  .track {
    display: inline-block; width: 5.5rem; height: 0.5rem; border-radius: 999px; overflow: hidden;
    background: var(--_surface); border: 1px solid var(--_border);
  }
  .fill { display: block; height: 100%; background: var(--_accent); transition: width 300ms; }
  .fill.high { background: var(--_danger); }
  .net { margin-left: auto; }
  .dot { width: 0.55rem; height: 0.55rem; border-radius: 50%; background: var(--_ok, light-dark(#1a7f37, #5fd38a)); }
  .offline .dot { background: var(--_danger); }
  @media (prefers-reduced-motion: reduce) { .fill { transition: none; } }
`;
