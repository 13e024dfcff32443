/**
 * `KnowledgeGraph`: one namespace's graph in memory — a graphology `MultiDirectedGraph` of entities and
 * relations with an `EntityIndex` for look-ups — and the operations on it: de-duplicating upserts,
 * relations with provenance, edit, delete, merge, split, and all-or-nothing fact batches. Writes are
 * synchronous in memory; the store persists them incrementally (see `knowledge-store.ts`), `flush()` waits.
 */
import { MultiDirectedGraph } from 'graphology';
import { InvalidRequestError } from '../errors';
import { EntityIndex } from './entity-index';
import {
  cleanLabel, normaliseLabel, normalisePredicate,
  type Entity, type EntityAttributes, type EntityInput, type Namespace, type Provenance, type Relation, type RelationAttributes,
} from './entities';

/** The graphology graph type used for every namespace. */
export type EntityGraph = MultiDirectedGraph<EntityAttributes, RelationAttributes>;

/** One fact to write: subject –predicate→ object, with where it came from. */
export interface FactInput {
  subject: EntityInput;
  predicate: string;
  object: EntityInput;
  confidence?: number | undefined;
  provenance?: Provenance | undefined;
}

/** Options of `addRelation`. */
export interface RelationOptions {
  confidence?: number | undefined;
  provenance?: Provenance | undefined;
  /** Id for a new relation if that id is free (imports keep their ids). */
  preferredId?: string | undefined;
}

/** At most this many provenance entries are kept per relation (the oldest are dropped). */
export const MAX_PROVENANCE = 32;

const DEFAULT_TYPE = 'thing';

function newId(): string {
  return crypto.randomUUID();
}

function checkConfidence(c: number | undefined): number {
  if (c === undefined) return 1;
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) {
    throw new InvalidRequestError('confidence must be a number in [0, 1]', { confidence: String(c) });
  }
  return c;
}

function cleanType(type: string | undefined): string {
  const t = normaliseLabel(type ?? '').slice(0, 40);
  return t || DEFAULT_TYPE;
}

/** One namespace's knowledge graph in memory, with its name index and the model's operations. */
export class KnowledgeGraph {
  /** The in-memory graph. Mutate it through this class; direct graphology edits are persisted too. */
  readonly graph: EntityGraph;
  /** Name look-up (exact, alias, fuzzy) over the entities of this namespace. */
  readonly index = new EntityIndex();

  /**
   * @param ns the namespace this graph belongs to
   * @param graph a graph (already holding the loaded entities and relations)
   * @param persist waits until every change so far is in IndexedDB (`KnowledgeStore` provides it)
   * @param now the clock (injected for tests)
   */
  constructor(
    readonly ns: Namespace,
    graph: EntityGraph = new MultiDirectedGraph(),
    private readonly persist: () => Promise<void> = async () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.graph = graph;
    graph.forEachNode((id, a) => this.index.set(id, a.label, a.aliases));
    graph.on('nodeAdded', ({ key, attributes }) => this.index.set(key, attributes.label, attributes.aliases));
    graph.on('nodeAttributesUpdated', ({ key }) => {
      const a = graph.getNodeAttributes(key);
      this.index.set(key, a.label, a.aliases);
    });
    graph.on('eachNodeAttributesUpdated', () => graph.forEachNode((id, a) => this.index.set(id, a.label, a.aliases)));
    graph.on('nodeDropped', ({ key }) => this.index.delete(key));
    graph.on('cleared', () => this.index.clear());
  }

  /** Resolves when every change made so far is stored in IndexedDB. */
  flush(): Promise<void> {
    return this.persist();
  }

  /** The entity with this id. */
  entity(id: string): Entity | undefined {
    return this.graph.hasNode(id) ? { id, ...this.graph.getNodeAttributes(id) } : undefined;
  }

  /** The relation with this id. */
  relation(id: string): Relation | undefined {
    if (!this.graph.hasEdge(id)) return undefined;
    return { id, source: this.graph.source(id), target: this.graph.target(id), ...this.graph.getEdgeAttributes(id) };
  }

  /** Every relation into or out of an entity. */
  relationsOf(id: string): Relation[] {
    return this.graph.hasNode(id) ? this.graph.edges(id).map((e) => this.relation(e)!) : [];
  }

  /** The entity whose normalised label or alias equals `name` (the first one if several). */
  findEntity(name: string): Entity | undefined {
    const id = this.index.lookup(name)[0];
    return id === undefined ? undefined : this.entity(id);
  }

