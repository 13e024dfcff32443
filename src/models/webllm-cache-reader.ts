/**
 * WebLLM models in the model library, seen from the page without importing web-llm. web-llm 0.2.86 with
 * `cacheBackend: 'indexeddb'` keeps one database per scope (`webllm/model`, `webllm/config`,
 * `webllm/wasm`), each with one store `urls` of `{ url, data }` records keyed by URL; `tensor-cache.json`
 * is stored parsed and names the weight shards (see `ArtifactIndexedDBCache` and `hasTensorInCache` in
 * web-llm's lib/index.js). A model is cached when its `tensor-cache.json` and every shard are there.
 * Databases that do not exist are never created here (web-llm would then find them without its store).
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { ModelState } from '../storage/schema';

/** The fields of a WebLLM model record needed to find its files. */
export interface WebllmModelRef {
  model_id: string;
  model: string;
  model_lib: string;
}

/** What the cache holds for one model. */
export interface WebllmCacheState {
  state: ModelState;
  /** Bytes of the weight shards (from `tensor-cache.json`), when it is cached. */
  sizeBytes: number | null;
  storedBytes: number;
}

const SCOPES = { model: 'webllm/model', config: 'webllm/config', wasm: 'webllm/wasm' } as const;

/** web-llm's `cleanModelUrl`: `https://huggingface.co/u/m` → `https://huggingface.co/u/m/resolve/main/`. */
export function webllmBaseUrl(model: string): string {
  let url = new URL(model, globalThis.location?.href).href;
  url += url.endsWith('/') ? '' : '/';
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return url;
}

async function existingDbs(): Promise<Set<string>> {
  const list = (await globalThis.indexedDB?.databases?.().catch(() => [])) ?? [];
  return new Set(list.map((d) => d.name ?? ''));
}

async function withScope<T>(scope: string, have: Set<string>, fn: (db: IDBPDatabase) => Promise<T>, fallback: T): Promise<T> {
  if (!have.has(scope)) return fallback;
  const db = await openDB(scope);
  try {
    return db.objectStoreNames.contains('urls') ? await fn(db) : fallback;
  } finally {
    db.close();
  }
}

interface ShardList { records?: { dataPath: string; nbytes?: number }[] }

/** The cache state of each model (keyed by `model_id`), reading each web-llm database once. */
export async function webllmCacheStates(models: readonly WebllmModelRef[]): Promise<Map<string, WebllmCacheState>> {
  const out = new Map<string, WebllmCacheState>();
  const remote: WebllmCacheState = { state: 'remote', sizeBytes: null, storedBytes: 0 };
  for (const m of models) out.set(m.model_id, remote);
  const have = await existingDbs();
  await withScope(SCOPES.model, have, async (db) => {
    const tx = db.transaction('urls');
    for (const m of models) {
      const base = webllmBaseUrl(m.model);
      const index = (await tx.store.get(new URL('tensor-cache.json', base).href)) as { data?: ShardList } | undefined;
      const shards = index?.data?.records ?? [];
      if (!index || shards.length === 0) continue;
      let stored = 0, storedBytes = 0;
      for (const s of shards) {
        if ((await tx.store.getKey(new URL(s.dataPath, base).href)) !== undefined) {
          stored++;
          storedBytes += s.nbytes ?? 0;
        }
      }
      const sizeBytes = shards.reduce((n, s) => n + (s.nbytes ?? 0), 0);
      out.set(m.model_id, { state: stored === shards.length ? 'cached' : stored > 0 ? 'partial' : 'remote', sizeBytes, storedBytes });
    }
  }, undefined);
  return out;
}

/**
 * Delete everything web-llm cached for a model: weight shards, `tensor-cache.json` and tokenizer
 * (`webllm/model`), `mlc-chat-config.json` (`webllm/config`) and the model library (`webllm/wasm`) — what
 * web-llm's `deleteModelAllInfoInCache` removes, plus the shard index so the model reads as remote.
 */
export async function deleteWebllmCache(m: WebllmModelRef): Promise<void> {
  const have = await existingDbs();
  const base = webllmBaseUrl(m.model);
  await withScope(SCOPES.model, have, async (db) => {
    const indexUrl = new URL('tensor-cache.json', base).href;
    const index = (await db.get('urls', indexUrl)) as { data?: ShardList } | undefined;
    const urls = [indexUrl, new URL('tokenizer.json', base).href, new URL('tokenizer.model', base).href,
      ...(index?.data?.records ?? []).map((s) => new URL(s.dataPath, base).href)];
    const tx = db.transaction('urls', 'readwrite');
    await Promise.all([...urls.map((u) => tx.store.delete(u)), tx.done]);
  }, undefined);
  await withScope(SCOPES.config, have, (db) => db.delete('urls', new URL('mlc-chat-config.json', base).href), undefined);
  await withScope(SCOPES.wasm, have, (db) => db.delete('urls', m.model_lib), undefined);
}
