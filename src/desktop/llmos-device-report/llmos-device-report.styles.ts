import { css } from 'lit';

/** Styles of `<llmos-device-report>`. @internal */
export const deviceReportStyles = css`
  :host { display: block; padding: 1rem 1.1rem; overflow: auto; line-height: 1.45; }
  h3 { font-size: 1rem; margin: 1.1rem 0 0.5rem; }
  .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.5rem 1.25rem; margin: 0; }
  .fact { display: flex; flex-direction: column; gap: 0.1rem; padding: 0.45rem 0.65rem; border: 1px solid var(--_border); border-radius: 8px; background: var(--_surface); }
  dt { font-size: 0.78rem; color: var(--_muted); }
  dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
  dd.ok::before, dd.warn::before { content: '● '; }
  dd.ok::before { color: light-dark(#1a7f37, #5fd38a); }
  dd.warn::before { color: light-dark(#9a6700, #e3b341); }
  .src { font-weight: 400; font-size: 0.8rem; color: var(--_muted); }
  .warning { margin: 0 0 0.6rem; padding: 0.5rem 0.75rem; border-radius: 8px; font-size: 0.9rem;
    background: light-dark(#fff8e1, #2b2410); color: light-dark(#5c4300, #f1d68a); }
  .warning.error { background: light-dark(#fdecea, #3a1715); color: light-dark(#8a1c12, #ffb4a9); }
  .warning.info { background: light-dark(#e8f0fe, #14223d); color: light-dark(#1b3f8f, #b8cdfd); }
  .recommendation { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
    padding: 0.75rem 0.9rem; border: 1px solid color-mix(in srgb, var(--_accent) 50%, var(--_border)); border-radius: 10px; }
  .quant { font-family: var(--_mono); font-size: 0.8rem; color: var(--_muted); }
  .why { margin: 0.2rem 0 0; color: var(--_muted); font-size: 0.88rem; }
  .muted { color: var(--_muted); }
  .use-server { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-top: 0.6rem;
    padding: 0.75rem 0.9rem; border: 1px solid var(--_border); border-radius: 10px; }
  .use-server p { margin: 0; font-size: 0.88rem; color: var(--_muted); }
  .use-server button { flex-shrink: 0; }
`;
