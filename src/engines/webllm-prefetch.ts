/**
 * WebLLM's IndexedDB model cache, seen from our side. web-llm (0.2.86, `cacheBackend: 'indexeddb'`)
 * keeps one database per scope — `webllm/model` (tensor-cache.json as parsed JSON, shards and tokenizer
 * as ArrayBuffers), `webllm/config` (mlc-chat-config.json as ArrayBuffer), `webllm/wasm` — each with
 * one store `urls` of `{ url, data }` records keyed by URL (see `ArtifactIndexedDBCache` in web-llm's
 * lib/index.js).
 *
 * `prefetchModel` downloads a model's files into exactly those records before web-llm's `reload()`
 * runs. web-llm itself fetches and instantiates the model library *before* the weights, and reports
 * downloads only per shard with errors that name no URL; prefetching gives byte-level progress, abort,
 * shard-level resume (records already present are skipped) and a `NetworkError` naming the URL that
 * failed. `reload()` then finds every file cached and only fetches the library.
 * Worker-side only.
 */
import { openDB, type IDBPDatabase } from 'idb';
import {
  deleteChatConfigInCache, deleteModelAllInfoInCache, deleteModelWasmInCache, hasModelInCache,
} from '@mlc-ai/web-llm';
import { AbortError, LlmOsError, ModelLoadError, NetworkError } from '../errors';
import type { MlcModelRecord } from '../protocol/engine';
import { fetchBlob } from './fetch-blob';
import { resolveWebLLMModel, type ResolvedWebLLMModel } from './webllm-app-config';

/** web-llm's IndexedDB database names (one per cache scope). */
export const WEBLLM_DB = { model: 'webllm/model', config: 'webllm/config', wasm: 'webllm/wasm' } as const;

/** Parallel shard downloads, as web-llm does. */
const CONCURRENCY = 4;

interface ShardRecord { dataPath: string; nbytes: number }
interface CacheEntry { url: string; data: unknown }

/** What a prefetch learned about the model. */
export interface PrefetchResult {
  /** Bytes of weights (sum of the shards named in tensor-cache.json). */
  weightBytes: number;
  /** Bytes actually downloaded now (0 when everything was cached). */
  downloadedBytes: number;
  /** The parsed `mlc-chat-config.json`. */
  chatConfig: Record<string, unknown>;
}

/** Open one of web-llm's cache databases with the schema web-llm creates. */
export function openWebLLMCache(scope: string): Promise<IDBPDatabase> {
  return openDB(scope, 1, {
    upgrade(db) {
      if (!db.objectStoreNames.contains('urls')) db.createObjectStore('urls', { keyPath: 'url' });
    },
  });
}

/** The URLs stored in one of web-llm's cache databases. */
export async function cachedUrls(scope: string): Promise<string[]> {
  const db = await openWebLLMCache(scope);
  try {
    return (await db.getAllKeys('urls')).map(String);
  } finally {
    db.close();
  }
}

async function download(url: string, modelId: string, signal: AbortSignal, onBytes?: (delta: number) => void): Promise<ArrayBuffer> {
  let seen = 0;
  try {
    const blob = await fetchBlob(url, (loaded) => {
      onBytes?.(loaded - seen);
      seen = loaded;
    }, signal);
    return await blob.arrayBuffer();
  } catch (e) {
    if (e instanceof AbortError || signal.aborted) throw new AbortError('Model download aborted', { modelId, url });
    if (e instanceof LlmOsError) throw new NetworkError(`${e.message} (WebLLM model ${modelId})`, { ...e.details, url, modelId });
    throw new NetworkError(`Could not fetch ${url} for WebLLM model ${modelId}: ${String(e)}`, { url, modelId });
  }
}

function parseJson(bytes: ArrayBuffer, url: string, modelId: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  throw new ModelLoadError(`${url} is not valid JSON (WebLLM model ${modelId})`, { url, modelId });
}

/** Get a record's data from the cache, or download, store and return it. */
async function cached<T>(db: IDBPDatabase, url: string, fetchIt: () => Promise<T>): Promise<T> {
  const hit = (await db.get('urls', url)) as CacheEntry | undefined;
  if (hit && hit.data !== null && hit.data !== undefined) return hit.data as T;
  const data = await fetchIt();
  await db.put('urls', { url, data } satisfies CacheEntry);
  return data;
}

/**
 * Download every file of `model` into web-llm's IndexedDB cache (tensor-cache.json first, then the chat
 * config, the tokenizer and the shards). `onProgress(loaded, total)` counts weight bytes, cached shards
 * included, and never goes backwards. Throws `NetworkError` (with `details.url`), `AbortError`, or
 * `ModelLoadError` for malformed index files.
 */