  /**
   * Find the entity named like `input` (label or any alias, normalised) or create it. A found entity
   * gains the input's new aliases, and its type if it had none.
   * @param preferredId id for a new entity if that id is free (imports keep their ids)
   * @returns the entity id
   */
  upsertEntity(input: EntityInput, preferredId?: string): string {
    const { label, type, aliases } = this.cleanEntity(input);
    const names = [label, ...aliases];
    const candidates = names.flatMap((n) => this.index.lookup(n));
    const id = candidates.find((c) => type === DEFAULT_TYPE || this.graph.getNodeAttribute(c, 'type') === type) ?? candidates[0];
    if (id === undefined) return this.createEntity(label, type, aliases, preferredId);
    const a = this.graph.getNodeAttributes(id);
    const known = new Set([normaliseLabel(a.label), ...a.aliases.map(normaliseLabel)]);
    const added: string[] = [];
    for (const n of names) {
      if (!known.has(normaliseLabel(n))) { known.add(normaliseLabel(n)); added.push(n); }
    }
    const newType = a.type === DEFAULT_TYPE && type !== DEFAULT_TYPE ? type : a.type;
    if (added.length > 0 || newType !== a.type) {
      this.graph.mergeNodeAttributes(id, { aliases: [...a.aliases, ...added], type: newType, updatedAt: this.now() });
    }
    return id;
  }

  /** Change an entity's label, type or aliases. */
  updateEntity(id: string, patch: Partial<EntityInput>): void {
    const a = this.requireEntity(id);
    const next = this.cleanEntity({ label: patch.label ?? a.label, type: patch.type ?? a.type, aliases: patch.aliases ?? a.aliases });
    this.graph.mergeNodeAttributes(id, { ...next, updatedAt: this.now() });
  }

  /** Delete an entity and every relation touching it. */
  deleteEntity(id: string): void {
    this.requireEntity(id);
    this.graph.dropNode(id);
  }

  /**
   * Add `subject –predicate→ object`. The same triple stated again (same endpoints and normalised
   * predicate) is one relation: its provenance grows and its confidence is the highest seen.
   * @returns the relation id
   */
  addRelation(subjectId: string, predicate: string, objectId: string, options: RelationOptions = {}): string {
    this.requireEntity(subjectId);
    this.requireEntity(objectId);
    const pred = this.cleanPredicate(predicate);
    const confidence = checkConfidence(options.confidence);
    const prov = options.provenance ? [options.provenance] : [];
    const existing = this.graph.edges(subjectId, objectId).find((e) => this.graph.getEdgeAttribute(e, 'predicate') === pred);
    if (existing !== undefined) {
      this.absorb(existing, confidence, prov);
      return existing;
    }
    const at = this.now();
    const id = options.preferredId && !this.graph.hasEdge(options.preferredId) ? options.preferredId : newId();
    return this.graph.addEdgeWithKey(id, subjectId, objectId, { predicate: pred, confidence, provenance: prov, createdAt: at, updatedAt: at }) as string;
  }

  /** Change a relation's predicate or confidence. */
  updateRelation(id: string, patch: { predicate?: string; confidence?: number }): void {
    const a = this.requireRelation(id);
    this.graph.mergeEdgeAttributes(id, {
      predicate: patch.predicate === undefined ? a.predicate : this.cleanPredicate(patch.predicate),
      confidence: patch.confidence === undefined ? a.confidence : checkConfidence(patch.confidence),
      updatedAt: this.now(),
    });
  }

  /** Delete one relation. */
  deleteRelation(id: string): void {
    this.requireRelation(id);
    this.graph.dropEdge(id);
  }

  /**
   * Merge entity `dropId` into `keepId`: its label and aliases become aliases of `keepId`, its relations
   * move over (joining an identical relation of `keepId` where one exists), and `dropId` is deleted.
   */
  merge(keepId: string, dropId: string): void {
    const keep = this.requireEntity(keepId);
    const drop = this.requireEntity(dropId);
    if (keepId === dropId) return;
    const known = new Set([normaliseLabel(keep.label), ...keep.aliases.map(normaliseLabel)]);
    const aliases = [...keep.aliases];
    for (const name of [drop.label, ...drop.aliases]) {
      if (!known.has(normaliseLabel(name))) { known.add(normaliseLabel(name)); aliases.push(name); }
    }
    this.graph.mergeNodeAttributes(keepId, {
      aliases, type: keep.type === DEFAULT_TYPE ? drop.type : keep.type, updatedAt: this.now(),
    });
    for (const e of this.graph.edges(dropId)) this.moveEdge(e, dropId, keepId);
    this.graph.dropNode(dropId);
  }

