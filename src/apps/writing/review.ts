/**
 * Reviewing a proofreader's corrections one by one (pure). A `Review` is the text as it stands and the
 * suggestions still open, each addressing that text by its current indices. Accepting a suggestion
 * applies it and moves the suggestions after it by the change in length (so they keep addressing the
 * text); rejecting one drops it and leaves its span as it was. Accepting all applies them from the last
 * to the first, so no index moves under one not yet applied. Accepting every suggestion of a proofread
 * result therefore gives its `correctedInput`.
 */
import type { ProofreadResult } from '../../api/builtin-ai/proofread-corrections';

/** One open suggestion. */
export interface Suggestion {
  /** Stable id within its review. */
  id: number;
  /** Where it is in the review's current text. */
  start: number;
  end: number;
  /** The span it replaces (empty: an insertion). */
  original: string;
  /** What replaces it (empty: a deletion). */
  correction: string;
  /** The correction type (spelling, grammar, …) where the proofreader gave one. */
  type: string | null;
  explanation: string | null;
}

/** A text and its open suggestions, in text order. */
export interface Review {
  text: string;
  suggestions: readonly Suggestion[];
}

/** The review of `text` for a proofread result of it (corrections out of range or overlapping are left out). */
export function startReview(text: string, result: ProofreadResult): Review {
  const suggestions: Suggestion[] = [];
  let at = 0;
  for (const [id, c] of (result.corrections ?? []).entries()) {
    if (c.startIndex < at || c.endIndex < c.startIndex || c.endIndex > text.length) continue;
    suggestions.push({
      id, start: c.startIndex, end: c.endIndex, original: text.slice(c.startIndex, c.endIndex), correction: c.correction,
      type: c.types?.[0] ?? null, explanation: c.explanation ?? null,
    });
    at = c.endIndex;
  }
  return { text, suggestions };
}

/** Apply suggestion `id`: the text changes and the suggestions after it move with it. */
export function accept(review: Review, id: number): Review {
  const i = review.suggestions.findIndex((s) => s.id === id);
  if (i < 0) return review;
  const s = review.suggestions[i]!;
  const shift = s.correction.length - (s.end - s.start);
  return {
    text: review.text.slice(0, s.start) + s.correction + review.text.slice(s.end),
    suggestions: review.suggestions.flatMap((o, j) => (j === i ? [] : j < i ? [o] : [{ ...o, start: o.start + shift, end: o.end + shift }])),
  };
}

/** Drop suggestion `id` (its span stays as it is). */
export function reject(review: Review, id: number): Review {
  return { text: review.text, suggestions: review.suggestions.filter((s) => s.id !== id) };
}

/** Apply every open suggestion, from the last to the first. */
export function acceptAll(review: Review): Review {
  let text = review.text;
  for (const s of [...review.suggestions].reverse()) text = text.slice(0, s.start) + s.correction + text.slice(s.end);
  return { text, suggestions: [] };
}

/** The text cut into plain runs and suggestions, in order (for inline display). */
export function segments(review: Review): (string | Suggestion)[] {
  const out: (string | Suggestion)[] = [];
  let at = 0;
  for (const s of review.suggestions) {
    if (s.start > at) out.push(review.text.slice(at, s.start));
    out.push(s);
    at = s.end;
  }
  if (at < review.text.length) out.push(review.text.slice(at));
  return out;
}
