/**
 * Import and export of a namespace's graph as graphology JSON (`graph.export()` format) and GEXF
 * (graphology-gexf). Exports carry every attribute (lists as JSON strings in GEXF); imports accept our
 * own exports and plain files from other tools (Gephi: labels, weights), validate everything first and
 * then merge in one batch — a malformed file is a `GraphImportError` and changes nothing.
 */
import Graph from 'graphology';
import { parse as parseGexfText, write as writeGexfText } from 'graphology-gexf/browser';
import type { Attributes, SerializedGraph } from 'graphology-types';
import { GraphImportError, InvalidRequestError } from '../errors';
import type { KnowledgeGraph } from './knowledge-graph';
import { cleanLabel, normaliseLabel, normalisePredicate, type Provenance } from './entities';

/** Largest file accepted for import (characters). */
export const MAX_IMPORT_CHARS = 64 * 1024 * 1024;

/** What an import did. */
export interface ImportReport {
  entities: number;
  relations: number;
}

/** The namespace as graphology JSON (`Graph#export()`), with a small header in the graph attributes. */
export function exportJson(kg: KnowledgeGraph): string {
  const data = kg.graph.export();
  data.attributes = { format: 'llmos-knowledge', version: 1, namespace: kg.ns };
  return JSON.stringify(data);
}

/** The namespace as GEXF 1.3 (lists and provenance as JSON strings, confidence also as edge weight). */
export function exportGexf(kg: KnowledgeGraph): string {
  return writeGexfText(kg.graph, {
    version: '1.3',
    formatNode: (_key, a) => ({
      label: a.label,
      attributes: { type: a.type, aliases: JSON.stringify(a.aliases), createdAt: a.createdAt, updatedAt: a.updatedAt },
    }),
    formatEdge: (_key, a) => ({
      label: a.predicate,
      weight: a.confidence,
      attributes: {
        predicate: a.predicate, confidence: a.confidence, provenance: JSON.stringify(a.provenance),
        createdAt: a.createdAt, updatedAt: a.updatedAt,
      },
    }),
  });
}

function fail(message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw new GraphImportError(message, details, cause === undefined ? undefined : { cause });
}

/** Parse GEXF text into a graphology graph (any type), or throw `GraphImportError`. */
export function parseGexf(text: string): Graph {
  if (typeof text !== 'string' || text.length > MAX_IMPORT_CHARS) fail('GEXF file is empty or too large', { chars: String(text?.length) });
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) fail(`Malformed GEXF: not well-formed XML (${(error.textContent ?? '').trim().slice(0, 160)})`, { format: 'gexf' });
  if (doc.documentElement.localName !== 'gexf' || !doc.getElementsByTagName('graph')[0]) {
    fail('Malformed GEXF: no <gexf> root with a <graph> element', { format: 'gexf', root: doc.documentElement.localName });
  }
  try {
    return parseGexfText(Graph, doc, { addMissingNodes: false });
  } catch (e) {
    fail(`Malformed GEXF: ${e instanceof Error ? e.message.replace(/^graphology-gexf\/parser: /, '') : String(e)}`, { format: 'gexf' }, e);
  }
}

