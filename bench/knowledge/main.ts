/**
 * Knowledge-graph benchmark, in real Chromium against real IndexedDB, on a synthetic graph of 20,000
 * entities and 100,000 relations:
 *  - incremental write throughput: facts written in batches of 1,000 (one transaction each), and single
 *    facts each flushed on its own, side by side with rewriting the whole graph as one JSON blob (what
 *    incremental persistence avoids);
 *  - load from IndexedDB into graphology (+ the name index), and the raw IndexedDB read alone;
 *  - JS heap held by the loaded graph (forced GC and heap usage over the DevTools protocol, see run.ts);
 *  - retrieval latency (link mentions → 2-hop neighbourhood → personalised PageRank → cited context)
 *    over 400 queries: exact names, names with a typo, and questions naming nothing. Goal p95 ≤ 20 ms.
 */
import { deleteDB, openDB } from 'idb';
import { KnowledgeStore } from '../../src/knowledge/knowledge-store';
import { namespaceRange, openKnowledgeDb } from '../../src/knowledge/graph-schema';
import { retrieve } from '../../src/knowledge/retrieve';
import { linkMentions } from '../../src/knowledge/link';
import { log, median, publish } from '../lib/page-utils';
import { entityLabels, rng, syntheticFacts, typo } from './synthetic';

// `?quick` runs a tenth of the size (a smoke test of the page itself).
const SCALE = new URLSearchParams(location.search).has('quick') ? 0.1 : 1;
const ENTITIES = 20_000 * SCALE;
const EDGES = 100_000 * SCALE;
const BATCH = 1_000;
const SINGLE_WRITES = 200;
const QUERIES = 400;
const DB = 'llmos-knowledge-bench';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Used JS heap after a forced GC, from the runner over the DevTools protocol (NaN when run alone). */
async function heapBytes(): Promise<number> {
  const probe = (globalThis as { __heapUsed?: () => Promise<number> }).__heapUsed;
  return probe ? probe() : NaN;
}

