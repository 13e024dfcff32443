import { describe, expect, test } from 'vitest';
import { accept, acceptAll, reject, segments, startReview } from './review';
import { applyCorrections, diffCorrections } from '../../api/builtin-ai/proofread-corrections';

const input = 'i can not beleive its already friday , lets go';
const corrected = 'I cannot believe it\'s already Friday, let\'s go!';
const result = { correctedInput: corrected, corrections: diffCorrections(input, corrected) };

describe('reviewing corrections', () => {
  test('the suggestions address the text and show inline between its plain runs', () => {
    const r = startReview(input, result);
    expect(r.suggestions.length).toBeGreaterThan(3);
    for (const s of r.suggestions) expect(input.slice(s.start, s.end)).toBe(s.original);
    expect(segments(r).map((x) => (typeof x === 'string' ? x : x.original)).join('')).toBe(input);
  });

  test('accepting every suggestion, in any order, gives correctedInput; so does accept all', () => {
    const r = startReview(input, result);
    expect(acceptAll(r)).toEqual({ text: corrected, suggestions: [] });
    const ids = r.suggestions.map((s) => s.id);
    for (const order of [ids, [...ids].reverse(), [ids[2]!, ids[0]!, ...ids.slice(3), ids[1]!]]) {
      let x = r;
      for (const id of order) x = accept(x, id);
      expect(x.text).toBe(corrected);
      expect(x.suggestions).toEqual([]);
    }
  });

  test('after an accept the other suggestions still address the text; a rejected one leaves its span', () => {
    const r = startReview(input, result);
    const [first, second, third] = r.suggestions;
    let x = accept(r, second!.id);
    for (const s of x.suggestions) expect(x.text.slice(s.start, s.end)).toBe(s.original);
    x = reject(x, first!.id);
    x = accept(x, third!.id);
    x = acceptAll(x);
    // All but the first applied: the first's original span is still there.
    expect(x.text).toBe(applyCorrections(input, result.corrections.slice(1)));
    expect(x.text.startsWith(first!.original)).toBe(true);
    expect(x.text).not.toBe(corrected);
  });

  test('types and explanations are kept; corrections out of range or overlapping are left out', () => {
    const r = startReview('teh cat', { correctedInput: 'the cat', corrections: [
      { startIndex: 0, endIndex: 3, correction: 'the', types: ['spelling'], explanation: 'Misspelt.' },
      { startIndex: 2, endIndex: 5, correction: 'x' },
      { startIndex: 6, endIndex: 40, correction: 'y' },
    ] });
    expect(r.suggestions).toEqual([{ id: 0, start: 0, end: 3, original: 'teh', correction: 'the', type: 'spelling', explanation: 'Misspelt.' }]);
  });
});
