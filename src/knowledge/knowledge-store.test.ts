import { afterEach, describe, expect, test } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { KnowledgeStore } from './knowledge-store';
import { GraphStorageError, InvalidRequestError } from '../errors';
import type { Provenance } from './entities';

const dbs: string[] = [];
function dbName() {
  const name = `llmos-knowledge-test-${crypto.randomUUID()}`;
  dbs.push(name);
  return name;
}
afterEach(async () => {
  for (const name of dbs.splice(0)) await deleteDB(name);
});

const prov = (sourceId: string, start: number, end: number): Provenance => ({ kind: 'document', sourceId, start, end, at: 1700 });

/** Count the records a flush writes, by watching the real IDBObjectStore methods. */
async function countWrites(run: () => Promise<void>) {
  const put = IDBObjectStore.prototype.put, del = IDBObjectStore.prototype.delete;
  const seen = { put: [] as string[], delete: 0 };
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    seen.put.push(this.name);
    return put.apply(this, args);
  };
  IDBObjectStore.prototype.delete = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['delete']>) {
    seen.delete++;
    return del.apply(this, args);
  };
  try {
    await run();
  } finally {
    IDBObjectStore.prototype.put = put;
    IDBObjectStore.prototype.delete = del;
  }
  return seen;
}

describe('KnowledgeStore persistence (real IndexedDB)', () => {
  test('a graph survives closing and reopening the database, attributes and ids intact', async () => {
    const name = dbName();
    const store = await KnowledgeStore.open({ dbName: name });
    const kg = await store.graph('user');
    const [r1, r2] = kg.applyFacts([
      { subject: { label: 'Alice', type: 'person', aliases: ['Al'] }, predicate: 'works at', object: { label: 'Acme', type: 'organisation' }, confidence: 0.9, provenance: prov('doc-1', 0, 20) },
      { subject: { label: 'Acme' }, predicate: 'located in', object: { label: 'Paris' }, confidence: 0.6, provenance: prov('doc-1', 21, 44) },
    ]);
    const before = { nodes: kg.graph.export().nodes, edges: kg.graph.export().edges };
    await store.close();

    const reopened = await KnowledgeStore.open({ dbName: name });
    const again = await reopened.graph('user');
    expect(again.graph.order).toBe(3);
    expect(again.graph.size).toBe(2);
    const sortByKey = <T extends { key?: string }>(xs: T[]) => [...xs].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
    expect(sortByKey(again.graph.export().nodes)).toEqual(sortByKey(before.nodes));
    expect(sortByKey(again.graph.export().edges.map(({ undirected: _u, ...e }) => e)))
      .toEqual(sortByKey(before.edges.map(({ undirected: _u, ...e }) => e)));
    expect(again.relation(r1!)).toMatchObject({ predicate: 'works at', confidence: 0.9, provenance: [prov('doc-1', 0, 20)] });
    expect(again.relation(r2!)!.provenance[0]).toEqual(prov('doc-1', 21, 44));
    // The index is rebuilt on load: look-ups by alias work after the reload.
    expect(again.findEntity('al')!.label).toBe('Alice');
    await reopened.close();
  });

  test('writes are incremental: one changed entity writes one record, not the graph', async () => {
    const store = await KnowledgeStore.open({ dbName: dbName() });
    const kg = await store.graph('user');
    kg.applyFacts(Array.from({ length: 50 }, (_, i) => ({ subject: { label: `person ${i}` }, predicate: 'knows', object: { label: `person ${i + 1}` } })));
    const first = await countWrites(() => kg.flush());
    expect(first.put.filter((s) => s === 'nodes')).toHaveLength(51);
    expect(first.put.filter((s) => s === 'edges')).toHaveLength(50);

    const id = kg.findEntity('person 7')!.id;
    const one = await countWrites(async () => { kg.updateEntity(id, { type: 'person' }); await kg.flush(); });
    expect(one.put).toEqual(['nodes']);

    // Deleting an entity deletes it and its two relations, and nothing else.
    const del = await countWrites(async () => { kg.deleteEntity(id); await kg.flush(); });
    expect(del.put).toEqual([]);
    expect(del.delete).toBe(3);
    // Nothing pending: a flush writes nothing.
    const none = await countWrites(() => kg.flush());
    expect(none.put).toEqual([]);
    expect(await store.pendingWrites()).toBe(0);
    await store.close();
  });

  test('changes are written without an explicit flush (batched on the next task)', async () => {
    const name = dbName();
    const store = await KnowledgeStore.open({ dbName: name, flushDelayMs: 5 });
    const kg = await store.graph('app:notes');
    kg.upsertEntity({ label: 'Auto saved' });
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.pendingWrites()).toBe(0);
    // Read IndexedDB directly with idb: the record is there.
    const raw = await openDB(name);
    const all = await raw.getAll('nodes');
    raw.close();
    expect(all.map((n) => [n.ns, n.label])).toEqual([['app:notes', 'Auto saved']]);
    await store.close();
  });

  test('namespaces are isolated from one another, in memory and on disk', async () => {
    const name = dbName();
    const store = await KnowledgeStore.open({ dbName: name });
    const user = await store.graph('user');
    const app = await store.graph('app:support');
    user.applyFacts([{ subject: { label: 'Alice' }, predicate: 'likes', object: { label: 'Tea' } }]);
    app.applyFacts([{ subject: { label: 'Alice' }, predicate: 'ordered', object: { label: 'Widget' } }]);
    expect(user.findEntity('Widget')).toBeUndefined();
    expect(app.findEntity('Tea')).toBeUndefined();
    expect(user.findEntity('Alice')!.id).not.toBe(app.findEntity('Alice')!.id);
    await store.close();

    const reopened = await KnowledgeStore.open({ dbName: name });
    const user2 = await reopened.graph('user');
    const app2 = await reopened.graph('app:support');
    const other = await reopened.graph('app:other');
    expect(user2.graph.edges().map((e) => user2.graph.getEdgeAttribute(e, 'predicate'))).toEqual(['likes']);
    expect(app2.graph.edges().map((e) => app2.graph.getEdgeAttribute(e, 'predicate'))).toEqual(['ordered']);
    expect(other.graph.order).toBe(0);
    // Deleting one namespace leaves the other.
    await reopened.deleteNamespace('app:support');
    await expect(app2.flush()).rejects.toBeInstanceOf(GraphStorageError);
    expect((await reopened.graph('app:support')).graph.order).toBe(0);
    expect((await reopened.graph('user')).graph.order).toBe(2);
    await reopened.close();
    const third = await KnowledgeStore.open({ dbName: name });
    expect((await third.graph('app:support')).graph.order).toBe(0);
    expect((await third.graph('user')).graph.order).toBe(2);
    await third.close();
  });

  test('records are compact (provenance as JSON text); a damaged one loads without provenance', async () => {
    const name = dbName();
    const store = await KnowledgeStore.open({ dbName: name });
    const kg = await store.graph('user');
    const [rel] = kg.applyFacts([{ subject: { label: 'A' }, predicate: 'p', object: { label: 'B' }, provenance: prov('d', 1, 2) }]);
    await store.close();
    const raw = await openDB(name);
    const record = await raw.get('edges', ['user', rel!]);
    expect(record.provenance).toBe(JSON.stringify([prov('d', 1, 2)]));
    await raw.put('edges', { ...record, provenance: '[{broken' });
    raw.close();
    const again = await KnowledgeStore.open({ dbName: name });
    expect((await again.graph('user')).relation(rel!)).toMatchObject({ predicate: 'p', provenance: [] });
    await again.close();
  });

  test('invalid namespaces are rejected with a typed error', async () => {
    const store = await KnowledgeStore.open({ dbName: dbName() });
    await expect(store.graph('admin' as never)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.graph('app:../x' as never)).rejects.toBeInstanceOf(InvalidRequestError);
    await store.close();
    await expect(store.graph('user')).rejects.toBeInstanceOf(GraphStorageError);
  });

  test('merge, split and direct graphology edits persist across a reload', async () => {
    const name = dbName();
    const store = await KnowledgeStore.open({ dbName: name });
    const kg = await store.graph('user');
    const [, r2] = kg.applyFacts([
      { subject: { label: 'Bob' }, predicate: 'lives in', object: { label: 'Oslo' } },
      { subject: { label: 'Robert' }, predicate: 'plays', object: { label: 'Chess' } },
    ]);
    const bob = kg.findEntity('Bob')!.id;
    kg.merge(bob, kg.findEntity('Robert')!.id);
    const oslo = kg.findEntity('Oslo')!.id;
    const chessPlayer = kg.split(bob, { label: 'Robert the player' }, [r2!]);
    kg.graph.setNodeAttribute(oslo, 'type', 'place'); // a direct graphology edit is tracked too
    await store.close();

    const reopened = await KnowledgeStore.open({ dbName: name });
    const again = await reopened.graph('user');
    expect(again.entity(bob)!.aliases).toEqual(['Robert']);
    expect(again.relation(r2!)!.source).toBe(chessPlayer);
    expect(again.entity(oslo)!.type).toBe('place');
    expect(again.graph.order).toBe(4);
    await reopened.close();
  });
});
