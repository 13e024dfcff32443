/**
 * Markdown → sanitised DOM for untrusted model output.
 *
 * Model output is data, never markup: raw HTML in the markdown is shown as literal text (not parsed),
 * images become plain links (loading a remote image the model chose would leak the conversation through
 * its URL), and the HTML that marked produces still goes through DOMPurify with a short allow-list: no
 * scripts, no event-handler attributes, no `style`, and only `http(s):`, `mailto:`, fragment and relative
 * URLs. The result is a `DocumentFragment` (DOMPurify's `RETURN_DOM_FRAGMENT`), so the sanitised tree is
 * inserted as is, never serialised and re-parsed (which is where mutation-XSS lives).
 */
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML (block or inline) is shown as the text the model wrote.
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

// A private DOMPurify instance, made on first use (importing this module needs no DOM): our hook must not
// leak into other users of the global one.
let instance: ReturnType<typeof DOMPurify> | null = null;
function purifier(): ReturnType<typeof DOMPurify> {
  if (instance) return instance;
  instance = DOMPurify(window);
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return instance;
}

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'align'];
/** http(s), mailto, in-page fragments and relative paths; everything else (javascript:, data:, …) is dropped. */
const ALLOWED_URI_REGEXP = /^(?:https?:|mailto:|#|\/(?!\/)|\.{1,2}\/|[^:/?#]*(?:[/?#]|$))/i;

/** Sanitised HTML string (for tests and non-DOM consumers). */
export function markdownToSafeHtml(markdown: string): string {
  return purifier().sanitize(marked.parse(markdown) as string, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP });
}

/** Render untrusted markdown to a sanitised fragment, ready to insert. */
export function renderMarkdown(markdown: string): DocumentFragment {
  return purifier().sanitize(marked.parse(markdown) as string, {
    ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP, RETURN_DOM_FRAGMENT: true,
  });
}

/** Rendered markdown per key (a chat entry), kept while its text is the same. */
export class MarkdownCache<K extends object> {
  private readonly rendered = new WeakMap<K, { source: string; fragment: DocumentFragment }>();

  /** The fragment of `source` for `key`. */
  render(key: K, source: string): DocumentFragment {
    // Lit inserts a fragment once; hand it the same object until the text changes.
    const cached = this.rendered.get(key);
    if (cached && cached.source === source) return cached.fragment;
    const fragment = renderMarkdown(source);
    this.rendered.set(key, { source, fragment });
    return fragment;
  }
}