/** Parse graphology JSON (the `Graph#export()` format), or throw `GraphImportError`. */
export function parseGraphJson(text: string): Graph {
  if (typeof text !== 'string' || text.length > MAX_IMPORT_CHARS) fail('JSON file is empty or too large', { format: 'json' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(`Malformed graph JSON: ${e instanceof Error ? e.message : String(e)}`, { format: 'json' }, e);
  }
  const d = data as { nodes?: unknown; edges?: unknown };
  if (typeof d !== 'object' || d === null || !Array.isArray(d.nodes) || (d.edges !== undefined && !Array.isArray(d.edges))) {
    fail('Malformed graph JSON: expected { nodes: [...], edges: [...] } (graphology export format)', { format: 'json' });
  }
  try {
    // `type: mixed, multi` accepts any graphology export; the knowledge model is checked afterwards.
    const graph = new Graph({ type: 'mixed', multi: true, allowSelfLoops: true });
    graph.import({ nodes: d.nodes, edges: d.edges ?? [] } as SerializedGraph);
    return graph;
  } catch (e) {
    fail(`Malformed graph JSON: ${e instanceof Error ? e.message.replace(/^Graph\.\w+: /, '') : String(e)}`, { format: 'json' }, e);
  }
}

function stringList(value: unknown): string[] {
  let v = value;
  if (typeof value === 'string') {
    try { v = JSON.parse(value); } catch { return value.trim() ? [value] : []; }
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function provenanceList(value: unknown, fallback: Provenance): Provenance[] {
  let v = value;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return [fallback]; }
  }
  // Our own files carry a list (possibly empty, e.g. facts typed by hand); other tools' files none.
  if (!Array.isArray(v)) return [fallback];
  const kinds = new Set(['message', 'document', 'manual', 'import']);
  const ok = v.filter((p): p is Provenance => typeof p === 'object' && p !== null && kinds.has(p.kind) && typeof p.sourceId === 'string' &&
    Number.isFinite(p.start) && Number.isFinite(p.end) && Number.isFinite(p.at));
  return ok.map((p) => ({ kind: p.kind, sourceId: p.sourceId, start: p.start, end: p.end, at: p.at }));
}

function num(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

interface Planned {
  nodes: { key: string; label: string; type: string; aliases: string[] }[];
  edges: { key: string; source: string; target: string; predicate: string; confidence: number; provenance: Provenance[] }[];
}

/** Check the whole file against the knowledge model before touching the graph. */
function plan(source: Graph, origin: string, now: number): Planned {
  const nodes: Planned['nodes'] = [];
  source.forEachNode((key, a: Attributes) => {
    const label = cleanLabel(String(a.label ?? key));
    if (!normaliseLabel(label)) fail(`Node ${key} has no usable label`, { node: key });
    nodes.push({ key, label, type: typeof a.type === 'string' ? a.type : 'thing', aliases: stringList(a.aliases) });
  });
  const edges: Planned['edges'] = [];
  const fallback: Provenance = { kind: 'import', sourceId: origin, start: 0, end: 0, at: now };
  source.forEachEdge((key, a: Attributes, s, t) => {
    const predicate = normalisePredicate(String(a.predicate ?? a.label ?? 'related to'));
    if (!predicate) fail(`Edge ${key} has no usable predicate`, { edge: key });
    const confidence = Math.min(1, Math.max(0, num(a.confidence ?? a.weight, 1)));
    edges.push({ key, source: s, target: t, predicate, confidence, provenance: provenanceList(a.provenance, fallback) });
  });
  return { nodes, edges };
}

/**
 * Merge a parsed graph into a namespace: an entity whose id or name is known joins the existing one,
 * others are created; relations join identical ones. All checked first, then written in one batch.
 * @param origin a name for the file, recorded as provenance of facts that carry none
 */
export function importGraph(kg: KnowledgeGraph, source: Graph, origin = 'import'): ImportReport {
  const planned = plan(source, origin, Date.now());
  const ids = new Map<string, string>();
  try {
    for (const n of planned.nodes) {
      const input = { label: n.label, type: n.type, aliases: n.aliases };
      if (kg.graph.hasNode(n.key)) {
        const cur = kg.entity(n.key)!;
        kg.updateEntity(n.key, { aliases: [...cur.aliases, ...(normaliseLabel(cur.label) === normaliseLabel(n.label) ? [] : [n.label]), ...n.aliases] });
        ids.set(n.key, n.key);
      } else {
        ids.set(n.key, kg.upsertEntity(input, n.key));
      }
    }
    for (const e of planned.edges) {
      const s = ids.get(e.source)!, t = ids.get(e.target)!;
      const options = { confidence: e.confidence, preferredId: e.key };
      if (e.provenance.length === 0) kg.addRelation(s, e.predicate, t, options);
      for (const p of e.provenance) kg.addRelation(s, e.predicate, t, { ...options, provenance: p });
    }
  } catch (e) {
    if (e instanceof InvalidRequestError) fail(`Import rejected: ${e.message}`, {}, e);
    throw e;
  }
  return { entities: planned.nodes.length, relations: planned.edges.length };
}

/** Parse a file's text by format and merge it into the namespace (see `importGraph`). */
export function importText(kg: KnowledgeGraph, text: string, format: 'json' | 'gexf', origin?: string): ImportReport {
  const graph = format === 'gexf' ? parseGexf(text) : parseGraphJson(text);
  return importGraph(kg, graph, origin);
}
