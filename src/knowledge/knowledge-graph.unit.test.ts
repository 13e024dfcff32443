import { describe, expect, test } from 'vitest';
import { KnowledgeGraph } from './knowledge-graph';
import { InvalidRequestError } from '../errors';
import type { Provenance } from './entities';

const prov = (sourceId: string, start = 0, end = 10): Provenance => ({ kind: 'message', sourceId, start, end, at: 1 });
const make = () => new KnowledgeGraph('user', undefined, undefined, () => 1000);

describe('KnowledgeGraph model operations', () => {
  test('entities are de-duplicated by normalised label and aliases', () => {
    const kg = make();
    const a = kg.upsertEntity({ label: 'The Acme, Inc.', type: 'organisation', aliases: ['ACME'] });
    expect(kg.upsertEntity({ label: 'acme inc' })).toBe(a);
    expect(kg.upsertEntity({ label: 'Acme' })).toBe(a); // via the alias
    const again = kg.upsertEntity({ label: 'ACME', aliases: ['Acme Corporation'] });
    expect(again).toBe(a);
    expect(kg.entity(a)!.aliases).toEqual(['ACME', 'Acme Corporation']);
    expect(kg.graph.order).toBe(1);
    expect(kg.findEntity('acme corporation')!.id).toBe(a);
    expect(kg.upsertEntity({ label: 'Acme Bank' })).not.toBe(a);
  });

  test('a found entity without a type takes the new one; labels are cleaned and bounded', () => {
    const kg = make();
    const id = kg.upsertEntity({ label: '  Paris\n\u0007 ' });
    expect(kg.entity(id)).toMatchObject({ label: 'Paris', type: 'thing', aliases: [] });
    kg.upsertEntity({ label: 'paris', type: 'Place' });
    expect(kg.entity(id)!.type).toBe('place');
    expect(kg.entity(kg.upsertEntity({ label: 'x'.repeat(1000) }))!.label.length).toBe(200);
    expect(() => kg.upsertEntity({ label: ' ... ' })).toThrow(InvalidRequestError);
  });

  test('the same triple stated twice is one relation with both provenances and the higher confidence', () => {
    const kg = make();
    const [r1, r2] = kg.applyFacts([
      { subject: { label: 'Alice' }, predicate: 'Works_At', object: { label: 'Acme' }, confidence: 0.5, provenance: prov('m1') },
      { subject: { label: 'alice' }, predicate: 'works at.', object: { label: 'ACME' }, confidence: 0.8, provenance: prov('m2') },
    ]);
    expect(r1).toBe(r2);
    const rel = kg.relation(r1!)!;
    expect(rel.predicate).toBe('works at');
    expect(rel.confidence).toBe(0.8);
    expect(rel.provenance.map((p) => p.sourceId)).toEqual(['m1', 'm2']);
    // The same provenance again is not duplicated.
    kg.addRelation(rel.source, 'works at', rel.target, { provenance: prov('m1') });
    expect(kg.relation(r1!)!.provenance).toHaveLength(2);
    expect(kg.graph.size).toBe(1);
  });

  test('applyFacts is all or nothing', () => {
    const kg = make();
    kg.upsertEntity({ label: 'Existing' });
    expect(() => kg.applyFacts([
      { subject: { label: 'Alice' }, predicate: 'knows', object: { label: 'Bob' } },
      { subject: { label: 'Carol' }, predicate: '   ', object: { label: 'Dan' } },
    ])).toThrow(InvalidRequestError);
    expect(() => kg.applyFacts([
      { subject: { label: 'Alice' }, predicate: 'knows', object: { label: 'Bob' }, confidence: 2 },
    ])).toThrow(InvalidRequestError);
    expect(kg.graph.order).toBe(1);
    expect(kg.graph.size).toBe(0);
  });

  test('merge moves relations, joins identical ones and keeps every name', () => {
    const kg = make();
    const [r1, r2, r3] = kg.applyFacts([
      { subject: { label: 'Bob Smith' }, predicate: 'works at', object: { label: 'Acme' }, provenance: prov('m1') },
      { subject: { label: 'Robert' }, predicate: 'works at', object: { label: 'Acme' }, provenance: prov('m2') },
      { subject: { label: 'Carol' }, predicate: 'manages', object: { label: 'Robert' }, provenance: prov('m3') },
    ]);
    const bob = kg.findEntity('Bob Smith')!.id, robert = kg.findEntity('Robert')!.id;
    kg.merge(bob, robert);
    expect(kg.entity(robert)).toBeUndefined();
    expect(kg.entity(bob)!.aliases).toEqual(['Robert']);
    expect(kg.findEntity('robert')!.id).toBe(bob);
    expect(kg.relation(r2!)).toBeUndefined(); // joined r1
    expect(kg.relation(r1!)!.provenance.map((p) => p.sourceId)).toEqual(['m1', 'm2']);
    expect(kg.relation(r3!)).toMatchObject({ target: bob, predicate: 'manages' });
    expect(kg.graph.size).toBe(2);
  });

  test('split creates a new entity and moves the chosen relations', () => {
    const kg = make();
    const [r1, r2] = kg.applyFacts([
      { subject: { label: 'Jordan', aliases: ['Jordan River'] }, predicate: 'flows into', object: { label: 'Dead Sea' } },
      { subject: { label: 'Jordan' }, predicate: 'borders', object: { label: 'Syria' } },
    ]);
    const jordan = kg.findEntity('Jordan')!.id;
    const river = kg.split(jordan, { label: 'Jordan River', type: 'place' }, [r1!]);
    expect(kg.relation(r1!)!.source).toBe(river);
    expect(kg.relation(r2!)!.source).toBe(jordan);
    expect(kg.entity(jordan)!.aliases).toEqual([]);
    expect(kg.findEntity('jordan river')!.id).toBe(river);
    const other = kg.upsertEntity({ label: 'Elsewhere' });
    expect(() => kg.split(other, { label: 'X' }, [r2!])).toThrow(/does not touch/);
  });

  test('edits and deletes', () => {
    const kg = make();
    const [r] = kg.applyFacts([{ subject: { label: 'Alice' }, predicate: 'knows', object: { label: 'Bob' } }]);
    const alice = kg.findEntity('Alice')!.id;
    kg.updateEntity(alice, { label: 'Alice Liddell', aliases: ['Alice', 'alice liddell'] });
    expect(kg.entity(alice)).toMatchObject({ label: 'Alice Liddell', aliases: ['Alice'] });
    expect(kg.findEntity('alice liddell')!.id).toBe(alice);
    kg.updateRelation(r!, { predicate: 'Is Friends With', confidence: 0.4 });
    expect(kg.relation(r!)).toMatchObject({ predicate: 'is friends with', confidence: 0.4 });
    kg.deleteEntity(alice);
    expect(kg.relation(r!)).toBeUndefined();
    expect(kg.findEntity('Alice')).toBeUndefined();
    expect(() => kg.deleteRelation(r!)).toThrow(InvalidRequestError);
  });
});
