import { css } from 'lit';

/** Styles of `<llmos-settings>`. @internal */
export const settingsStyles = css`
  :host { display: block; padding: 0.9rem 1.1rem; overflow: auto; container-type: inline-size; }
  section { padding: 0.2rem 0 1rem; border-bottom: 1px solid var(--_border); margin-bottom: 0.8rem; }
  section:last-child { border-bottom: 0; }
  h3 { font-size: 1rem; margin: 0.2rem 0 0.7rem; }
  .budget { display: flex; flex-wrap: wrap; gap: 0.8rem 1.2rem; align-items: flex-end; }
  .field { display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.88rem; }
  .field > span:first-child { color: var(--_muted); font-weight: 600; }
  .field.inline { flex-direction: row; align-items: center; gap: 0.7rem; margin-top: 0.8rem; }
  .input { display: flex; align-items: center; gap: 0.35rem; }
  .input input { width: 8rem; }
  .unit { color: var(--_muted); font-size: 0.85rem; min-width: 1.6rem; }
  .buttons { display: flex; gap: 0.5rem; }
  .origins { display: flex; flex-direction: column; gap: 0.5rem; align-items: flex-start; }
  .origins textarea { width: min(28rem, 100%); font-family: var(--_mono); font-size: 0.85rem; }
  .note { color: var(--_muted); font-size: 0.85rem; margin: 0.6rem 0 0; line-height: 1.45; }
  .error { margin: 0.6rem 0 0; padding: 0.45rem 0.7rem; border-radius: 8px; font-size: 0.88rem;
    background: color-mix(in srgb, var(--_danger) 9%, transparent); color: var(--_danger); }
  .error code { color: var(--_muted); font-family: var(--_mono); }
  .ok { margin: 0.5rem 0 0; color: light-dark(#1a7f37, #5fd38a); font-size: 0.88rem; font-weight: 600; }
  table { border-collapse: collapse; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.35rem 1.5rem 0.35rem 0; border-bottom: 1px solid var(--_border); }
  thead th { color: var(--_muted); font-size: 0.8rem; font-weight: 600; }
  td select { width: 100%; min-width: 12rem; max-width: 20rem; }
  fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; align-items: center; }
  legend { color: var(--_muted); font-weight: 600; font-size: 0.88rem; float: left; margin-right: 0.8rem; }
  .radio { display: inline-flex; align-items: center; gap: 0.35rem; cursor: pointer; }
  .radio input { accent-color: var(--_accent); width: 1rem; height: 1rem; }
  h4 { font-size: 0.92rem; margin: 1rem 0 0.5rem; }
  .table-wrap { overflow-x: auto; }
  table.servers { width: 100%; }
  table.servers td, table.servers th { vertical-align: top; padding-right: 1rem; }
  table.servers td.address code { font-family: var(--_mono); font-size: 0.82rem; overflow-wrap: anywhere; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .state { font-weight: 600; }
  .state.ok { color: light-dark(#1a7f37, #5fd38a); }
  .state.down { color: var(--_danger); }
  .latency, .why { display: block; color: var(--_muted); font-size: 0.82rem; }
  .muted { color: var(--_muted); }
  .model-names, .grants { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 0.6rem; }
  .model-names code { font-family: var(--_mono); font-size: 0.8rem; }
  .grants li { display: inline-flex; align-items: center; gap: 0.35rem; }
  .row-actions { white-space: nowrap; }
  .row-actions button, .grants button { padding: 0.15em 0.6em; font-size: 0.82rem; }
  .confirm { margin-right: 0.4rem; font-weight: 600; }
  button.danger { color: var(--_danger); }
  .add-server { display: flex; flex-direction: column; gap: 0.5rem; align-items: stretch; max-width: 44rem; }
  .add-server .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 0.6rem 1rem; }
  .add-server textarea { font-family: var(--_mono); font-size: 0.85rem; }
  .add-server .note { margin-top: 0; }
  .test-result .model-names { margin-top: 0.3rem; font-weight: 400; }
  .privacy { margin: 0 0 0.8rem; }
  table.app-servers td select { min-width: 14rem; }
  /* On a phone or in a narrow window: each row a block, every value labelled, nothing to scroll sideways. */
  @container (max-width: 36rem) {
    table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    table.stack, table.stack tbody, table.stack tr, table.stack th, table.stack td { display: block; width: auto; }
    table.stack tr { padding: 0.5rem 0; border-bottom: 1px solid var(--_border); }
    table.stack th, table.stack td { border: 0; padding: 0.15rem 0; text-align: left; }
    table.stack td[data-label]::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); }
    table.stack td select, table.app-servers td select { min-width: 0; max-width: 100%; width: 100%; }
    .table-wrap { overflow-x: visible; }
  }
`;
