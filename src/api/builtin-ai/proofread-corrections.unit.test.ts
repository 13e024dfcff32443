import { describe, expect, test } from 'vitest';
import { applyCorrections, checkCorrections, classify, diffCorrections, proofreadResult, proofreadSchema } from './proofread-corrections';

describe('proofread corrections', () => {
  test('a word diff gives corrections that address the input and reproduce the corrected text', () => {
    const input = 'can you profread fir me';
    const corrected = 'Can you proofread for me?';
    const cs = diffCorrections(input, corrected);
    expect(cs.map((c) => [input.slice(c.startIndex, c.endIndex), c.correction])).toEqual([['can', 'Can'], ['profread', 'proofread'], ['fir', 'for'], ['', '?']]);
    expect(applyCorrections(input, cs)).toBe(corrected);
    expect(checkCorrections(input, corrected, cs)).toBe(true);
  });

  test('insertions and deletions are corrections too; overlapping or out-of-range ones fail the check', () => {
    const input = 'I going home now now';
    const corrected = 'I am going home now';
    const cs = diffCorrections(input, corrected);
    expect(applyCorrections(input, cs)).toBe(corrected);
    expect(cs.some((c) => c.startIndex === c.endIndex && c.correction.trim() === 'am')).toBe(true);
    expect(checkCorrections(input, corrected, [{ startIndex: 3, endIndex: 40, correction: 'x' }])).toBe(false);
    expect(checkCorrections(input, corrected, [{ startIndex: 5, endIndex: 6, correction: '' }, { startIndex: 2, endIndex: 3, correction: '' }])).toBe(false);
    expect(checkCorrections('abc', 'abd', [])).toBe(false);
  });

  test('an edit the model did not label is typed by its shape', () => {
    expect(classify('paris', 'Paris')).toBe('capitalization');
    expect(classify('me', 'me?')).toBe('punctuation');
    expect(classify('profread', 'proofread')).toBe('spelling');
    expect(classify('', 'am ')).toBe('missing-words');
    expect(classify('', '?')).toBe('punctuation');
    expect(classify('he go', 'he goes')).toBe('grammar');
  });

  test("the model's labels and explanations are used where its edit matches the diff, and only when asked for", () => {
    const input = 'She arrived in Monday';
    const answer = { correctedInput: 'She arrived on Monday', corrections: [{ original: 'in', correction: 'on', type: 'preposition', explanation: 'Days take "on".' }] };
    expect(proofreadResult(input, answer, true, true).corrections).toEqual([{ startIndex: 12, endIndex: 14, correction: 'on', types: ['preposition'], explanation: 'Days take "on".' }]);
    expect(proofreadResult(input, answer, false, false).corrections).toEqual([{ startIndex: 12, endIndex: 14, correction: 'on' }]);
    // An unknown type from the model falls back to the shape.
    const odd = { ...answer, corrections: [{ ...answer.corrections[0]!, type: 'style' }] };
    expect(proofreadResult(input, odd, true, false).corrections![0]!.types).toEqual(['spelling']);
  });

  test('the schema bounds every string and the number of edits, so an answer always ends', () => {
    const s = proofreadSchema('one two three four', true, false) as { properties: Record<string, { maxLength?: number; maxItems?: number }>; required: string[] };
    expect(s.properties.correctedInput!.maxLength).toBe(Math.ceil(18 * 1.5) + 16);
    expect(s.properties.corrections!.maxItems).toBe(2);
    expect(s.required).toEqual(['correctedInput', 'corrections']);
    expect((proofreadSchema('x', false, false) as { required: string[] }).required).toEqual(['correctedInput']);
  });
});
