import { describe, expect, test } from 'vitest';
import { EntityIndex, dice, trigrams } from './entity-index';
import { linkMentions } from './link';

function index() {
  const ix = new EntityIndex();
  ix.set('alice', 'Alice Liddell', ['Alice']);
  ix.set('acme', 'Acme Corporation', ['ACME']);
  ix.set('paris', 'Paris', []);
  ix.set('paris-tx', 'Paris', ['Paris, Texas']);
  ix.set('wonder', 'Wonderland', []);
  return ix;
}

describe('EntityIndex and linkMentions', () => {
  test('trigram Dice similarity', () => {
    expect(dice(trigrams('wonderland'), trigrams('wonderland'))).toBe(1);
    expect(dice(trigrams('wonderland'), trigrams('wonderlnd'))).toBeGreaterThan(0.6);
    expect(dice(trigrams('wonderland'), trigrams('paris'))).toBe(0);
  });

  test('exact label, alias and fuzzy mentions, longest first, no overlaps', () => {
    const q = 'Where does Alice Liddell work — at ACME in Pariss, or in Wondrland?';
    const m = linkMentions(index(), q);
    const byId = Object.fromEntries(m.map((x) => [x.entityId, x]));
    expect(byId.alice).toMatchObject({ kind: 'label', text: 'Alice Liddell', score: 1 });
    expect(q.slice(byId.alice!.start, byId.alice!.end)).toBe('Alice Liddell');
    expect(byId.acme).toMatchObject({ kind: 'alias', text: 'ACME' });
    expect(byId.wonder!.kind).toBe('fuzzy');
    expect(byId.wonder!.score).toBeGreaterThanOrEqual(0.6);
    expect(m.filter((x) => x.text.startsWith('Paris')).length).toBe(1);
    for (let i = 1; i < m.length; i++) expect(m[i]!.start).toBeGreaterThanOrEqual(m[i - 1]!.start);
  });

  test('an ambiguous name links every entity that carries it; stopwords alone never link', () => {
    const ix = index();
    ix.set('who', 'Who', []);
    const m = linkMentions(ix, 'who is in Paris');
    expect(m.map((x) => x.entityId).sort()).toEqual(['paris', 'paris-tx']);
  });

  test('fuzzy matching can be switched off, and deleted entities are forgotten', () => {
    const ix = index();
    expect(linkMentions(ix, 'Wondrland', { fuzzy: false })).toEqual([]);
    ix.delete('wonder');
    expect(linkMentions(ix, 'Wonderland')).toEqual([]);
    expect(ix.size).toBe(4);
  });
});
