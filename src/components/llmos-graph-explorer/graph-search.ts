/**
 * Entity search for the explorer: exact and alias matches first, then labels containing the query,
 * then fuzzy (trigram) matches, without duplicates.
 * @internal
 */
import type { Entity } from '../../knowledge/entities';
import { normaliseLabel } from '../../knowledge/entities';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';

/** Up to `limit` entities matching `query`, best first. */
export function searchEntities(kg: KnowledgeGraph, query: string, limit = 20): Entity[] {
  const q = normaliseLabel(query);
  if (!q) return [];
  const ids: string[] = [];
  const add = (id: string) => { if (!ids.includes(id) && ids.length < limit) ids.push(id); };
  for (const id of kg.index.lookup(query)) add(id);
  // Substring scan: linear in entities, fine for the tens of thousands a browser graph holds.
  kg.graph.someNode((id, a) => {
    if (normaliseLabel(a.label).includes(q) || a.aliases.some((x) => normaliseLabel(x).includes(q))) add(id);
    return ids.length >= limit;
  });
  for (const hit of kg.index.fuzzy(query, 0.4, limit)) add(hit.id);
  return ids.map((id) => kg.entity(id)!);
}
