import { describe, expect, test } from 'vitest';
import { DirectedGraph } from 'graphology';
import pagerank from 'graphology-metrics/centrality/pagerank';
import { personalisedPageRank } from './pagerank';

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('personalisedPageRank', () => {
  test('two nodes, restart at a, alpha 0.5: exact values 2/3 and 1/3', () => {
    const r = personalisedPageRank(['a', 'b'], [{ source: 'a', target: 'b' }], new Map([['a', 1]]), { alpha: 0.5, tolerance: 1e-12 });
    expect(r.get('a')).toBeCloseTo(2 / 3, 9);
    expect(r.get('b')).toBeCloseTo(1 / 3, 9);
  });

  test('without seeds it is classic PageRank: equals graphology-metrics on a directed graph with a dangling node', () => {
    const g = new DirectedGraph();
    const edges: [string, string][] = [['a', 'b'], ['b', 'c'], ['c', 'a'], ['a', 'c'], ['d', 'c'], ['c', 'e']];
    for (const n of ['a', 'b', 'c', 'd', 'e']) g.addNode(n);
    for (const [s, t] of edges) g.addEdge(s, t, { weight: 1 });
    const expected = pagerank(g, { getEdgeWeight: null, tolerance: 1e-12, maxIterations: 1000 });
    const ours = personalisedPageRank(g.nodes(), edges.map(([source, target]) => ({ source, target })), new Map(), {
      directed: true, tolerance: 1e-12, maxIterations: 1000,
    });
    for (const n of g.nodes()) expect(ours.get(n)).toBeCloseTo(expected[n]!, 8);
    expect(sum(ours)).toBeCloseTo(1, 9);
  });

  test('scores fall with distance from the seed on an undirected chain', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'];
    const edges = nodes.slice(1).map((t, i) => ({ source: nodes[i]!, target: t }));
    const r = personalisedPageRank(nodes, edges, new Map([['a', 1]]));
    const scores = nodes.map((n) => r.get(n)!);
    // b (degree 2) collects the flow of a (degree 1) and may pass it; beyond b the order is strict.
    for (let i = 2; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]!);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(sum(r)).toBeCloseTo(1, 6);
  });

  test('direction matters only when asked: a directed walk from a sink stays at the seed', () => {
    const edges = [{ source: 'x', target: 'seed' }];
    const undirected = personalisedPageRank(['seed', 'x'], edges, new Map([['seed', 1]]));
    const directed = personalisedPageRank(['seed', 'x'], edges, new Map([['seed', 1]]), { directed: true });
    expect(undirected.get('x')).toBeGreaterThan(0.3);
    expect(directed.get('x')).toBeCloseTo(0, 9);
  });

  test('edge weights steer the walk; unknown ids and non-positive weights are ignored', () => {
    const r = personalisedPageRank(['s', 'heavy', 'light'], [
      { source: 's', target: 'heavy', weight: 0.9 },
      { source: 's', target: 'light', weight: 0.1 },
      { source: 's', target: 'ghost', weight: 1 },
      { source: 's', target: 'light', weight: -5 },
    ], new Map([['s', 1], ['ghost', 3]]));
    expect(r.get('heavy')!).toBeGreaterThan(r.get('light')! * 5);
    expect(r.has('ghost')).toBe(false);
    expect(sum(r)).toBeCloseTo(1, 6);
  });

  test('empty input gives an empty map', () => {
    expect(personalisedPageRank([], [], new Map()).size).toBe(0);
  });
});
