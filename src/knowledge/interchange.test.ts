import { describe, expect, test } from 'vitest';
import { GraphImportError, LlmOsError } from '../errors';
import { KnowledgeGraph } from './knowledge-graph';
import { exportGexf, exportJson, importText, parseGexf } from './interchange';

function sample() {
  const kg = new KnowledgeGraph('user', undefined, undefined, () => 1_700_000_000_000);
  kg.applyFacts([
    { subject: { label: 'Alice <admin>', type: 'person', aliases: ['Al & co'] }, predicate: 'works at', object: { label: 'Acme' }, confidence: 0.75,
      provenance: { kind: 'document', sourceId: 'doc "1"', start: 3, end: 40, at: 1_700_000_000_123 } },
    { subject: { label: 'Acme' }, predicate: 'located in', object: { label: 'Paris' } },
  ]);
  return kg;
}

function snapshot(kg: KnowledgeGraph) {
  return kg.graph.mapEdges((_e, a, s, t) => ({
    s: kg.entity(s)!.label, t: kg.entity(t)!.label, p: a.predicate, c: a.confidence, prov: a.provenance,
  })).sort((x, y) => x.p.localeCompare(y.p));
}

const GOOD_GEXF = `<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="directed">
    <nodes><node id="a" label="Ada Lovelace"/><node id="b" label="Analytical Engine"/></nodes>
    <edges><edge id="e1" source="a" target="b" label="wrote notes on" weight="0.8"/></edges>
  </graph>
</gexf>`;

describe('import and export', () => {
  test('graphology JSON round trip keeps ids, labels, aliases, confidence and provenance', () => {
    const kg = sample();
    const json = exportJson(kg);
    expect(JSON.parse(json).attributes).toEqual({ format: 'llmos-knowledge', version: 1, namespace: 'user' });
    const into = new KnowledgeGraph('app:copy');
    expect(importText(into, json, 'json')).toEqual({ entities: 3, relations: 2 });
    expect(snapshot(into)).toEqual(snapshot(kg));
    expect(into.graph.nodes().sort()).toEqual(kg.graph.nodes().sort());
    expect(into.graph.edges().sort()).toEqual(kg.graph.edges().sort());
    expect(into.findEntity('al & co')!.label).toBe('Alice <admin>');
    // Importing the same file again changes nothing (ids and facts join the existing ones).
    importText(into, json, 'json');
    expect(into.graph.order).toBe(3);
    expect(snapshot(into)).toEqual(snapshot(kg));
  });

  test('GEXF round trip keeps the same facts', () => {
    const kg = sample();
    const gexf = exportGexf(kg);
    expect(gexf).toContain('<gexf');
    expect(gexf).toMatch(/label="Alice &lt;admin(&gt;|>)"/);
    const into = new KnowledgeGraph('user');
    importText(into, gexf, 'gexf');
    expect(snapshot(into)).toEqual(snapshot(kg));
    expect(into.findEntity('Alice <admin>')!).toMatchObject({ type: 'person', aliases: ['Al & co'] });
  });

  test('a plain GEXF from another tool imports with labels, weights as confidence and import provenance', () => {
    const kg = new KnowledgeGraph('user');
    importText(kg, GOOD_GEXF, 'gexf', 'ada.gexf');
    const ada = kg.findEntity('ada lovelace')!;
    expect(ada.type).toBe('thing');
    const [rel] = kg.relationsOf(ada.id);
    expect(rel).toMatchObject({ predicate: 'wrote notes on', confidence: 0.8 });
    expect(rel!.provenance[0]).toMatchObject({ kind: 'import', sourceId: 'ada.gexf' });
  });

  test.each([
    ['not XML', 'this is not xml at all <<<'],
    ['truncated XML', GOOD_GEXF.slice(0, 200)],
    ['XML without a graph', '<?xml version="1.0"?><gexf version="1.3"><meta/></gexf>'],
    ['another XML dialect', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><graph/></svg>'],
    ['an edge to a missing node', GOOD_GEXF.replace('target="b"', 'target="zzz"')],
    ['a node without a usable label', GOOD_GEXF.replace('label="Ada Lovelace"', 'label="   "')],
    ['empty', ''],
  ])('malformed GEXF (%s) is a typed GraphImportError and changes nothing', (_name, text) => {
    const kg = sample();
    const before = exportJson(kg);
    let error: unknown;
    try { importText(kg, text, 'gexf'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(GraphImportError);
    expect(error).toBeInstanceOf(LlmOsError);
    expect((error as GraphImportError).code).toBe('GRAPH_IMPORT_INVALID');
    expect(exportJson(kg)).toBe(before);
  });

  test('malformed JSON is a typed GraphImportError', () => {
    const kg = new KnowledgeGraph('user');
    for (const text of ['{', '[]', '{"nodes": 3}', '{"nodes":[{"key":"a"}],"edges":[{"source":"a","target":"b"}]}', '{"nodes":[{"key":"a","attributes":{"label":""}}]}']) {
      expect(() => importText(kg, text, 'json')).toThrow(GraphImportError);
    }
    expect(kg.graph.order).toBe(0);
  });

  test('parseGexf returns a graphology graph for well-formed input', () => {
    const g = parseGexf(GOOD_GEXF);
    expect(g.order).toBe(2);
    expect(g.size).toBe(1);
  });
});
