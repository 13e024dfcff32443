/**
 * Attack payloads a model could emit (model output is untrusted): scripts, event-handler attributes,
 * `javascript:`/`data:` URLs in markdown and HTML, SVG and MathML tricks, mutation-XSS shapes. Each
 * one, if it ran, would set `window.__xss` (or open a dialog, or navigate). Used by the Vitest render
 * test and the Playwright chat test on the built app.
 */
export const XSS_PAYLOADS: readonly string[] = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload="window.__xss=3"><circle r="1"/></svg>',
  '<svg><script>window.__xss=4</script></svg>',
  '[click me](javascript:window.__xss=5)',
  '[click](JaVaScRiPt:window.__xss=6)',
  '[click](&#106;avascript:window.__xss=7)',
  '<a href="javascript:window.__xss=8">x</a>',
  '![x](javascript:window.__xss=9)',
  '![x](x" onerror="window.__xss=10)',
  '<iframe src="javascript:window.__xss=11"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=12</script>"></iframe>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=13>',
  '<details open ontoggle="window.__xss=14"><summary>x</summary></details>',
  '<form action="javascript:window.__xss=15"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=16">',
  '<base href="javascript:window.__xss=17//">',
  '<object data="javascript:window.__xss=18"></object>',
  '<embed src="data:text/html,<script>parent.__xss=19</script>">',
  '[data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MjA8L3NjcmlwdD4=)',
  '<a href="vbscript:msgbox(21)">v</a>',
  '<div style="background:url(javascript:window.__xss=22)">s</div>',
  '<input autofocus onfocus="window.__xss=23">',
  '<video><source onerror="window.__xss=24"></video>',
  '<body onload="window.__xss=25">',
  '`<img src=x onerror=window.__xss=26>`',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=27>">',
  '<svg><a xlink:href="javascript:window.__xss=28"><text y="10">x</text></a></svg>',
  '<img src=x onerror=alert(29)>',
  '[link](https://example.com "t\\" onmouseover=\\"window.__xss=30")',
  '<a href="https://example.com" onclick="window.__xss=31">click</a>',
  '<style>@import "javascript:window.__xss=32";</style>',
  '<link rel="stylesheet" href="javascript:window.__xss=33">',
  '<template><img src=x onerror=window.__xss=34></template>',
  '<a href=" javascript:window.__xss=35">spaced</a>',
  '[tab](java\tscript:window.__xss=36)',
];

/** Elements that must never appear in rendered model output. */
export const FORBIDDEN_TAGS = ['script', 'iframe', 'object', 'embed', 'svg', 'math', 'img', 'form', 'input', 'button', 'meta', 'base',
  'style', 'link', 'video', 'audio', 'source', 'details', 'template', 'noscript', 'frame', 'frameset', 'body', 'html', 'textarea'];

/**
 * What is unsafe under `root` (the rendered reply): forbidden elements, event-handler or style
 * attributes, and links or sources to anything but http(s), mailto, fragments and relative paths.
 */
export function unsafeNodes(root: ParentNode): string[] {
  const bad: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    if (FORBIDDEN_TAGS.includes(tag)) bad.push(`<${tag}>`);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name === 'srcdoc' || name === 'formaction') bad.push(`${tag}[${name}]`);
      if (['href', 'src', 'action', 'xlink:href', 'data', 'poster', 'background'].includes(name)) {
        // Browsers skip control characters and spaces inside a URL scheme: compare without them.
        const v = [...a.value].filter((c) => c.charCodeAt(0) > 0x20).join('').toLowerCase();
        if (!/^(https?:|mailto:|#|\/|\.{0,2}\/|[^:]*$)/.test(v)) bad.push(`${tag}[${name}=${a.value.slice(0, 40)}]`);
      }
    }
  }
  return bad;
}

/** A GBNF grammar whose only sentence is `text` (makes a real model emit exactly that). */
export function literalGrammar(text: string): string {
  const esc = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return `root ::= "${esc}"`;
}
