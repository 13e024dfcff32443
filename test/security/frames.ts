/** Test helpers for the security suite: iframes of this and another origin, and waiting for messages. */

/** The test page's origin (`http://127.0.0.1:<port>`). */
export const SELF = location.origin;
/** The same server under another host name: another origin for the browser. */
export const OTHER = `http://localhost:${location.port}`;

const created: HTMLIFrameElement[] = [];

/** Add an iframe and wait for it to load (or fail after `timeoutMs`). */
export function frame(src: string, opts: { srcdoc?: string; sandbox?: string; id?: string; timeoutMs?: number } = {}): Promise<HTMLIFrameElement> {
  const f = document.createElement('iframe');
  created.push(f);
  // A cross-origin frame is cross-origin isolated (threads for wasm) only when the embedder delegates it.
  f.allow = 'cross-origin-isolated';
  if (opts.sandbox !== undefined) f.setAttribute('sandbox', opts.sandbox);
  if (opts.id) f.id = opts.id;
  if (opts.srcdoc !== undefined) f.srcdoc = opts.srcdoc;
  else f.src = src;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`iframe ${src} did not load`)), opts.timeoutMs ?? 30_000);
    f.addEventListener('load', () => { clearTimeout(timer); resolve(f); }, { once: true });
    document.body.append(f);
  });
}

/** The first `message` event on this window that `match` accepts, or null after `ms`. */
export function nextMessage(match: (ev: MessageEvent) => boolean, ms: number): Promise<MessageEvent | null> {
  return new Promise((resolve) => {
    const on = (ev: MessageEvent) => {
      if (!match(ev)) return;
      clearTimeout(timer);
      window.removeEventListener('message', on);
      resolve(ev);
    };
    const timer = setTimeout(() => { window.removeEventListener('message', on); resolve(null); }, ms);
    window.addEventListener('message', on);
  });
}

/** Remove every iframe the tests added. */
export function removeFrames(): void {
  for (const f of created.splice(0)) f.remove();
}
