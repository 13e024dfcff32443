/**
 * Entity linking: find the spans of a text that name known entities — exactly (label), by an alias, or
 * fuzzily (character trigrams, for typos and inflections). Longest spans win; spans never overlap.
 */
import type { EntityIndex } from './entity-index';

/** One linked mention. */
export interface LinkedMention {
  /** The text as written in the query. */
  text: string;
  /** Character span `[start, end)` in the query. */
  start: number;
  end: number;
  entityId: string;
  kind: 'label' | 'alias' | 'fuzzy';
  /** 1 for exact and alias matches, the Dice coefficient for fuzzy ones. */
  score: number;
}

/** Options of `linkMentions`. */
export interface LinkOptions {
  /** Longest mention, in words. Default 5. */
  maxWords?: number;
  /** Minimum trigram Dice score of a fuzzy match. Default 0.6. */
  fuzzyThreshold?: number;
  /** Whether to try fuzzy matches at all. Default true. */
  fuzzy?: boolean;
}

/** Words that never start a mention on their own (questions are full of them). */
const STOPWORDS = new Set(
  ('a an and are as at be but by can did do does for from had has have he her his how i if in is it its me my ' +
    'no not of on or our she so that the their them then there they this to us was we were what when where ' +
    'which who whom why will with you your about tell know').split(' '),
);

interface Word { text: string; start: number; end: number }

function words(text: string): Word[] {
  return [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’.&-]*/gu)].map((m) => {
    const w = m[0].replace(/[.'’-]+$/u, '');
    return { text: w, start: m.index, end: m.index + w.length };
  });
}

/**
 * Link the mentions in `text` to entities of `index`.
 * @returns mentions in text order; several entities may share a name, each gets a mention
 */
export function linkMentions(index: EntityIndex, text: string, options: LinkOptions = {}): LinkedMention[] {
  const maxWords = options.maxWords ?? 5;
  const threshold = options.fuzzyThreshold ?? 0.6;
  const ws = words(text);
  const taken = new Uint8Array(ws.length);
  const out: LinkedMention[] = [];
  const free = (i: number, n: number) => !taken.subarray(i, i + n).some((t) => t === 1);
  const windows = (n: number) => {
    const list: { i: number; span: string; start: number; end: number }[] = [];
    for (let i = 0; i + n <= ws.length; i++) {
      if (!free(i, n)) continue;
      // Names do not begin or end with a function word ("about Acme" is not a name, "Acme" is).
      if (STOPWORDS.has(ws[i]!.text.toLowerCase()) || STOPWORDS.has(ws[i + n - 1]!.text.toLowerCase())) continue;
      const start = ws[i]!.start, end = ws[i + n - 1]!.end;
      list.push({ i, span: text.slice(start, end), start, end });
    }
    return list;
  };
  const take = (i: number, n: number) => taken.fill(1, i, i + n);

  // Pass 1: exact and alias matches, longest first.
  for (let n = Math.min(maxWords, ws.length); n >= 1; n--) {
    for (const w of windows(n)) {
      if (!free(w.i, n)) continue;
      const ids = index.lookup(w.span);
      if (ids.length === 0) continue;
      for (const id of ids) {
        out.push({ text: w.span, start: w.start, end: w.end, entityId: id, kind: index.matchKind(id, w.span) ?? 'alias', score: 1 });
      }
      take(w.i, n);
    }
  }
  // Pass 2: fuzzy matches in what is left, longest then best first.
  if (options.fuzzy !== false) {
    for (let n = Math.min(3, maxWords, ws.length); n >= 1; n--) {
      const hits = windows(n)
        .filter((w) => w.span.length >= 4)
        .flatMap((w) => index.fuzzy(w.span, threshold, 1).map((h) => ({ w, h })))
        .sort((a, b) => b.h.score - a.h.score);
      for (const { w, h } of hits) {
        if (!free(w.i, n)) continue;
        out.push({ text: w.span, start: w.start, end: w.end, entityId: h.id, kind: 'fuzzy', score: h.score });
        take(w.i, n);
      }
    }
  }
  return out.sort((a, b) => a.start - b.start || b.score - a.score);
}