  /**
   * Split an entity: create a new entity from `input` and move the listed relations (which must touch
   * `id`) to it. Names of `input` that were aliases of `id` are removed from it.
   * @returns the new entity's id
   */
  split(id: string, input: EntityInput, relationIds: readonly string[]): string {
    const a = this.requireEntity(id);
    for (const r of relationIds) {
      this.requireRelation(r);
      if (!this.graph.extremities(r).includes(id)) throw new InvalidRequestError(`Relation ${r} does not touch ${id}`, { id, relation: r });
    }
    const clean = this.cleanEntity(input);
    const moved = new Set([clean.label, ...clean.aliases].map(normaliseLabel));
    const created = this.createEntity(clean.label, clean.type, clean.aliases);
    this.graph.mergeNodeAttributes(id, { aliases: a.aliases.filter((x) => !moved.has(normaliseLabel(x))), updatedAt: this.now() });
    for (const r of relationIds) this.moveEdge(r, id, created);
    return created;
  }

  /**
   * Write a batch of facts all together or not at all: every fact is validated before anything changes,
   * so a bad fact leaves the graph untouched. Persisted in one IndexedDB transaction by the next flush.
   * @returns the relation ids, one per fact
   */
  applyFacts(facts: readonly FactInput[]): string[] {
    for (const f of facts) {
      this.cleanEntity(f.subject);
      this.cleanEntity(f.object);
      this.cleanPredicate(f.predicate);
      checkConfidence(f.confidence);
    }
    return facts.map((f) => {
      const s = this.upsertEntity(f.subject);
      const o = this.upsertEntity(f.object);
      return this.addRelation(s, f.predicate, o, { confidence: f.confidence, provenance: f.provenance });
    });
  }

  private createEntity(label: string, type: string, aliases: string[], preferredId?: string): string {
    const at = this.now();
    const id = preferredId && !this.graph.hasNode(preferredId) ? preferredId : newId();
    return this.graph.addNode(id, { label, type, aliases, createdAt: at, updatedAt: at }) as string;
  }

  /** Re-attach edge `e` from entity `from` to entity `to` (graphology edges cannot change ends). */
  private moveEdge(e: string, from: string, to: string): void {
    const attrs = this.graph.getEdgeAttributes(e);
    const [s, t] = this.graph.extremities(e);
    const source = s === from ? to : s;
    const target = t === from ? to : t;
    this.graph.dropEdge(e);
    const twin = this.graph.edges(source, target).find((x) => this.graph.getEdgeAttribute(x, 'predicate') === attrs.predicate);
    if (twin !== undefined) this.absorb(twin, attrs.confidence, attrs.provenance);
    else this.graph.addEdgeWithKey(e, source, target, { ...attrs, updatedAt: this.now() });
  }

  private absorb(edge: string, confidence: number, provenance: readonly Provenance[]): void {
    const a = this.graph.getEdgeAttributes(edge);
    const same = (p: Provenance, q: Provenance) => p.sourceId === q.sourceId && p.start === q.start && p.end === q.end;
    const fresh = provenance.filter((p) => !a.provenance.some((q) => same(p, q)));
    this.graph.mergeEdgeAttributes(edge, {
      confidence: Math.max(a.confidence, confidence),
      provenance: [...a.provenance, ...fresh].slice(-MAX_PROVENANCE),
      updatedAt: this.now(),
    });
  }

  private cleanEntity(input: EntityInput): { label: string; type: string; aliases: string[] } {
    const label = cleanLabel(String(input?.label ?? ''));
    if (!normaliseLabel(label)) throw new InvalidRequestError('An entity needs a non-empty label', { label: String(input?.label) });
    // Aliases: cleaned, non-empty, distinct after normalisation, and never the label itself.
    const seen = new Set([normaliseLabel(label)]);
    const aliases: string[] = [];
    for (const raw of input.aliases ?? []) {
      const alias = cleanLabel(String(raw));
      const key = normaliseLabel(alias);
      if (key && !seen.has(key)) { seen.add(key); aliases.push(alias); }
    }
    return { label, type: cleanType(input.type), aliases };
  }

  private cleanPredicate(predicate: string): string {
    const p = normalisePredicate(String(predicate ?? ''));
    if (!p) throw new InvalidRequestError('A relation needs a non-empty predicate', { predicate: String(predicate) });
    return p;
  }

  private requireEntity(id: string): EntityAttributes {
    if (!this.graph.hasNode(id)) throw new InvalidRequestError(`No entity ${id} in ${this.ns}`, { id, ns: this.ns });
    return this.graph.getNodeAttributes(id);
  }

  private requireRelation(id: string): RelationAttributes {
    if (!this.graph.hasEdge(id)) throw new InvalidRequestError(`No relation ${id} in ${this.ns}`, { id, ns: this.ns });
    return this.graph.getEdgeAttributes(id);
  }
}