async function run() {
  await deleteDB(DB);
  await deleteDB(`${DB}-blob`);
  const random = rng(42);
  const labels = entityLabels(ENTITIES, random);
  const facts = syntheticFacts(labels, EDGES, random);

  // 1. Incremental writes, batched: the whole synthetic graph, 1,000 facts per transaction.
  const store = await KnowledgeStore.open({ dbName: DB });
  const kg = await store.graph('user');
  const tBatch = performance.now();
  for (let i = 0; i < facts.length; i += BATCH) {
    kg.applyFacts(facts.slice(i, i + BATCH));
    await kg.flush();
  }
  const batchMs = performance.now() - tBatch;
  log(`wrote ${kg.graph.order} entities, ${kg.graph.size} relations in ${batchMs.toFixed(0)} ms`);

  // 2. Single facts, each its own flush, on the full graph; vs rewriting the whole graph as one blob.
  const single: number[] = [];
  for (let i = 0; i < SINGLE_WRITES; i++) {
    const t = performance.now();
    kg.applyFacts([{ subject: { label: labels[i * 7]! }, predicate: 'noted with', object: { label: `Note ${i}` }, confidence: 0.8 }]);
    await kg.flush();
    single.push(performance.now() - t);
  }
  const blobDb = await openDB(`${DB}-blob`, 1, { upgrade: (db) => { db.createObjectStore('blob'); } });
  const blob: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await blobDb.put('blob', JSON.stringify(kg.graph.export()), 'graph');
    blob.push(performance.now() - t);
  }
  blobDb.close();
  const order = kg.graph.order, size = kg.graph.size;
  await store.close();

  // 3. Load: the raw IndexedDB read alone, then the real load (read + graphology + name index), twice.
  const raw: number[] = [], load: number[] = [];
  {
    const db = await openKnowledgeDb(DB);
    const t0 = performance.now();
    const tx = db.transaction(['nodes', 'edges']);
    await Promise.all([tx.objectStore('nodes').getAll(namespaceRange('user')), tx.objectStore('edges').getAll(namespaceRange('user'))]);
    raw.push(performance.now() - t0);
    db.close();
  }
  let heapGraph = NaN;
  let loaded: KnowledgeStore | null = null;
  for (let r = 0; r < 2; r++) {
    await loaded?.close();
    const before = await heapBytes();
    loaded = await KnowledgeStore.open({ dbName: DB });
    const t1 = performance.now();
    const gr = await loaded.graph('user');
    load.push(performance.now() - t1);
    if (gr.graph.size !== size || gr.graph.order !== order) throw new Error('reloaded graph differs');
    // The first load, from nothing loaded: the heap the graph holds. (Later loads overlap with the old one
    // until V8 lets it go, so their difference says nothing.)
    if (r === 0) heapGraph = (await heapBytes()) - before;
  }
  const g = await loaded!.graph('user');

  // 4. Retrieval latency.
  const qr = rng(7);
  const queries = Array.from({ length: QUERIES }, (_, i) => {
    const label = labels[Math.floor(qr() * ENTITIES)]!;
    if (i % 10 < 7) return { kind: 'exact', text: `What do you know about ${label}?` };
    if (i % 10 < 9) return { kind: 'typo', text: `Tell me about ${typo(label, qr)} please` };
    return { kind: 'none', text: 'What is the weather like today?' };
  });
  for (const q of queries.slice(0, 20)) retrieve(g, q.text); // warm-up
  const times: Record<string, number[]> = { exact: [], typo: [], none: [], all: [], link: [] };
  let facts0 = 0, hits = 0;
  for (const q of queries) {
    const t = performance.now();
    const r = retrieve(g, q.text, { hops: 2, maxNodes: 500, tokenBudget: 512 });
    const dt = performance.now() - t;
    times[q.kind]!.push(dt);
    times.all!.push(dt);
    if (r.context.facts.length > 0) hits++;
    facts0 += r.context.facts.length;
    const t2 = performance.now();
    linkMentions(g.index, q.text);
    times.link!.push(performance.now() - t2);
  }
  await loaded!.close();
  await deleteDB(DB);
  await deleteDB(`${DB}-blob`);

  const singleMed = median(single), blobMed = median(blob);
  const rows = [
    { metric: 'graph size', value: `${order} entities, ${size} relations`, goal: '100,000 relations' },
    { metric: 'batched write (1,000 facts/tx)', value: `${round(EDGES / (batchMs / 1000), 0)} facts/s (${round(batchMs / 1000, 1)} s total)`, goal: '' },
    { metric: 'single fact write + flush, median / p95', value: `${round(singleMed)} / ${round(pct(single, 95))} ms`, goal: '' },
    { metric: 'whole-graph blob rewrite, median', value: `${round(blobMed, 0)} ms`, goal: '(avoided)' },
    { metric: 'blob rewrite ÷ incremental single write', value: `${round(blobMed / singleMed, 0)}×`, goal: '' },
    { metric: 'IndexedDB read only', value: `${round(median(raw), 0)} ms`, goal: '' },
    { metric: 'load into graphology + index, median', value: `${round(median(load), 0)} ms`, goal: '' },
    { metric: 'JS heap held by the loaded graph', value: `${round(heapGraph / 2 ** 20, 1)} MiB`, goal: '' },
    { metric: 'retrieval p50 / p95 / p99 (all)', value: `${round(median(times.all!))} / ${round(pct(times.all!, 95))} / ${round(pct(times.all!, 99))} ms`, goal: 'p95 ≤ 20 ms' },
    { metric: 'retrieval p95 exact / typo / none', value: `${round(pct(times.exact!, 95))} / ${round(pct(times.typo!, 95))} / ${round(pct(times.none!, 95))} ms`, goal: '' },
    { metric: 'linking alone p95', value: `${round(pct(times.link!, 95))} ms`, goal: '' },
    { metric: 'queries with context / facts per context', value: `${hits}/${QUERIES} / ${round(facts0 / Math.max(hits, 1), 1)}`, goal: '' },
  ];
  const summary = {
    entities: order, relations: size,
    batchedFactsPerSec: round(EDGES / (batchMs / 1000), 0),
    singleWriteMedianMs: round(singleMed), singleWriteP95Ms: round(pct(single, 95)),
    blobRewriteMedianMs: round(blobMed, 0), blobOverIncremental: round(blobMed / singleMed, 1),
    idbReadMedianMs: round(median(raw), 0), loadMedianMs: round(median(load), 0),
    heapMiB: round(heapGraph / 2 ** 20, 1),
    retrievalP50Ms: round(median(times.all!)), retrievalP95Ms: round(pct(times.all!, 95)), retrievalP99Ms: round(pct(times.all!, 99)),
    retrievalMaxMs: round(Math.max(...times.all!)),
    retrievalP95ExactMs: round(pct(times.exact!, 95)), retrievalP95TypoMs: round(pct(times.typo!, 95)),
    linkP95Ms: round(pct(times.link!, 95)),
    queriesWithContext: hits,
  };
  document.getElementById('out')!.textContent = JSON.stringify(summary, null, 2);
  publish({ rows, summary, samples: { single, blob, raw, load } });
}

run().catch((e) => publish({ rows: [], summary: {}, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }));
