import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteDB } from 'idb';
import { EngineClient } from '../kernel/engine-client';
import { AbortError, GenerationError, WorkerCrashedError } from '../errors';
import { TINY_URL } from '../../test/helpers/engines';
import { scriptedGenerate } from '../../test/helpers/scripted-generate';
import { KnowledgeStore } from './knowledge-store';
import { KnowledgeGraph } from './knowledge-graph';
import { extractFromDocument, extractFromMessage, type ExtractionLogEntry, type Generate } from './extract';

const DOC = 'Alice Liddell works at Acme Corporation. Acme Corporation is located in Paris.\n\nBob founded Initech.';

function reply(triples: object[]) {
  return JSON.stringify({ triples });
}

describe('extraction with the fixture model (random weights, real engine worker)', () => {
  let client: EngineClient;
  let store: KnowledgeStore;
  const dbName = `llmos-knowledge-extract-${crypto.randomUUID()}`;
  beforeAll(async () => {
    client = await EngineClient.start();
    await client.load('wllama', { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
    store = await KnowledgeStore.open({ dbName });
  });
  afterAll(async () => {
    client?.terminate();
    await store?.close();
    await deleteDB(dbName);
  });

  test.each([
    // The engine worker compiles the schema to a grammar (whitespace kept to one space), so this runs as
    // the GBNF case below does, glue failures on multi-byte junk included.
    ['json-schema', /^(invalid JSON|schema mismatch|engine error)/],
    // A GBNF grammar runs: the random model fills the strings with junk until maxTokens cuts the JSON. When
    // that junk is multi-byte text, wllama's glue can fail the request ("Invalid typed array length");
    // the engine then reloads the model and the chunk is skipped all the same.
    ['gbnf', /^(invalid JSON|schema mismatch|engine error)/],
  ] as const)('%s: its output is rejected cleanly — retried once, skipped with a logged reason, nothing written', async (constraint, expected) => {
    const kg = await store.graph('user');
    const calls: { schema: boolean; grammar: boolean; priority: string | undefined; attempt: number | undefined }[] = [];
    const outputs: string[] = [];
    let engineErrors = 0;
    const generate: Generate = async (request, signal, meta) => {
      calls.push({ schema: request.jsonSchema !== undefined, grammar: request.grammar !== undefined, priority: meta?.priority, attempt: meta?.attempt });
      const result = await client.generate(request, () => {}, signal).catch((e: unknown) => {
        if (e instanceof GenerationError) engineErrors++;
        throw e;
      });
      outputs.push(result.text);
      return result;
    };
    const log: ExtractionLogEntry[] = [];
    const report = await extractFromMessage(kg, generate, { id: 'msg-1', content: 'Alice works at Acme.' }, {
      constraint, maxTokens: 32, onLog: (e) => log.push(e),
    });
    const gbnf = constraint === 'gbnf';
    expect(calls).toEqual([
      { schema: !gbnf, grammar: gbnf, priority: 'background', attempt: 1 },
      { schema: !gbnf, grammar: gbnf, priority: 'background', attempt: 2 },
    ]);
    // Each attempt either produced (rejected) JSON-looking text or failed in the engine's glue.
    expect(outputs.length + engineErrors).toBe(2);
    for (const o of outputs) expect(o.startsWith('{')).toBe(true);
    expect(report.chunks).toHaveLength(1);
    expect(report.chunks[0]).toMatchObject({ status: 'skipped', attempts: 2 });
    expect(report).toMatchObject({ facts: 0, skipped: 1 });
    const reason = (report.chunks[0] as { reason: string }).reason;
    expect(reason).toMatch(expected);
    const warn = log.filter((e) => e.level === 'warn');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.message).toContain('skipped chunk 0 of msg-1');
    expect(warn[0]!.reason).toBe(reason);
    // Nothing written, in memory or on disk.
    expect(kg.graph.order).toBe(0);
    expect(await store.pendingWrites()).toBe(0);
    const reloaded = await KnowledgeStore.open({ dbName });
    expect((await reloaded.graph('user')).graph.order).toBe(0);
    await reloaded.close();
  }, 120_000); // the grammar sampler's first set-up is slow on a loaded 2-core machine (≈ 5–30 s seen)
});

describe('extraction with a scripted test double', () => {
  test('happy path: a document is chunked, facts are written with provenance spans into the document', async () => {
    const kg = new KnowledgeGraph('user');
    const generate = scriptedGenerate([
      reply([
        { subject: 'Alice Liddell', subjectType: 'person', predicate: 'works at', object: 'Acme Corporation', objectType: 'organisation', confidence: 0.9, evidence: 'Alice Liddell works at Acme Corporation.' },
        { subject: 'Acme Corporation', predicate: 'located in', object: 'Paris', objectType: 'place' },
      ]),
      reply([{ subject: 'Bob', predicate: 'founded', object: 'Initech', confidence: 0.8 }]),
    ]);
    const report = await extractFromDocument(kg, generate, { id: 'doc-7', text: DOC, format: 'txt' }, { chunkChars: 80, now: () => 42 });
    expect(report.chunks.map((c) => c.status)).toEqual(['written', 'written']);
    expect(report).toMatchObject({ facts: 3, skipped: 0 });
    expect(generate.calls.map((c) => c.meta)).toEqual([
      { priority: 'background', purpose: 'knowledge-extraction', namespace: 'user', sourceId: 'doc-7', chunk: 0, attempt: 1 },
      { priority: 'background', purpose: 'knowledge-extraction', namespace: 'user', sourceId: 'doc-7', chunk: 1, attempt: 1 },
    ]);
    // The request is schema-constrained chat, and the chunk text is in it as data.
    expect(generate.calls[0]!.request.jsonSchema).toMatchObject({ required: ['triples'] });
    expect(generate.calls[0]!.request.messages![1]!.content).toContain('Alice Liddell works at Acme Corporation.');
    expect(generate.calls[1]!.request.messages![1]!.content).toContain('Bob founded Initech.');

    const alice = kg.findEntity('alice liddell')!;
    expect(alice.type).toBe('person');
    const [worksAt] = kg.relationsOf(alice.id);
    expect(worksAt).toMatchObject({ predicate: 'works at', confidence: 0.9 });
    const p = worksAt!.provenance[0]!;
    expect(p).toMatchObject({ kind: 'document', sourceId: 'doc-7', at: 42 });
    expect(DOC.slice(p.start, p.end)).toBe('Alice Liddell works at Acme Corporation.');
    // No evidence given: the span covers the two names.
    const located = kg.relationsOf(kg.findEntity('Paris')!.id)[0]!;
    expect(DOC.slice(located.provenance[0]!.start, located.provenance[0]!.end)).toBe('Acme Corporation is located in Paris');
    expect(located.confidence).toBe(0.7);
    const bob = kg.relationsOf(kg.findEntity('Bob')!.id)[0]!;
    expect(DOC.slice(bob.provenance[0]!.start, bob.provenance[0]!.end)).toBe('Bob founded Initech');
    expect(kg.graph.order).toBe(5);
  });

  test('invalid JSON then valid output: the retry succeeds and carries the retry note', async () => {
    const kg = new KnowledgeGraph('user');
    const generate = scriptedGenerate(['{"triples": [ {"subject": "Al', reply([{ subject: 'Alice', predicate: 'likes', object: 'Tea' }])]);
    const log: ExtractionLogEntry[] = [];
    const report = await extractFromMessage(kg, generate, { id: 'm1', content: 'Alice likes tea.' }, { onLog: (e) => log.push(e) });
    expect(report.chunks[0]).toMatchObject({ status: 'written', attempts: 2 });
    expect(log).toEqual([expect.objectContaining({ level: 'info', attempt: 1, reason: expect.stringMatching(/^invalid JSON/) })]);
    expect(generate.calls[1]!.request.messages![0]!.content).toContain('last answer was rejected');
    expect(kg.graph.size).toBe(1);
  });

  test('a schema mismatch twice skips the chunk and writes none of its facts, even the valid ones', async () => {
    const kg = new KnowledgeGraph('user');
    const partlyValid = reply([
      { subject: 'Alice', predicate: 'likes', object: 'Tea' },
      { subject: 'Bob', predicate: 'likes', object: 'Coffee', confidence: 7 },
    ]);
    const generate = scriptedGenerate([partlyValid, partlyValid]);
    const log: ExtractionLogEntry[] = [];
    const report = await extractFromMessage(kg, generate, { id: 'm2', content: 'Alice likes tea. Bob likes coffee.' }, { onLog: (e) => log.push(e) });
    expect(report.chunks[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^schema mismatch: \/triples\/1\/confidence/) });
    expect(log.map((e) => e.level)).toEqual(['info', 'info', 'warn']);
    expect(kg.graph.order).toBe(0);
  });

  test('an engine error on garbage counts as a failed attempt; abort and a crashed worker go to the caller', async () => {
    const kg = new KnowledgeGraph('user');
    const garbage = scriptedGenerate([new GenerationError('invalid UTF-8 byte', {}), reply([])]);
    const ok = await extractFromMessage(kg, garbage, { id: 'm3', content: 'Nothing here.' }, { onLog: () => {} });
    expect(ok.chunks[0]).toMatchObject({ status: 'written', attempts: 2, relationIds: [] });

    const crashed = scriptedGenerate([new WorkerCrashedError('gone', {})]);
    await expect(extractFromMessage(kg, crashed, { id: 'm4', content: 'x y z' })).rejects.toBeInstanceOf(WorkerCrashedError);

    const ctrl = new AbortController();
    ctrl.abort();
    const never = scriptedGenerate([]);
    await expect(extractFromMessage(kg, never, { id: 'm5', content: 'x y z' }, { signal: ctrl.signal })).rejects.toBeInstanceOf(AbortError);
    expect(never.calls).toHaveLength(0);
    expect(kg.graph.order).toBe(0);
  });

  test('extracted facts persist through the store and survive a reload', async () => {
    const dbName = `llmos-knowledge-extract-${crypto.randomUUID()}`;
    const store = await KnowledgeStore.open({ dbName });
    const kg = await store.graph('app:support');
    await extractFromMessage(kg, scriptedGenerate([reply([{ subject: 'Order 17', predicate: 'shipped to', object: 'Oslo' }])]), { id: 'm9', content: 'Order 17 shipped to Oslo.' });
    expect(await store.pendingWrites()).toBe(0); // extraction waits for its write
    await store.close();
    const again = await KnowledgeStore.open({ dbName });
    const rel = (await again.graph('app:support')).relationsOf((await again.graph('app:support')).findEntity('order 17')!.id);
    expect(rel.map((r) => r.predicate)).toEqual(['shipped to']);
    expect((await again.graph('user')).graph.order).toBe(0);
    await again.close();
    await deleteDB(dbName);
  });
});
