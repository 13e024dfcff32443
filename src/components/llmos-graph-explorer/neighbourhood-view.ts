/**
 * The explorer's picture: a laid-out neighbourhood scaled into an SVG view box — relations as arrows,
 * entities as labelled circles that can be clicked or focused and activated with the keyboard.
 * Labels are model output: they are rendered as text nodes only (Lit escapes them).
 * @internal
 */
import Graph from 'graphology';
import { nothing, svg, type SVGTemplateResult } from 'lit';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';

/** One entity placed in the view. */
export interface ViewNode { id: string; label: string; type: string; x: number; y: number }
/** One relation placed in the view. */
export interface ViewEdge { id: string; source: string; target: string; predicate: string }
/** A laid-out neighbourhood. */
export interface NeighbourhoodView { nodes: ViewNode[]; edges: ViewEdge[] }

/** View box size. */
export const VIEW_W = 1000, VIEW_H = 640;
/** Predicates are written on the lines only when there are few enough to read. */
const EDGE_LABELS_UP_TO = 40;
const PAD = 60;

/** Copy the entities `ids` and the relations among them into a small view graph (for the layout). */
export function viewGraph(kg: KnowledgeGraph, ids: readonly string[]): Graph {
  const g = new Graph({ multi: true, type: 'directed', allowSelfLoops: true });
  ids.forEach((id, index) => g.addNode(id, { index }));
  for (const id of ids) {
    kg.graph.forEachOutEdge(id, (edge, _a, source, target) => {
      if (g.hasNode(target)) g.addEdgeWithKey(edge, source, target);
    });
  }
  return g;
}

/** Scale the laid-out view graph into the view box and attach labels. */
export function toView(kg: KnowledgeGraph, g: Graph): NeighbourhoodView {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  g.forEachNode((_n, a) => {
    minX = Math.min(minX, a.x); maxX = Math.max(maxX, a.x); minY = Math.min(minY, a.y); maxY = Math.max(maxY, a.y);
  });
  const sx = (VIEW_W - 2 * PAD) / Math.max(maxX - minX, 1e-9), sy = (VIEW_H - 2 * PAD) / Math.max(maxY - minY, 1e-9);
  const s = Math.min(sx, sy);
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  const nodes = g.mapNodes((id, a) => {
    const e = kg.graph.getNodeAttributes(id);
    const single = g.order === 1;
    return { id, label: e.label, type: e.type, x: single ? VIEW_W / 2 : VIEW_W / 2 + (a.x - cx) * s, y: single ? VIEW_H / 2 : VIEW_H / 2 + (a.y - cy) * s };
  });
  const edges = g.mapEdges((id, _a, source, target) => ({ id, source, target, predicate: kg.graph.getEdgeAttribute(id, 'predicate') }));
  return { nodes, edges };
}

/** Render the view; `onSelect` is called with an entity id when a node is activated. */
export function renderView(view: NeighbourhoodView, selected: string | null, onSelect: (id: string) => void): SVGTemplateResult {
  const at = new Map(view.nodes.map((n) => [n.id, n]));
  const key = (ev: KeyboardEvent, id: string) => {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onSelect(id); }
  };
  return svg`
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0 0 L10 5 L0 10 z" class="arrow"></path></marker></defs>
    <g part="edges">${view.edges.map((e) => {
      const s = at.get(e.source)!, t = at.get(e.target)!;
      return svg`<line part="edge" data-id=${e.id} x1=${s.x} y1=${s.y} x2=${t.x} y2=${t.y} marker-end="url(#arrow)"><title>${s.label} ${e.predicate} ${t.label}</title></line>`;
    })}</g>
    ${view.edges.length <= EDGE_LABELS_UP_TO ? svg`<g part="edge-labels">${view.edges.map((e) => {
      const s = at.get(e.source)!, t = at.get(e.target)!;
      return svg`<text class="predicate" x=${(s.x + t.x) / 2} y=${(s.y + t.y) / 2 - 6} text-anchor="middle">${e.predicate}</text>`;
    })}</g>` : nothing}
    <g part="nodes">${view.nodes.map((n) => svg`
      <g part=${n.id === selected ? 'node selected-node' : 'node'} data-id=${n.id} transform="translate(${n.x} ${n.y})"
        tabindex="0" role="button" aria-label=${`${n.label} (${n.type})`}
        @click=${() => onSelect(n.id)} @keydown=${(ev: KeyboardEvent) => key(ev, n.id)}>
        <circle r=${n.id === selected ? 15 : 10}></circle>
        <text x="18" y="7">${n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label}</text>
      </g>`)}</g>`;
}
