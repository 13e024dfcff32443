import { css } from 'lit';

/** Styles of `<llmos-prompt>`. @internal */
export const promptStyles = css`
  :host { display: block; }
  .answer { line-height: 1.5; overflow-wrap: anywhere; min-height: 1.5em; }
  .answer > :first-child { margin-top: 0; }
  .answer > :last-child { margin-bottom: 0; }
  .answer pre, .answer code { font-family: var(--_mono); background: var(--_surface); border-radius: 4px; }
  .answer pre { padding: 0.6em 0.8em; overflow-x: auto; }
  .status { margin: 0.35em 0 0; font-size: 0.82em; color: var(--_muted); }
  .error { margin: 0.35em 0 0; color: var(--_danger); }
  .error.aborted { color: var(--_muted); }
  .caret { display: inline-block; width: 0.5em; height: 1em; vertical-align: text-bottom; background: currentColor; opacity: 0.5;
    animation: blink 1s steps(2) infinite; }
  @keyframes blink { to { opacity: 0; } }
  @media (prefers-reduced-motion: reduce) { .caret { animation: none; } }
`;
