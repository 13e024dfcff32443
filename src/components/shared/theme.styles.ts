/**
 * Shared design tokens and control styles for every `llmos-*` element.
 *
 * Each public custom property (`--llmos-*`) is read with a fallback, so a page (or the later desktop)
 * can theme every element at once by setting the property on any ancestor, and an element embedded in a
 * plain page still looks right. Light and dark follow `prefers-color-scheme` through `light-dark()`, unless
 * the page sets `--llmos-color-scheme` to `light` or `dark`.
 * @internal
 */
import { css } from 'lit';

export const themeStyles = css`
  :host {
    /* A host page forces a theme with --llmos-color-scheme: light | dark (the desktop's setting). */
    color-scheme: var(--llmos-color-scheme, light dark);
    --_font: var(--llmos-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif);
    --_mono: var(--llmos-mono, ui-monospace, 'SF Mono', 'Cascadia Mono', Menlo, Consolas, monospace);
    --_fg: var(--llmos-fg, light-dark(#1b1f24, #e6e8eb));
    --_muted: var(--llmos-muted, light-dark(#56606b, #a1abb7));
    --_bg: var(--llmos-bg, light-dark(#ffffff, #17191e));
    --_surface: var(--llmos-surface, light-dark(#f4f5f7, #20232a));
    --_border: var(--llmos-border, light-dark(#d5d9df, #363c47));
    --_accent: var(--llmos-accent, light-dark(#2156d1, #86a8ff));
    --_accent-fg: var(--llmos-accent-fg, light-dark(#ffffff, #0c1224));
    --_danger: var(--llmos-danger, light-dark(#b42318, #ff9b8f));
    --_radius: var(--llmos-radius, 10px);
    --_focus: 0 0 0 3px light-dark(rgb(33 86 209 / 0.4), rgb(134 168 255 / 0.5));
    font-family: var(--_font);
    color: var(--_fg);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }

  button {
    font: inherit;
    font-weight: 600;
    border-radius: calc(var(--_radius) * 0.8);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    padding: 0.5em 1em;
    cursor: pointer;
    transition: background-color 120ms, border-color 120ms, opacity 120ms;
  }
  button:hover:not(:disabled) { border-color: var(--_accent); }
  button.primary { background: var(--_accent); color: var(--_accent-fg); border-color: var(--_accent); }
  button.primary:hover:not(:disabled) { filter: brightness(1.08); }
  button:disabled { opacity: 0.45; cursor: not-allowed; }

  input, select, textarea {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.8);
    padding: 0.5em 0.7em;
    min-width: 0;
  }
  /* Keyboard focus is always visible (WCAG 2.4.7); mouse focus keeps the quieter look. */
  :is(button, input, select, textarea, a, [tabindex]):focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
    box-shadow: var(--_focus);
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px; height: 1px; overflow: hidden;
    clip-path: inset(50%); white-space: nowrap;
  }
`;
