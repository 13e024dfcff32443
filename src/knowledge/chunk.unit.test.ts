import { describe, expect, test } from 'vitest';
import { chunkText } from './chunk';

describe('chunkText', () => {
  test('every chunk is the document text at its offset', () => {
    const doc = 'Alice works at Acme.\n\nBob lives in Paris. He likes tea.\n\n\n  Carol founded Initech in 1999.\n';
    const chunks = chunkText(doc, { maxChars: 64 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(doc.slice(c.start, c.start + c.text.length)).toBe(c.text);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.text).join(' ')).toContain('Carol founded Initech in 1999.');
  });

  test('short paragraphs are packed together up to the limit', () => {
    const doc = 'One.\n\nTwo.\n\nThree.';
    expect(chunkText(doc, { maxChars: 1000 })).toEqual([{ index: 0, start: 0, text: doc }]);
  });

  test('long paragraphs split at sentence ends, never over the limit', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const doc = sentence.repeat(40);
    const chunks = chunkText(doc, { maxChars: 200 });
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(200);
      expect(c.text.endsWith('dog.')).toBe(true);
      expect(doc.slice(c.start, c.start + c.text.length)).toBe(c.text);
    }
  });

  test('a long word without spaces is cut hard', () => {
    const chunks = chunkText('x'.repeat(300), { maxChars: 100 });
    expect(chunks.map((c) => c.text.length)).toEqual([100, 100, 100]);
  });

  test('markdown code fences are skipped and never merged into prose', () => {
    const doc = 'Alice works at Acme.\n\n```js\nconst secret = "Bob is evil";\n```\n\nBob lives in Paris.\n';
    const chunks = chunkText(doc, { maxChars: 1000, format: 'md' });
    expect(chunks.map((c) => c.text)).toEqual(['Alice works at Acme.', 'Bob lives in Paris.']);
    expect(chunkText(doc, { maxChars: 1000, format: 'txt' }).map((c) => c.text).join('')).toContain('secret');
  });

  test('empty and blank documents give no chunks', () => {
    expect(chunkText('')).toEqual([]);
    expect(chunkText(' \n\n \t\n')).toEqual([]);
  });
});
