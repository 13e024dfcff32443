/**
 * Force layout of a neighbourhood for the explorer: ForceAtlas2 (graphology-layout-forceatlas2),
 * synchronously for small graphs, in a web worker (the library's `FA2LayoutSupervisor`) for large ones
 * so the page never freezes. Positions go into `x`/`y` node attributes of the view graph passed in
 * (never into the knowledge graph).
 * @internal
 */
import type Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import FA2LayoutSupervisor from 'graphology-layout-forceatlas2/worker';

/** Options of `layoutGraph`. */
export interface LayoutOptions {
  /** Graphs with more nodes than this are laid out in a worker. Default 200. */
  workerThreshold?: number;
  /** Synchronous iterations. Default 150. */
  iterations?: number;
  /** How long the worker runs. Default 600 ms. */
  workerMs?: number;
  signal?: AbortSignal;
}

/** Where the layout ran. */
export type LayoutMode = 'sync' | 'worker' | 'none';

/** Put the nodes on a circle (a deterministic start: ForceAtlas2 needs initial positions). */
export function seedPositions(graph: Graph): void {
  const n = graph.order;
  graph.forEachNode((node, _a) => {
    const i = graph.getNodeAttribute(node, 'index') as number;
    graph.mergeNodeAttributes(node, { x: 100 * Math.cos((2 * Math.PI * i) / n), y: 100 * Math.sin((2 * Math.PI * i) / n) });
  });
}

/** Lay `graph` out in place (nodes need an `index` attribute 0…n-1). Resolves when positions are final. */
export async function layoutGraph(graph: Graph, options: LayoutOptions = {}): Promise<LayoutMode> {
  if (graph.order === 0) return 'none';
  seedPositions(graph);
  if (graph.order < 2) return 'none';
  const settings = { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 500 };
  if (graph.order <= (options.workerThreshold ?? 200)) {
    forceAtlas2.assign(graph, { iterations: options.iterations ?? 150, settings, getEdgeWeight: null });
    return 'sync';
  }
  const supervisor = new FA2LayoutSupervisor(graph, { settings, getEdgeWeight: null });
  try {
    supervisor.start();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.workerMs ?? 600);
      options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  } finally {
    supervisor.kill();
  }
  return 'worker';
}
