/**
 * TEST PAGE — an app origin serving its kernel through the cross-origin bridge, configured by the URL
 * hash (a real app reads its operator's `bridge-allow.json`; a test needs to vary it):
 *   #allow=<JSON grants>&same=<app id of same-origin embedders>&db=<conversations db>&kg=<knowledge db>&seed=1
 * `seed=1` stores data of *another* app (`chat`): a conversation `secret-1` and a fact in `app:chat`,
 * which an embedder granted a different app id must never see. Where the browser denies this frame
 * storage (a third-party frame), data is opened lazily and the data methods fail typed.
 */
import { serveCrossOriginBridge } from '../../src/api/bridge/cross-origin-bridge';
import { getSharedKernel } from '../../src/api/shared-kernel';
import { KnowledgeStore } from '../../src/knowledge/knowledge-store';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { putConversation } from '../../src/storage/conversations';
import { openLlmOsDb } from '../../src/storage/db';

function once<T>(open: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= open());
}

const params = new URLSearchParams(location.hash.slice(1));
const allow = JSON.parse(params.get('allow') ?? '[]') as never[];
const dbName = params.get('db') ?? 'llmos-bridge-host-test';
const kgName = params.get('kg') ?? 'llmos-bridge-host-test-kg';
const same = params.get('same');
if (params.get('seed')) {
  const db = await openLlmOsDb(dbName);
  await putConversation(db, { id: 'secret-1', appId: 'chat', title: 'private', messages: [{ role: 'user', content: 'my secret' }], createdAt: 1, updatedAt: 1 });
  db.close();
  const knowledge = await KnowledgeStore.open({ dbName: kgName });
  (await knowledge.graph('app:chat')).applyFacts([{ subject: { label: 'Alice' }, predicate: 'knows', object: { label: 'the secret' } }]);
  await knowledge.close();
}
const kernel = getSharedKernel({ settings: memorySettingsStore() });
const server = serveCrossOriginBridge({
  allow,
  ...(same ? { sameOriginAppId: same } : {}),
  kernel,
  data: { db: once(() => openLlmOsDb(dbName)), knowledge: once(() => KnowledgeStore.open({ dbName: kgName })) },
});
Object.assign(globalThis, { llmosBridge: server, llmosKernel: kernel });
document.documentElement.dataset.bridge = 'ready';
