/**
 * Personalised PageRank by power iteration (pure, no graphology): the random surfer restarts at the
 * seed nodes instead of anywhere. graphology-metrics' `pagerank` has no personalisation vector, so this
 * small module does it; with no seeds it equals the classic PageRank (and matches graphology-metrics).
 */

/** A weighted edge between two node ids. */
export interface WeightedEdge {
  source: string;
  target: string;
  /** > 0; default 1. */
  weight?: number;
}

/** Options of `personalisedPageRank`. */
export interface PageRankOptions {
  /** Damping: probability of following an edge rather than restarting. Default 0.85. */
  alpha?: number;
  maxIterations?: number;
  /** Convergence when the L1 change of one step is below `n × tolerance`. Default 1e-6. */
  tolerance?: number;
  /** `false` (default) walks edges both ways: a fact is relevant to both of its entities. */
  directed?: boolean;
}

/**
 * Compute personalised PageRank.
 * @param nodes every node id (edges to unknown ids are ignored)
 * @param edges weighted edges
 * @param seeds restart weights by node id (normalised here); empty means uniform restart
 * @returns score per node id; the scores sum to 1
 */
export function personalisedPageRank(
  nodes: readonly string[],
  edges: Iterable<WeightedEdge>,
  seeds: ReadonlyMap<string, number>,
  options: PageRankOptions = {},
): Map<string, number> {
  const alpha = options.alpha ?? 0.85;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const directed = options.directed ?? false;
  const n = nodes.length;
  const result = new Map<string, number>();
  if (n === 0) return result;
  const index = new Map<string, number>();
  nodes.forEach((id, i) => index.set(id, i));

  // Adjacency as flat arrays (compressed rows are not worth it for the few thousand nodes we rank).
  const from: number[] = [], to: number[] = [], weight: number[] = [];
  const outWeight = new Float64Array(n);
  const push = (a: number, b: number, w: number) => {
    from.push(a); to.push(b); weight.push(w); outWeight[a]! += w;
  };
  for (const e of edges) {
    const a = index.get(e.source), b = index.get(e.target);
    const w = e.weight ?? 1;
    if (a === undefined || b === undefined || !(w > 0)) continue;
    push(a, b, w);
    if (!directed && a !== b) push(b, a, w);
  }

  // Restart distribution p.
  const p = new Float64Array(n);
  let seedTotal = 0;
  for (const [id, w] of seeds) {
    const i = index.get(id);
    if (i !== undefined && w > 0) { p[i]! += w; seedTotal += w; }
  }
  if (seedTotal > 0) for (let i = 0; i < n; i++) p[i]! /= seedTotal;
  else p.fill(1 / n);

  let x = Float64Array.from(p);
  let next = new Float64Array(n);
  const m = from.length;
  for (let iter = 0; iter < maxIterations; iter++) {
    next.fill(0);
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += x[i]!;
    for (let k = 0; k < m; k++) {
      const a = from[k]!;
      next[to[k]!]! += (alpha * x[a]! * weight[k]!) / outWeight[a]!;
    }
    // Mass of dangling nodes and the restart mass both go back to the seeds.
    const restart = alpha * dangling + (1 - alpha);
    let change = 0;
    for (let i = 0; i < n; i++) {
      next[i]! += restart * p[i]!;
      change += Math.abs(next[i]! - x[i]!);
    }
    [x, next] = [next, x];
    if (change < n * tolerance) break;
  }
  nodes.forEach((id, i) => result.set(id, x[i]!));
  return result;
}
