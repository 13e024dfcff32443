/**
 * Entry of `bridge.html`: the LLM OS app as an embeddable frame for other origins (see
 * `cross-origin-bridge.ts`). The allow-list is the app operator's `bridge-allow.json` next to this page
 * (absent or invalid: same-origin only). Models are named by GGUF URL on this origin (registered on
 * first use). A frame of another site may be denied storage by the browser (third-party storage
 * blocking): the kernel then keeps its budget in memory and the data methods answer `PermissionError`.
 */
import { BUDGET_SETTINGS_KEY, localSettingsStore, memorySettingsStore, type KernelSettingsStore } from '../../kernel/settings-store';
import { openLlmOsDb, type LlmOsDatabase } from '../../storage/db';
import type { KnowledgeStore } from '../../knowledge/knowledge-store';
import { loadBridgeGrants, serveCrossOriginBridge } from './cross-origin-bridge';
import { getSharedKernel } from '../shared-kernel';

/** The user's budget overrides where storage is allowed, memory where reading `localStorage` throws. */
function settingsStore(): KernelSettingsStore {
  try {
    return localSettingsStore(BUDGET_SETTINGS_KEY, globalThis.localStorage);
  } catch {
    return memorySettingsStore();
  }
}

/** Open once, retry after a failure. */
function once<T>(open: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= open();
    p.catch(() => { p = null; });
    return p;
  };
}

const grants = await loadBridgeGrants(new URL('bridge-allow.json', location.href).href);
const server = serveCrossOriginBridge({
  allow: grants,
  kernel: getSharedKernel({ settings: settingsStore() }),
  data: {
    db: once<LlmOsDatabase>(() => openLlmOsDb()),
    knowledge: once<KnowledgeStore>(async () => (await import('../../knowledge/knowledge-store')).KnowledgeStore.open()),
  },
});
document.documentElement.dataset.bridge = 'ready';
document.documentElement.dataset.allowed = String(grants.length);
/** For the console and tests: the running bridge. */
(globalThis as unknown as { llmosBridge: typeof server }).llmosBridge = server;
