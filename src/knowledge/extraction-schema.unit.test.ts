import { describe, expect, test } from 'vitest';
import { MAX_TRIPLES, parseExtraction } from './extraction-schema';

describe('parseExtraction', () => {
  test('accepts valid output', () => {
    const r = parseExtraction(' {"triples":[{"subject":"Alice","predicate":"works at","object":"Acme","confidence":0.9}]} ');
    expect(r).toEqual({ ok: true, triples: [{ subject: 'Alice', predicate: 'works at', object: 'Acme', confidence: 0.9 }] });
    expect(parseExtraction('{"triples":[]}')).toEqual({ ok: true, triples: [] });
  });

  test.each([
    ['truncated JSON', '{"triples":[{"subject":"Al', /^invalid JSON/],
    ['not JSON at all', 'the model is the model is', /^invalid JSON/],
    ['missing triples', '{}', /^schema mismatch: .*triples/],
    ['wrong type', '{"triples":[{"subject":1,"predicate":"p","object":"o"}]}', /^schema mismatch: \/triples\/0\/subject/],
    ['extra property', '{"triples":[{"subject":"a","predicate":"p","object":"o","x":1}]}', /^schema mismatch/],
    ['confidence out of range', '{"triples":[{"subject":"a","predicate":"p","object":"o","confidence":3}]}', /^schema mismatch/],
    ['blank label', '{"triples":[{"subject":"  ","predicate":"p","object":"o"}]}', /^schema mismatch: \/triples\/0 has an empty/],
    ['punctuation predicate', '{"triples":[{"subject":"a","predicate":"--","object":"o"}]}', /^schema mismatch/],
    ['an array', '[1,2]', /^schema mismatch/],
  ])('rejects %s with a reason', (_name, text, reason) => {
    const r = parseExtraction(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  test('rejects more triples than the limit', () => {
    const t = { subject: 'a', predicate: 'p', object: 'o' };
    expect(parseExtraction(JSON.stringify({ triples: Array(MAX_TRIPLES + 1).fill(t) })).ok).toBe(false);
  });
});
