import { css } from 'lit';

/** Styles of `<llmos-desktop>`. @internal */
export const desktopStyles = css`
  :host {
    display: flex; flex-direction: column; height: 100%; min-height: 0;
    background: var(--llmos-page-bg, light-dark(#eef0f4, #0f1114));
  }
  h1, h2 { margin: 0; }
  .topbar {
    display: flex; align-items: center; gap: 0.75rem; padding: 0.45rem 1rem;
    background: var(--_bg); border-bottom: 1px solid var(--_border); flex-wrap: wrap;
  }
  .brand { display: flex; align-items: center; gap: 0.5rem; }
  .brand h1 { font-size: 1.1rem; letter-spacing: -0.01em; white-space: nowrap; }
  .logo { color: var(--_accent); font-size: 1.1rem; }
  .launcher { display: flex; flex-wrap: wrap; gap: 0.1rem; flex: 1; align-items: center; }
  .sep { width: 1px; align-self: stretch; background: var(--_border); margin: 0.2rem 0.4rem; }
  .app-button, .tabs [role='tab'] {
    display: inline-flex; align-items: center; gap: 0.35rem; border-color: transparent; background: transparent;
    padding: 0.35rem 0.5rem; font-weight: 600; font-size: 0.86rem; white-space: nowrap;
  }
  .app-button:hover { background: var(--_surface); }
  button.icon { display: inline-grid; place-items: center; padding: 0.35rem; background: transparent; border-color: transparent; }
  button.icon:hover:not(:disabled) { background: var(--_surface); border-color: var(--_border); }
  .layout[aria-pressed='true'] { background: var(--_surface); border-color: var(--_border); }
  .banner {
    display: flex; align-items: flex-start; justify-content: space-between; gap: 1rem; padding: 0.55rem 1rem;
    font-size: 0.88rem; line-height: 1.45; border-bottom: 1px solid var(--_border);
    background: light-dark(#fff8e1, #2b2410); color: light-dark(#5c4300, #f1d68a);
  }
  .banner.error { background: light-dark(#fdecea, #3a1715); color: light-dark(#8a1c12, #ffb4a9); }
  .banner.info { background: light-dark(#e8f0fe, #14223d); color: light-dark(#1b3f8f, #b8cdfd); }
  .banner button.icon { color: inherit; }
  .desk { flex: 1; min-height: 0; display: flex; flex-direction: column; padding: 0.75rem 1rem; gap: 0.5rem; }
  .tabs { display: flex; gap: 0.25rem; flex-wrap: wrap; border-bottom: 1px solid var(--_border); padding-bottom: 0.4rem; }
  .tabs [role='tab'] { border-radius: 8px; color: var(--_muted); }
  .tabs [role='tab'][aria-selected='true'] { background: var(--_bg); color: var(--_fg); border-color: var(--_border); }
  .tabs [role='tab'].ended span { text-decoration: line-through; }
  .windows { flex: 1; min-height: 0; display: grid; gap: 0.75rem; }
  .windows.as-tabs { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr); }
  .windows.as-tiles { grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); grid-auto-rows: minmax(26rem, 1fr); overflow: auto; }
  .windows.as-tiles[data-count='1'] { grid-template-rows: minmax(0, 1fr); }
  .window {
    display: flex; flex-direction: column; min-height: 0; min-width: 0; background: var(--_bg);
    border: 1px solid var(--_border); border-radius: 12px; overflow: hidden;
    box-shadow: 0 1px 3px light-dark(rgb(0 0 0 / 0.06), rgb(0 0 0 / 0.4));
  }
  .as-tiles .window.active { border-color: color-mix(in srgb, var(--_accent) 55%, var(--_border)); }
  .titlebar {
    display: flex; align-items: center; gap: 0.5rem; padding: 0.35rem 0.5rem 0.35rem 0.85rem;
    border-bottom: 1px solid var(--_border); background: var(--_surface);
  }
  .titlebar h2 { font-size: 0.95rem; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .pid {
    font-size: 0.75rem; font-family: var(--_mono); color: var(--_muted); border: 1px solid var(--_border);
    border-radius: 999px; padding: 0.05rem 0.5rem; background: var(--_bg);
  }
  .content { flex: 1; min-height: 0; display: flex; flex-direction: column; overflow: auto; container-type: inline-size; }
  .content > * { flex: 1; min-height: 0; }
  .ended {
    display: flex; align-items: center; gap: 0.6rem; padding: 0.5rem 0.85rem; font-size: 0.9rem;
    background: light-dark(#fdecea, #3a1715); color: light-dark(#8a1c12, #ffb4a9);
  }
  .ended span { flex: 1; }
  .empty { margin: auto; max-width: 60rem; text-align: center; padding: 1rem; }
  .empty h2 { font-size: 1.4rem; margin-bottom: 0.4rem; }
  .empty p { color: var(--_muted); margin: 0 0 1.25rem; }
  .cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); }
  .card {
    width: 100%; height: 100%; display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 0.6rem; text-align: left;
    padding: 0.85rem 1rem; border-radius: 12px; background: var(--_bg); align-items: center; align-content: start;
  }
  .card span { grid-column: 2; color: var(--_muted); font-weight: 400; font-size: 0.85rem; line-height: 1.35; }
  .card svg { color: var(--_accent); }
  dialog {
    border: 1px solid var(--_border); border-radius: 14px; padding: 1.25rem 1.5rem; max-width: min(46rem, 94vw);
    width: 100%; background: var(--_bg); color: var(--_fg); max-height: 90vh;
  }
  dialog::backdrop { background: rgb(10 12 16 / 0.45); }
  dialog h2 { font-size: 1.3rem; }
  dialog llmos-device-report { padding: 0; overflow: visible; }
  .lead { color: var(--_muted); margin: 0.3rem 0 1rem; }
  .dialog-actions { display: flex; justify-content: flex-end; margin-top: 1rem; }
  /* Narrower screens: a tighter launcher, then system apps by icon only (the name stays for assistive technology). */
  @media (max-width: 90rem) {
    .app-button { font-size: 0.8rem; padding: 0.35rem 0.4rem; gap: 0.28rem; }
    .app-button svg { width: 18px; height: 18px; }
  }
  /* Five AI apps and five system apps fit one line with names above 84rem (1344 px at 16 px/rem). */
  @media (max-width: 84rem) {
    .app-button.system .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .app-button.system { padding: 0.4rem; }
  }
  @media (max-width: 48rem) {
    .app-button .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .desk { padding: 0.5rem; }
  }
`;
