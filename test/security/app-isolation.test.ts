/**
 * Per-app isolation through the public API (`AppData`): one app id cannot read, overwrite, update or
 * delete another app's conversations, nor open another app's knowledge-graph namespace or the user's
 * own memory. Refused writes change nothing in IndexedDB (checked record by record).
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { AppData } from '../../src/api/app-data';
import { ERROR_TEXT, LlmOsError, PermissionError } from '../../src/errors';
import { KnowledgeStore } from '../../src/knowledge/knowledge-store';
import { deleteLlmOsDb, openLlmOsDb, type LlmOsDatabase } from '../../src/storage/db';
import { faultCase } from '../faults/reliability';

const run = crypto.randomUUID().slice(0, 8);
let db: LlmOsDatabase;
let knowledge: KnowledgeStore;
let alpha: AppData;
let beta: AppData;

async function denied(p: Promise<unknown>): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PermissionError);
  expect((err as LlmOsError).code).toBe('PERMISSION_DENIED');
  expect(ERROR_TEXT.PERMISSION_DENIED).toBeTruthy();
}
const snapshot = async () => JSON.stringify(await db.getAll('conversations'));

beforeAll(async () => {
  db = await openLlmOsDb(`isolation-${run}`);
  knowledge = await KnowledgeStore.open({ dbName: `isolation-kg-${run}` });
  alpha = new AppData('alpha', { db, knowledge });
  beta = new AppData('beta', { db, knowledge });
  await beta.putConversation({ id: 'b-secret', title: 'beta only', messages: [{ role: 'user', content: 'beta secret' }], createdAt: 1 });
  (await beta.graph()).applyFacts([{ subject: { label: 'Beta' }, predicate: 'owns', object: { label: 'a secret' } }]);
  await knowledge.flush();
});
afterAll(async () => {
  await knowledge.close();
  db.close();
  await deleteLlmOsDb(`isolation-${run}`);
});

describe('AppData: one app id, its own data only', () => {
  faultCase('security: per-app isolation', 'app alpha cannot read app beta\'s conversation', 'get → absent, list → own only (beta sees it)', async () => {
    expect(await alpha.getConversation('b-secret')).toBeUndefined();
    expect(await alpha.listConversations()).toEqual([]);
    expect((await beta.getConversation('b-secret'))?.messages[0]?.content).toBe('beta secret');
  });

  faultCase('security: per-app isolation', 'app alpha cannot overwrite, update, delete or claim app beta\'s conversation', 'PermissionError PERMISSION_DENIED; IndexedDB unchanged', async () => {
    const before = await snapshot();
    await denied(alpha.putConversation({ id: 'b-secret', title: 'hijacked', messages: [], createdAt: 2 }));
    await denied(alpha.updateConversation('b-secret', (c) => c && { ...c, title: 'hijacked' }));
    await denied(alpha.deleteConversation('b-secret'));
    await denied(alpha.putConversation({ id: 'a-new', appId: 'beta', title: 'planted', messages: [], createdAt: 2 }));
    expect(await snapshot()).toBe(before);
    const own = await alpha.putConversation({ id: 'a-1', title: 'mine', messages: [], createdAt: 3 });
    expect(own).toMatchObject({ appId: 'alpha', revision: expect.any(Number) });
  });

  faultCase('security: per-app isolation', 'app alpha cannot open app beta\'s graph namespace or the user\'s memory', 'PermissionError; its own namespace app:alpha opens empty', async () => {
    await denied(alpha.graph('app:beta'));
    await denied(alpha.graph('user'));
    const own = await alpha.graph();
    expect(own.ns).toBe('app:alpha');
    expect(own.graph.order).toBe(0);
    expect((await beta.graph()).graph.order).toBe(2);
  });
});
