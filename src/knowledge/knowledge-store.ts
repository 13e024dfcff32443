/**
 * `KnowledgeStore`: the knowledge graphs of every namespace, persisted incrementally to IndexedDB.
 * A namespace is loaded once (two key-range reads) into a `KnowledgeGraph`; from then on graphology's
 * change events mark entities and relations dirty, and a flush writes only those records — puts and
 * deletes of both stores in one transaction. The whole graph is never rewritten as one blob.
 */
import { MultiDirectedGraph } from 'graphology';
import { GraphStorageError, InvalidRequestError, LlmOsError, StorageQuotaError } from '../errors';
import {
  fromEdgeRecord, fromNodeRecord, namespaceRange, openKnowledgeDb, toEdgeRecord, toNodeRecord,
  type EdgeRecord, type KnowledgeDb, type NodeRecord,
} from './graph-schema';
import { KnowledgeGraph, type EntityGraph } from './knowledge-graph';
import { isNamespace, type EntityAttributes, type Namespace, type RelationAttributes } from './entities';

/** Options of `KnowledgeStore.open`. */
export interface KnowledgeStoreOptions {
  /** IndexedDB database name (tests use their own). Default `llmos-knowledge`. */
  dbName?: string;
  /** Changes made within this many ms are written together. Default 0 (the next task). */
  flushDelayMs?: number;
  /** The clock stamped on entities and relations. */
  now?: () => number;
  /** Called when a background flush fails (the changes stay pending and are retried by the next flush). */
  onError?: (error: LlmOsError) => void;
}

function storageError(e: unknown, ns: Namespace): LlmOsError {
  if (e instanceof LlmOsError) return e;
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  const message = e instanceof Error || e instanceof DOMException ? e.message : String(e);
  if (name === 'QuotaExceededError') return new StorageQuotaError(`Knowledge graph ${ns}: storage is full`, { ns }, { cause: e });
  return new GraphStorageError(`Knowledge graph ${ns}: ${message || name || 'IndexedDB failed'}`, { ns, cause: name }, { cause: e });
}

