import { afterEach, describe, expect, test } from 'vitest';
import { deleteDB } from 'idb';
import './define';
import type { LlmosGraphExplorer } from './llmos-graph-explorer';
import type { LlmosGraphChangeEvent, LlmosGraphDeleteRequestEvent, LlmosGraphErrorEvent, LlmosGraphSelectEvent } from './graph-events';
import { KnowledgeStore } from '../../knowledge/knowledge-store';
import { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import { GraphImportError } from '../../errors';

const dbs: string[] = [];
afterEach(async () => {
  document.body.replaceChildren();
  for (const name of dbs.splice(0)) await deleteDB(name);
});

async function storeWithFacts() {
  const dbName = `llmos-explorer-test-${crypto.randomUUID()}`;
  dbs.push(dbName);
  const store = await KnowledgeStore.open({ dbName });
  const kg = await store.graph('user');
  kg.applyFacts([
    { subject: { label: 'Alice Liddell', type: 'person', aliases: ['Alice'] }, predicate: 'works at', object: { label: 'Acme' }, confidence: 0.9,
      provenance: { kind: 'message', sourceId: 'msg-42', start: 10, end: 52, at: Date.UTC(2026, 0, 2, 3, 4) } },
    { subject: { label: 'Acme' }, predicate: 'located in', object: { label: 'Paris' } },
    { subject: { label: 'Bob' }, predicate: 'knows', object: { label: 'Alice Liddell' } },
  ]);
  await kg.flush();
  return { store, kg, dbName };
}

async function mount(kg: KnowledgeGraph | null): Promise<LlmosGraphExplorer> {
  const el = document.createElement('llmos-graph-explorer');
  el.graph = kg;
  document.body.append(el);
  await el.updateComplete;
  await el.layoutComplete;
  return el;
}
const q = <T extends Element = HTMLElement>(el: LlmosGraphExplorer, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const qa = (el: LlmosGraphExplorer, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
async function settle(el: LlmosGraphExplorer) {
  await el.updateComplete;
  await el.layoutComplete;
  await el.updateComplete;
}
async function typeSearch(el: LlmosGraphExplorer, text: string) {
  const input = q<HTMLInputElement>(el, '[part="search"]')!;
  input.value = text;
  input.dispatchEvent(new InputEvent('input'));
  await el.updateComplete;
}

describe('<llmos-graph-explorer>', () => {
  test('search, select, and a force-laid-out neighbourhood in SVG', async () => {
    const { store, kg } = await storeWithFacts();
    const el = await mount(kg);
    expect(q(el, '[part="empty"]')!.textContent).toContain('Search for an entity');
    await typeSearch(el, 'alice');
    const hits = qa(el, '[part="results"] button');
    expect(hits.map((b) => b.textContent!.replace(/\s+/g, ' ').trim())).toEqual(['Alice Liddell person']);
    await typeSearch(el, 'Pariss'); // fuzzy
    expect(qa(el, '[part="results"] button').map((b) => b.dataset.id)).toEqual([kg.findEntity('Paris')!.id]);
    await typeSearch(el, 'alice');
    const selected: (string | null)[] = [];
    el.addEventListener('llmos-graph-select', (e: LlmosGraphSelectEvent) => selected.push(e.detail.id));
    qa(el, '[part="results"] button')[0]!.click();
    await settle(el);
    const alice = kg.findEntity('Alice')!.id;
    expect(selected).toEqual([alice]);
    expect(el.getAttribute('selected')).toBe(alice);
    expect(el.layoutMode).toBe('sync');
    // 1 hop: Alice, Acme, Bob and their two relations (Paris is 2 hops away).
    const nodes = qa(el, '[part~="node"]');
    expect(nodes.map((n) => n.textContent!.trim()).sort()).toEqual(['Acme', 'Alice Liddell', 'Bob']);
    expect(qa(el, '[part="edge"]')).toHaveLength(2);
    expect(q(el, '[part~="selected-node"]')!.dataset.id).toBe(alice);
    // Positions are spread inside the view box.
    const pos = nodes.map((n) => /translate\(([-\d.]+) ([-\d.]+)\)/.exec(n.getAttribute('transform')!)!.slice(1).map(Number));
    expect(new Set(pos.map(([x, y]) => `${Math.round(x!)},${Math.round(y!)}`)).size).toBe(3);
    for (const [x, y] of pos) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1000);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(640);
    }
    // Keyboard: Enter on a node selects it; two hops show Paris.
    const acme = nodes.find((n) => n.textContent!.trim() === 'Acme')!;
    acme.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    el.hops = 2;
    await settle(el);
    expect(el.selected).toBe(kg.findEntity('Acme')!.id);
    expect(qa(el, '[part~="node"]').map((n) => n.textContent!.trim()).sort()).toEqual(['Acme', 'Alice Liddell', 'Bob', 'Paris']);
    await store.close();
  });

  test('node detail shows provenance; an edit is stored and survives a reload', async () => {
    const { store, kg, dbName } = await storeWithFacts();
    const el = await mount(kg);
    const alice = kg.findEntity('Alice')!.id;
    el.select(alice);
    await settle(el);
    const detail = q(el, '[part="detail"]')!;
    expect(detail.querySelector('h3')!.textContent).toBe('Alice Liddell');
    expect(detail.textContent).toContain('message msg-42, chars 10–52, 2026-01-02 03:04');
    expect(detail.textContent).toContain('no recorded source'); // Bob knows Alice
    const changes: string[] = [];
    el.addEventListener('llmos-graph-change', (e: LlmosGraphChangeEvent) => changes.push(e.detail.action));
    const form = detail.querySelector('form')!;
    form.querySelector<HTMLInputElement>('[name="label"]')!.value = 'Alice P. Liddell';
    form.querySelector<HTMLInputElement>('[name="aliases"]')!.value = 'Alice, Ally';
    form.requestSubmit();
    await new Promise((r) => setTimeout(r, 50));
    await settle(el);
    expect(changes).toEqual(['edit']);
    expect(q(el, '[part="detail"] h3')!.textContent).toBe('Alice P. Liddell');
    await store.close();
    const again = await KnowledgeStore.open({ dbName });
    expect((await again.graph('user')).entity(alice)).toMatchObject({ label: 'Alice P. Liddell', aliases: ['Alice', 'Ally'] });
    await again.close();
  });

  test('delete asks first with a cancelable request event', async () => {
    const { store, kg, dbName } = await storeWithFacts();
    const el = await mount(kg);
    const bob = kg.findEntity('Bob')!.id;
    el.select(bob);
    await settle(el);
    const requests: LlmosGraphDeleteRequestEvent[] = [];
    let veto = true;
    el.addEventListener('llmos-graph-delete-request', (e: LlmosGraphDeleteRequestEvent) => {
      requests.push(e);
      if (veto) e.preventDefault();
    });
    q(el, '[part="delete-entity"]')!.click();
    await new Promise((r) => setTimeout(r, 20));
    expect(requests[0]!.detail).toEqual({ kind: 'entity', id: bob, label: 'Bob' });
    expect(requests[0]!.cancelable).toBe(true);
    expect(kg.entity(bob)).toBeDefined();
    // A relation, then the entity, allowed this time.
    veto = false;
    const rel = kg.relationsOf(bob)[0]!.id;
    expect(await el.requestDelete({ kind: 'relation', id: rel, label: 'Bob knows Alice Liddell' })).toBe(true);
    expect(kg.relation(rel)).toBeUndefined();
    q(el, '[part="delete-entity"]')!.click();
    await new Promise((r) => setTimeout(r, 50));
    await settle(el);
    expect(kg.entity(bob)).toBeUndefined();
    expect(el.selected).toBeNull();
    expect(q(el, '[part="canvas"]')).toBeNull();
    await store.close();
    const again = await KnowledgeStore.open({ dbName });
    expect((await again.graph('user')).findEntity('Bob')).toBeUndefined();
    await again.close();
  });

  test('a malformed GEXF import shows and fires a typed error and changes nothing; a good one imports', async () => {
    const { store, kg } = await storeWithFacts();
    const el = await mount(kg);
    const before = el.exportText('json');
    const errors: LlmosGraphErrorEvent[] = [];
    el.addEventListener('llmos-graph-error', (e: LlmosGraphErrorEvent) => errors.push(e));
    const input = q<HTMLInputElement>(el, 'input[type="file"]')!;
    const dt = new DataTransfer();
    dt.items.add(new File(['<gexf><graph><nodes><node id="a"'], 'broken.gexf', { type: 'application/xml' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await new Promise((r) => setTimeout(r, 50));
    await el.updateComplete;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.detail.error).toBeInstanceOf(GraphImportError);
    const shown = q(el, '[part="error"]')!;
    expect(shown.dataset.code).toBe('GRAPH_IMPORT_INVALID');
    expect(shown.getAttribute('role')).toBe('alert');
    expect(el.exportText('json')).toBe(before);

    // The export of one graph imports into another, through the same element.
    const other = new KnowledgeGraph('app:copy');
    el.graph = other;
    await el.updateComplete;
    const report = await el.importFile(new File([before], 'backup.json'));
    expect(report).toEqual({ entities: 4, relations: 3 });
    expect(other.graph.order).toBe(4);
    expect(q(el, '[part="error"]')).toBeNull();
    const gexf = new KnowledgeGraph('user');
    el.graph = gexf;
    await el.updateComplete;
    await el.importFile(new File([exportFrom(kg, 'gexf')], 'backup.gexf'));
    expect(gexf.relationsOf(gexf.findEntity('Alice')!.id).map((r) => r.predicate).sort()).toEqual(['knows', 'works at']);
    await store.close();
  });

  test('export buttons download JSON and GEXF files', async () => {
    const { store, kg } = await storeWithFacts();
    const el = await mount(kg);
    const clicked: { name: string; text: string }[] = [];
    const click = HTMLAnchorElement.prototype.click;
    const pending: Promise<void>[] = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      pending.push(fetch(this.href).then((r) => r.text()).then((text) => { clicked.push({ name: this.download, text }); }));
    };
    try {
      q(el, '[part="export-json"]')!.click();
      q(el, '[part="export-gexf"]')!.click();
      await Promise.all(pending);
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked.map((c) => c.name)).toEqual(['user-knowledge.json', 'user-knowledge.gexf']);
    expect(JSON.parse(clicked[0]!.text).nodes).toHaveLength(4);
    expect(clicked[1]!.text).toContain('<gexf');
    await store.close();
  });

  test('a large neighbourhood is laid out in a worker', async () => {
    const kg = new KnowledgeGraph('user');
    kg.applyFacts(Array.from({ length: 260 }, (_, i) => ({ subject: { label: 'Hub' }, predicate: 'links', object: { label: `leaf ${i}` } })));
    const el = document.createElement('llmos-graph-explorer');
    el.graph = kg;
    el.maxNodes = 400;
    el.workerThreshold = 100;
    document.body.append(el);
    el.select(kg.findEntity('Hub')!.id);
    await settle(el);
    expect(el.layoutMode).toBe('worker');
    const nodes = qa(el, '[part~="node"]');
    expect(nodes).toHaveLength(261);
    // The worker moved the nodes off their starting circle: distances from the hub now vary.
    const pos = nodes.map((n) => /translate\(([-\d.]+) ([-\d.]+)\)/.exec(n.getAttribute('transform')!)!.slice(1).map(Number));
    const hub = pos[nodes.findIndex((n) => n.textContent!.trim() === 'Hub')]!;
    const dist = pos.map(([x, y]) => Math.hypot(x! - hub[0]!, y! - hub[1]!)).filter((d) => d > 0);
    expect(Math.max(...dist) - Math.min(...dist)).toBeGreaterThan(1);
  });

  test('labels from the model render as text only, and outside changes show up', async () => {
    const kg = new KnowledgeGraph('user');
    kg.applyFacts([{ subject: { label: '<img src=x onerror="window.__pwned=1">' }, predicate: 'is', object: { label: '<script>alert(1)</script>' } }]);
    const el = await mount(kg);
    el.select(kg.findEntity('<img src=x onerror="window.__pwned=1">')!.id);
    await settle(el);
    expect(el.shadowRoot!.querySelector('img, script')).toBeNull();
    expect(q(el, '[part="detail"] h3')!.textContent).toBe('<img src=x onerror="window.__pwned=1">');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    // A fact added elsewhere (e.g. by extraction) appears in the view.
    kg.applyFacts([{ subject: { label: '<img src=x onerror="window.__pwned=1">' }, predicate: 'near', object: { label: 'Newcomer' } }]);
    await new Promise((r) => setTimeout(r, 120));
    await settle(el);
    expect(qa(el, '[part~="node"]').map((n) => n.textContent!.trim())).toContain('Newcomer');
  });
});

function exportFrom(kg: KnowledgeGraph, format: 'json' | 'gexf'): string {
  const el = document.createElement('llmos-graph-explorer');
  el.graph = kg;
  return el.exportText(format);
}
