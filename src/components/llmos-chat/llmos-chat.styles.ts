import { css } from 'lit';

/** Styles of `<llmos-chat>`. @internal */
export const chatStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 16rem;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .log {
    flex: 1 1 auto;
    overflow-y: auto;
    padding: 1rem;
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  .empty { margin: auto; color: var(--_muted); text-align: center; max-width: 32ch; line-height: 1.5; }
  .message { max-width: min(46rem, 92%); display: flex; flex-direction: column; gap: 0.3rem; }
  .message.user { align-self: flex-end; }
  .message.assistant { align-self: flex-start; }
  .content {
    padding: 0.6rem 0.9rem;
    border-radius: var(--_radius);
    line-height: 1.55;
    overflow-wrap: anywhere;
  }
  .user .content {
    background: var(--_accent);
    color: var(--_accent-fg);
    white-space: pre-wrap;
    border-bottom-right-radius: 3px;
  }
  .assistant .content {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-bottom-left-radius: 3px;
    min-height: 2.6rem;
  }
  .markdown > :first-child { margin-top: 0; }
  .markdown > :last-child { margin-bottom: 0; }
  .markdown p, .markdown ul, .markdown ol, .markdown pre, .markdown blockquote, .markdown table { margin: 0.5em 0; }
  .markdown a { color: var(--_accent); }
  .markdown code { font-family: var(--_mono); font-size: 0.9em; }
  .markdown :not(pre) > code {
    background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 0.05em 0.3em;
  }
  .markdown pre {
    background: var(--_bg); border: 1px solid var(--_border); border-radius: 6px;
    padding: 0.6em 0.8em; overflow-x: auto; white-space: pre;
  }
  .markdown blockquote { border-left: 3px solid var(--_border); padding-left: 0.8em; color: var(--_muted); }
  .markdown table { border-collapse: collapse; }
  .markdown th, .markdown td { border: 1px solid var(--_border); padding: 0.25em 0.5em; }
  .caret {
    display: inline-block; width: 0.5em; height: 1em; margin-left: 2px; vertical-align: text-bottom;
    background: var(--_accent); animation: blink 1s steps(2, start) infinite;
  }
  @keyframes blink { to { visibility: hidden; } }
  @media (prefers-reduced-motion: reduce) { .caret { animation: none; } }
  .meta { margin: 0; font-size: 0.8rem; color: var(--_muted); font-variant-numeric: tabular-nums; }
  .computed-on {
    align-self: flex-start; width: fit-content; font-size: 0.72rem; line-height: 1.3; padding: 0.05rem 0.5rem;
    border-radius: 999px; border: 1px solid var(--_border); color: var(--_muted); white-space: nowrap;
  }
  .computed-on[data-computed-on='server'] {
    border-color: color-mix(in srgb, var(--_accent) 55%, var(--_border)); color: var(--_fg);
  }
  .error {
    margin: 0; padding: 0.5rem 0.75rem; border-radius: calc(var(--_radius) * 0.8);
    border: 1px solid color-mix(in srgb, var(--_danger) 45%, transparent);
    background: color-mix(in srgb, var(--_danger) 9%, transparent);
    color: var(--_danger); font-size: 0.9rem; line-height: 1.45;
  }
  .error.aborted { color: var(--_muted); border-color: var(--_border); background: transparent; }
  .error .detail { color: var(--_fg); }
  .error code { font-family: var(--_mono); font-size: 0.85em; color: var(--_muted); }
  :host > .error { margin: 0 1rem 0.75rem; }
  .form {
    display: flex; gap: 0.6rem; align-items: flex-end;
    padding: 0.75rem; border-top: 1px solid var(--_border); background: var(--_surface);
  }
  textarea { flex: 1; resize: vertical; min-height: 2.75rem; max-height: 12rem; line-height: 1.4; }
  .actions { display: flex; gap: 0.5rem; }
`;

/** Styles of the reply actions, attachments and composer extras of `<llmos-chat>`. @internal */
export const chatExtraStyles = css`
  .msg-actions { display: flex; gap: 0.25rem; flex-wrap: wrap; }
  button.mini {
    display: inline-flex; align-items: center; gap: 0.3rem; font-size: 0.78rem; font-weight: 600; padding: 0.2rem 0.5rem;
    background: transparent; border-color: transparent; color: var(--_muted);
  }
  button.mini:hover:not(:disabled) { background: var(--_surface); border-color: var(--_border); color: var(--_fg); }
  button.mini svg { width: 15px; height: 15px; }
  button.mini[aria-pressed='true'] { color: var(--_accent); }
  .icon { display: inline-grid; place-items: center; padding: 0.45rem; cursor: pointer; }
  label.icon { border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.8); background: var(--_bg); }
  label.icon:focus-within { outline: 2px solid var(--_accent); outline-offset: 1px; }
  label.icon input { position: absolute; opacity: 0; width: 1px; height: 1px; }
  .icon.listening { color: var(--_danger); border-color: var(--_danger); }
  .attachments { display: flex; gap: 0.35rem; flex-wrap: wrap; justify-content: flex-end; }
  .attachments .thumb { padding: 0; border: 0; background: none; border-radius: 8px; cursor: zoom-in; line-height: 0; }
  .attachments img { width: 4.5rem; height: 4.5rem; object-fit: cover; border-radius: 8px; border: 1px solid var(--_border); }
  .viewer { max-width: min(92vw, 64rem); max-height: 92vh; padding: 0.75rem; border: 1px solid var(--_border); border-radius: var(--_radius);
    background: var(--_bg); color: var(--_fg); }
  .viewer::backdrop { background: rgb(0 0 0 / 0.6); }
  .viewer img { display: block; max-width: 100%; max-height: calc(92vh - 5rem); margin: 0 auto; object-fit: contain; }
  .viewer form { display: flex; justify-content: flex-end; margin-top: 0.5rem; }
  .pending { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; margin: 0; padding: 0.4rem 0.75rem 0; }
  .pending li { position: relative; }
  .pending img { width: 3.5rem; height: 3.5rem; object-fit: cover; border-radius: 8px; border: 1px solid var(--_border); display: block; }
  .pending .remove { position: absolute; top: -0.45rem; right: -0.45rem; width: 1.45rem; height: 1.45rem; padding: 0; border-radius: 50%;
    line-height: 1; font-size: 0.95rem; display: grid; place-items: center; background: var(--_bg); }
  .tool-calls { display: flex; flex-direction: column; gap: 0.3rem; }
  .tool-lead { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--_muted); font-size: 0.9rem; }
  .tool-call { border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.8); background: var(--_bg); font-size: 0.85rem; }
  .tool-call > summary { cursor: pointer; padding: 0.35rem 0.6rem; display: flex; align-items: center; gap: 0.4rem; flex-wrap: wrap; }
  .tool-call > summary:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
  .tool-kind { color: var(--_muted); font-weight: 600; }
  .tool-name { font-family: var(--_mono); font-weight: 600; }
  .tool-state { margin-left: auto; color: var(--_muted); }
  .tool-call[data-state='error'] { border-color: color-mix(in srgb, var(--_danger) 45%, transparent); }
  .tool-state[data-state='error'] { color: var(--_danger); font-weight: 600; }
  .tool-body { padding: 0 0.6rem 0.5rem; border-top: 1px solid var(--_border); }
  .tool-label { margin: 0.4rem 0 0.15rem; color: var(--_muted); font-size: 0.78rem; font-weight: 600; }
  .tool-body pre { margin: 0; padding: 0.4rem 0.55rem; background: var(--_surface); border: 1px solid var(--_border); border-radius: 6px;
    font-family: var(--_mono); font-size: 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 14rem; overflow: auto; }
`;