/** Tracks which records of one namespace changed and writes just those. */
class GraphPersister {
  private nodes = new Set<string>();
  private edges = new Set<string>();
  private full = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly db: KnowledgeDb,
    private readonly ns: Namespace,
    private readonly graph: EntityGraph,
    private readonly delayMs: number,
    private readonly onError: (e: LlmOsError) => void,
  ) {
    const node = ({ key }: { key: string }) => this.mark(this.nodes, key);
    const edge = ({ key }: { key: string }) => this.mark(this.edges, key);
    const all = () => {
      if (this.disposed) return;
      this.full = true;
      this.schedule();
    };
    graph.on('nodeAdded', node);
    graph.on('nodeDropped', node);
    graph.on('nodeAttributesUpdated', node);
    graph.on('edgeAdded', edge);
    graph.on('edgeDropped', edge);
    graph.on('edgeAttributesUpdated', edge);
    graph.on('eachNodeAttributesUpdated', all);
    graph.on('eachEdgeAttributesUpdated', all);
    graph.on('cleared', all);
    graph.on('edgesCleared', all);
  }

  /** Records waiting to be written. */
  get pending(): number {
    return this.nodes.size + this.edges.size + (this.full ? 1 : 0);
  }

  private mark(set: Set<string>, key: string): void {
    if (this.disposed) return;
    set.add(key);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((e: LlmOsError) => this.onError(e));
    }, this.delayMs);
  }

  /** Write every change made so far (flushes run one after another, in order). */
  flush(): Promise<void> {
    if (this.disposed) return Promise.reject(new GraphStorageError(`Knowledge graph ${this.ns} is closed or deleted`, { ns: this.ns }));
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.writing.catch(() => undefined).then(() => this.write());
    this.writing = run;
    return run;
  }

  private async write(): Promise<void> {
    if (this.pending === 0) return;
    const nodes = this.nodes, edges = this.edges, full = this.full;
    this.nodes = new Set();
    this.edges = new Set();
    this.full = false;
    const { graph, ns } = this;
    try {
      const tx = this.db.transaction(['nodes', 'edges'], 'readwrite');
      const nodeStore = tx.objectStore('nodes');
      const edgeStore = tx.objectStore('edges');
      const ops: Promise<unknown>[] = [];
      if (full) {
        // A bulk graphology operation (clear, updateEach…) changed everything: resync the namespace.
        ops.push(nodeStore.delete(namespaceRange(ns)), edgeStore.delete(namespaceRange(ns)));
        graph.forEachNode((id, a) => void ops.push(nodeStore.put(toNodeRecord(ns, id, a))));
        graph.forEachEdge((id, a, source, target) => void ops.push(edgeStore.put(toEdgeRecord(ns, id, source, target, a))));
      } else {
        for (const id of nodes) {
          ops.push(graph.hasNode(id) ? nodeStore.put(toNodeRecord(ns, id, graph.getNodeAttributes(id))) : nodeStore.delete([ns, id]));
        }
        for (const id of edges) {
          ops.push(graph.hasEdge(id)
            ? edgeStore.put(toEdgeRecord(ns, id, graph.source(id), graph.target(id), graph.getEdgeAttributes(id)))
            : edgeStore.delete([ns, id]));
        }
      }
      await Promise.all([...ops, tx.done]);
    } catch (e) {
      // Nothing of this batch was committed (one transaction): keep it pending for the next flush.
      for (const id of nodes) this.nodes.add(id);
      for (const id of edges) this.edges.add(id);
      this.full ||= full;
      throw storageError(e, ns);
    }
  }

  /** Stop persisting: later changes stay in memory only; pending ones are dropped unless flushed first. */
  dispose(): void {
    this.disposed = true;
    this.nodes.clear();
    this.edges.clear();
    this.full = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Every namespace's knowledge graph, backed by one IndexedDB database. */
export class KnowledgeStore {
  private readonly graphs = new Map<Namespace, Promise<{ kg: KnowledgeGraph; persister: GraphPersister }>>();
  private closed = false;

  private constructor(private readonly db: KnowledgeDb, private readonly options: KnowledgeStoreOptions) {}

  /** Open the database (creating or migrating it). */
  static async open(options: KnowledgeStoreOptions = {}): Promise<KnowledgeStore> {
    try {
      return new KnowledgeStore(await openKnowledgeDb(options.dbName), options);
    } catch (e) {
      throw storageError(e, 'user');
    }
  }

  /** The graph of one namespace, loaded from IndexedDB on first use. */
  async graph(ns: Namespace): Promise<KnowledgeGraph> {
    return (await this.entry(ns)).kg;
  }

  private entry(ns: Namespace) {
    if (!isNamespace(ns)) throw new InvalidRequestError(`Invalid namespace "${String(ns)}" (use "user" or "app:<id>")`, { ns: String(ns) });
    if (this.closed) throw new GraphStorageError('The knowledge store is closed', { ns });
    let entry = this.graphs.get(ns);
    if (!entry) {
      entry = this.load(ns);
      this.graphs.set(ns, entry);
      entry.catch(() => this.graphs.delete(ns));
    }
    return entry;
  }

  private async load(ns: Namespace) {
    let nodes: NodeRecord[], edges: EdgeRecord[];
    try {
      const tx = this.db.transaction(['nodes', 'edges'], 'readonly');
      [nodes, edges] = await Promise.all([
        tx.objectStore('nodes').getAll(namespaceRange(ns)),
        tx.objectStore('edges').getAll(namespaceRange(ns)),
      ]);
    } catch (e) {
      throw storageError(e, ns);
    }
    const graph: EntityGraph = new MultiDirectedGraph<EntityAttributes, RelationAttributes>();
    for (const r of nodes) graph.addNode(r.id, fromNodeRecord(r));
    for (const r of edges) {
      // An edge whose entity is missing (should not happen: both stores are written in one transaction).
      if (graph.hasNode(r.source) && graph.hasNode(r.target)) graph.addEdgeWithKey(r.id, r.source, r.target, fromEdgeRecord(r));
    }
    const onError = this.options.onError ?? ((e: LlmOsError) => console.error('[llmos knowledge]', e));
    const persister = new GraphPersister(this.db, ns, graph, this.options.flushDelayMs ?? 0, onError);
    const kg = new KnowledgeGraph(ns, graph, () => persister.flush(), this.options.now);
    return { kg, persister };
  }

  /** Write every pending change of every loaded namespace. */
  async flush(): Promise<void> {
    const entries = await Promise.all([...this.graphs.values()]);
    await Promise.all(entries.map((e) => e.persister.flush()));
  }

  /** Changes not yet written, over all loaded namespaces (records, roughly). */
  async pendingWrites(): Promise<number> {
    const entries = await Promise.all([...this.graphs.values()]);
    return entries.reduce((n, e) => n + e.persister.pending, 0);
  }

  /** Delete a namespace: its records in IndexedDB and its graph in memory. */
  async deleteNamespace(ns: Namespace): Promise<void> {
    const entry = await this.entry(ns);
    entry.persister.dispose();
    this.graphs.delete(ns);
    try {
      const tx = this.db.transaction(['nodes', 'edges'], 'readwrite');
      await Promise.all([tx.objectStore('nodes').delete(namespaceRange(ns)), tx.objectStore('edges').delete(namespaceRange(ns)), tx.done]);
    } catch (e) {
      throw storageError(e, ns);
    }
  }

  /** Flush everything and close the database. Graphs obtained before stay usable in memory only. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      for (const entry of await Promise.allSettled(this.graphs.values())) {
        if (entry.status === 'fulfilled') entry.value.persister.dispose();
      }
      this.graphs.clear();
      this.db.close();
    }
  }
}
