/**
 * Graph-grounded retrieval: link the query's mentions to entities, take their k-hop neighbourhood,
 * rank the facts in it by personalised PageRank seeded at the mentioned entities, and serialise the
 * best facts within a token budget as cited context (see `context.ts`).
 */
import { serialiseFacts, estimateTokens, type CitedFact, type SerialisedFacts } from './context';
import type { KnowledgeGraph } from './knowledge-graph';
import { linkMentions, type LinkOptions, type LinkedMention } from './link';
import { personalisedPageRank, type WeightedEdge } from './pagerank';

/** Options of `retrieve`. */
export interface RetrieveOptions extends LinkOptions {
  /** Neighbourhood radius in hops (edges in either direction). Default 2. */
  hops?: number;
  /** Largest neighbourhood ranked, in entities (nearest first). Default 500. */
  maxNodes?: number;
  /** Most facts considered for the context. Default 50. */
  maxFacts?: number;
  /** Token budget of the serialised context. Default 512. */
  tokenBudget?: number;
  /** Token counter (default: about 4 characters per token). */
  countTokens?: (text: string) => number;
  /** PageRank damping. Default 0.85. */
  alpha?: number;
}

/** What `retrieve` found. */
export interface Retrieval {
  /** Mentions of the query linked to entities (the PageRank seeds). */
  mentions: LinkedMention[];
  /** Every ranked fact of the neighbourhood, best first (up to `maxFacts`). */
  ranked: Omit<CitedFact, 'citation'>[];
  /** The context: facts that fit in the budget, with citation tags. */
  context: SerialisedFacts;
  /** Entities in the neighbourhood that was ranked. */
  neighbourhood: number;
}

/** Entities within `hops` of the seeds (both directions), nearest first, at most `maxNodes`. */
export function neighbourhood(kg: KnowledgeGraph, seeds: Iterable<string>, hops: number, maxNodes: number): string[] {
  const g = kg.graph;
  const seen = new Set<string>();
  let frontier: string[] = [];
  for (const s of seeds) {
    if (g.hasNode(s) && !seen.has(s) && seen.size < maxNodes) { seen.add(s); frontier.push(s); }
  }
  for (let h = 0; h < hops && frontier.length > 0 && seen.size < maxNodes; h++) {
    const next: string[] = [];
    for (const node of frontier) {
      // Stop early without visiting the rest: hubs can have thousands of neighbours.
      g.someNeighbor(node, (nb) => {
        if (!seen.has(nb)) { seen.add(nb); next.push(nb); }
        return seen.size >= maxNodes;
      });
      if (seen.size >= maxNodes) break;
    }
    frontier = next;
  }
  return [...seen];
}

/** Link, expand, rank and serialise: everything a prompt needs from the graph for `query`. */
export function retrieve(kg: KnowledgeGraph, query: string, options: RetrieveOptions = {}): Retrieval {
  const mentions = linkMentions(kg.index, query, options);
  const seeds = new Map<string, number>();
  for (const m of mentions) seeds.set(m.entityId, Math.max(seeds.get(m.entityId) ?? 0, m.score));
  const empty: Retrieval = { mentions, ranked: [], context: { text: '', facts: [], tokens: 0 }, neighbourhood: 0 };
  if (seeds.size === 0) return empty;

  const g = kg.graph;
  const nodes = neighbourhood(kg, seeds.keys(), options.hops ?? 2, options.maxNodes ?? 500);
  const inside = new Set(nodes);
  const edges: (WeightedEdge & { id: string })[] = [];
  for (const node of nodes) {
    g.forEachOutEdge(node, (id, a, source, target) => {
      if (inside.has(target)) edges.push({ id, source, target, weight: Math.max(a.confidence, 1e-3) });
    });
  }
  const rank = personalisedPageRank(nodes, edges, seeds, { alpha: options.alpha ?? 0.85 });

  // A fact is as relevant as its two entities. Confidence already weights the walk (edge weight), so
  // here it only tempers the score (×0.5…1) instead of counting twice.
  const scored = edges.map((e) => ({ e, score: ((rank.get(e.source) ?? 0) + (rank.get(e.target) ?? 0)) * (0.5 + 0.5 * (e.weight ?? 1)) }));
  // Best first; ties broken by id so the order is stable.
  scored.sort((a, b) => b.score - a.score || (a.e.id < b.e.id ? -1 : 1));
  const ranked = scored.slice(0, options.maxFacts ?? 50).map(({ e, score }) => {
    const a = g.getEdgeAttributes(e.id);
    return {
      relationId: e.id,
      subject: { id: e.source, label: g.getNodeAttribute(e.source, 'label') },
      predicate: a.predicate,
      object: { id: e.target, label: g.getNodeAttribute(e.target, 'label') },
      confidence: a.confidence,
      provenance: a.provenance,
      score,
    };
  });
  const context = serialiseFacts(ranked, options.tokenBudget ?? 512, options.countTokens ?? estimateTokens);
  return { mentions, ranked, context, neighbourhood: nodes.length };
}
