import { css } from 'lit';

/** Styles of `<llmos-task-manager>`. @internal */
export const taskManagerStyles = css`
  :host { display: flex; flex-direction: column; gap: 0.75rem; padding: 0.75rem 0.9rem; overflow: auto; font-size: 0.88rem; container-type: inline-size; }
  h3 { margin: 0 0 0.5rem; font-size: 0.9rem; }
  .table-wrap { overflow-x: auto; border: 1px solid var(--_border); border-radius: 10px; flex-shrink: 0; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { padding: 0.4rem 0.55rem; text-align: left; border-bottom: 1px solid var(--_border); white-space: nowrap; }
  thead th { background: var(--_surface); color: var(--_muted); font-size: 0.78rem; font-weight: 600; position: sticky; top: 0; }
  tbody tr:last-child > * { border-bottom: 0; }
  tbody th { font-weight: 600; }
  td.num { text-align: right; }
  .host { margin: 0; font-size: 0.82rem; color: var(--_muted); }
  td.tab { max-width: 12rem; overflow: hidden; text-overflow: ellipsis; }
  td.tab[data-own] { color: var(--_muted); }
  td.model { max-width: 14rem; overflow: hidden; text-overflow: ellipsis; font-family: var(--_mono); font-size: 0.8rem; }
  tr[data-state='exited'] { color: var(--_muted); }
  select { padding: 0.2em 0.4em; font-size: 0.85rem; }
  .state { font-weight: 600; }
  .state.running { color: light-dark(#1a7f37, #5fd38a); }
  .state.ready, .state.waiting-for-model, .state.preempted { color: light-dark(#9a6700, #e3b341); }
  .state.sleeping, .state.exited { color: var(--_muted); font-weight: 400; }
  .queued { font-size: 0.75rem; color: var(--_muted); }
  button.end { padding: 0.2em 0.7em; font-size: 0.82rem; color: var(--_danger); }
  button.end:hover:not(:disabled) { border-color: var(--_danger); }
  .swatch { display: inline-block; width: 0.6rem; height: 0.6rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: baseline; }
  .lower { flex-shrink: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 0.75rem; }
  .models, .charts figure { border: 1px solid var(--_border); border-radius: 10px; padding: 0.65rem 0.8rem; margin: 0; }
  .charts { display: flex; flex-direction: column; gap: 0.75rem; }
  .budget { margin-bottom: 0.6rem; }
  .budget-head { display: flex; justify-content: space-between; font-size: 0.82rem; margin-bottom: 0.25rem; }
  .budget-head span { color: var(--_muted); }
  .stack { display: flex; height: 0.8rem; border-radius: 4px; overflow: hidden; background: var(--_surface); border: 1px solid var(--_border); }
  .seg { display: block; height: 100%; background: var(--_accent); border-right: 1px solid var(--_bg); min-width: 2px; }
  .seg:nth-child(2n) { background: color-mix(in srgb, var(--_accent) 60%, #d9480f); }
  .seg.loading { opacity: 0.55; }
  .resident { list-style: none; margin: 0.4rem 0 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.82rem; color: var(--_muted); }
  .resident strong { color: var(--_fg); font-family: var(--_mono); font-weight: 600; }
  figcaption { font-size: 0.82rem; font-weight: 600; margin-bottom: 0.3rem; }
  .chart { width: 100%; height: 8rem; display: block; background: var(--_surface); border-radius: 6px; }
  .chart .grid { stroke: var(--_border); stroke-width: 1; vector-effect: non-scaling-stroke; stroke-dasharray: 3 3; }
  .chart .axis { stroke: var(--_border); stroke-width: 1; vector-effect: non-scaling-stroke; }
  .chart .ymax { fill: var(--_muted); font-size: 11px; font-family: var(--_font); }
  .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; margin: 0.35rem 0 0; padding: 0; font-size: 0.78rem; color: var(--_muted); }
  .muted { color: var(--_muted); }
  .incidents { border: 1px solid color-mix(in srgb, var(--_danger) 35%, var(--_border)); border-radius: 10px; padding: 0.6rem 0.8rem; flex-shrink: 0; }
  .incidents ul, .incidents ol { margin: 0; padding-left: 1.1rem; display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.82rem; }
  .incidents .quarantine { list-style: none; padding: 0; margin-bottom: 0.4rem; }
  .incidents .quarantine button { margin-left: 0.4rem; padding: 0.1em 0.6em; font-size: 0.8rem; }
  .incidents .log { color: var(--_muted); }
  .servers { border: 1px solid var(--_border); border-radius: 10px; padding: 0.6rem 0.8rem; flex-shrink: 0; overflow-x: auto; }
  .servers th.num { text-align: right; }
  /* In a narrow window (a tile), the least needed columns give way. */
  @container (max-width: 46rem) { .opt { display: none; } th, td { padding: 0.35rem 0.4rem; } }
  /* On a phone or in a narrow tile (a window under 36rem): each process a card, every field labelled
     (the priority menu and End included), nothing to scroll sideways. */
  @container (max-width: 36rem) {
    .procs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    .procs, .procs tbody { display: block; }
    .procs tr { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: 0.3rem 0.7rem; padding: 0.55rem 0.7rem;
      border-bottom: 1px solid var(--_border); }
    .procs tbody tr:last-child { border-bottom: 0; }
    .procs tr > * { display: block; padding: 0; border: 0; text-align: left; white-space: normal; overflow-wrap: anywhere; max-width: none; }
    .procs tr > .opt, .procs tr > .narrow-hide { display: block; }
    .procs tbody th { grid-column: span 2; font-size: 0.95rem; }
    .procs td[data-label]::before { content: attr(data-label); display: block; font-size: 0.72rem; color: var(--_muted); }
    .procs td.act { grid-column: 1 / -1; justify-self: end; }
    .procs td.muted { grid-column: 1 / -1; }
  }
  .error { margin: 0; padding: 0.45rem 0.7rem; border-radius: 8px; background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger); }
`;