export async function prefetchModel(
  model: ResolvedWebLLMModel,
  signal: AbortSignal,
  onProgress?: (loaded: number, total: number) => void,
): Promise<PrefetchResult> {
  const { baseUrl, record } = model;
  const modelId = record.model_id;
  const url = (file: string) => new URL(file, baseUrl).href;
  const modelDb = await openWebLLMCache(WEBLLM_DB.model);
  const configDb = await openWebLLMCache(WEBLLM_DB.config);
  try {
    const indexUrl = url('tensor-cache.json');
    const index = await cached(modelDb, indexUrl, async () => parseJson(await download(indexUrl, modelId, signal), indexUrl, modelId));
    const shards = (index as { records?: unknown }).records;
    if (!Array.isArray(shards) || shards.some((s: Partial<ShardRecord>) => typeof s?.dataPath !== 'string' || !Number.isFinite(s?.nbytes))) {
      throw new ModelLoadError(`${indexUrl} has no valid shard records (WebLLM model ${modelId})`, { url: indexUrl, modelId });
    }
    const configUrl = url('mlc-chat-config.json');
    const chatConfig = parseJson(await cached(configDb, configUrl, () => download(configUrl, modelId, signal)), configUrl, modelId);
    const tokenizerFiles = Array.isArray(chatConfig.tokenizer_files) ? (chatConfig.tokenizer_files as string[]) : [];
    // web-llm prefers tokenizer.json and falls back to tokenizer.model (asyncLoadTokenizer).
    const tokenizer = ['tokenizer.json', 'tokenizer.model'].find((f) => tokenizerFiles.includes(f));
    if (tokenizer) await cached(modelDb, url(tokenizer), () => download(url(tokenizer), modelId, signal));

    const list = shards as ShardRecord[];
    const total = list.reduce((s, r) => s + r.nbytes, 0);
    const present = await Promise.all(list.map(async (r) => (await modelDb.getKey('urls', url(r.dataPath))) !== undefined));
    let loaded = list.reduce((s, r, i) => s + (present[i] ? r.nbytes : 0), 0);
    let downloadedBytes = 0;
    onProgress?.(loaded, total);
    const todo = list.filter((_, i) => !present[i]);
    // One failure stops the other downloads; the caller's abort stops all of them.
    const inner = new AbortController();
    const stop = () => inner.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const worker = async () => {
        for (let shard = todo.shift(); shard; shard = todo.shift()) {
          const shardUrl = url(shard.dataPath);
          let got = 0;
          const data = await download(shardUrl, modelId, inner.signal, (delta) => {
            got += delta;
            downloadedBytes += delta;
            onProgress?.(Math.min(loaded + got, total), total);
          });
          await modelDb.put('urls', { url: shardUrl, data } satisfies CacheEntry);
          loaded += shard.nbytes;
          onProgress?.(Math.min(loaded, total), total);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, () => worker().catch((e: unknown) => {
        inner.abort();
        throw e;
      })));
    } catch (e) {
      if (signal.aborted) throw new AbortError('Model download aborted', { modelId });
      throw e;
    } finally {
      signal.removeEventListener('abort', stop);
    }
    return { weightBytes: total, downloadedBytes, chatConfig };
  } finally {
    modelDb.close();
    configDb.close();
  }
}

/** Whether WebLLM's IndexedDB cache holds all weights of a model (web-llm's `hasModelInCache`). */
export async function hasCachedModel(id: string, record?: MlcModelRecord): Promise<boolean> {
  const { appConfig } = resolveWebLLMModel(id, record);
  return hasModelInCache(id, appConfig);
}

/**
 * Delete everything WebLLM cached for a model: weights, tokenizer, chat config, model library
 * (web-llm's `deleteModelAllInfoInCache`, plus the tensor-cache.json it leaves behind). Safe when
 * nothing is cached: web-llm's helper would *download* tensor-cache.json to learn the shard names, so
 * without it only the other files are removed.
 */
export async function deleteCachedModel(id: string, record?: MlcModelRecord): Promise<void> {
  const { appConfig, baseUrl } = resolveWebLLMModel(id, record);
  const indexUrl = new URL('tensor-cache.json', baseUrl).href;
  const db = await openWebLLMCache(WEBLLM_DB.model);
  try {
    if ((await db.getKey('urls', indexUrl)) !== undefined) {
      await deleteModelAllInfoInCache(id, appConfig);
    } else {
      for (const f of ['tokenizer.json', 'tokenizer.model']) await db.delete('urls', new URL(f, baseUrl).href);
      await deleteChatConfigInCache(id, appConfig);
      await deleteModelWasmInCache(id, appConfig);
    }
    // web-llm deletes the shards but leaves tensor-cache.json behind: remove it last.
    await db.delete('urls', indexUrl);
  } finally {
    db.close();
  }
}
