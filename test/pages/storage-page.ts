/**
 * Test page for `test/e2e/storage.spec.ts`: exposes the model library on `window.storageTest` so a
 * Playwright test can drive it across page reloads and with quotas set through the DevTools protocol.
 * Every call returns plain JSON (errors as `{ error: { name, code, details } }`).
 */
import { fullCatalog, type GgufCatalogData } from '../../src/models/catalog';
import type { DownloadProgress, DownloadWarning } from '../../src/models/download-progress';
import { ModelLibrary } from '../../src/models/model-library';
import { sha256Hex, sha256OfBlobs } from '../../src/models/sha256';
import { getModel } from '../../src/storage/model-records';
import { readChunks } from '../../src/storage/weight-store';
import { toLlmOsError } from '../../src/errors';

const CHUNK = 1024 * 1024;
let lib: ModelLibrary | null = null;
const progress: DownloadProgress[] = [];
const warnings: DownloadWarning[] = [];
const outcomes = new Map<string, unknown>();

const asJson = (e: unknown) => {
  const err = toLlmOsError(e);
  return { error: { name: err.name, code: err.code, message: err.message, details: err.details } };
};
const library = () => {
  if (!lib) throw new Error('call open() first');
  return lib;
};
const listeners = { onProgress: (p: DownloadProgress) => progress.push(p), onWarning: (w: DownloadWarning) => warnings.push(w) };

const api = {
  /** Open the library on a database (the same name after a reload finds the same data). */
  async open(dbName: string, catalog: GgufCatalogData[] = [], opts: { estimate?: 'browser' | 'stale' | 'devtools' } = {}): Promise<void> {
    lib?.close();
    const estimates = {
      browser: undefined,
      // `storage.estimate()` is only an estimate: this one says "plenty of room", so a write hits the quota.
      stale: async () => ({ usage: 0, quota: 1e12 }),
      // Chromium's estimate() ignores a DevTools quota override; the test reads the overridden numbers through
      // the DevTools protocol (`Storage.getUsageAndQuota`) and exposes them as `window.devtoolsEstimate`.
      devtools: () => (window as unknown as { devtoolsEstimate: () => Promise<StorageEstimate> }).devtoolsEstimate(),
    };
    const estimate = estimates[opts.estimate ?? 'browser'];
    lib = await ModelLibrary.open({
      dbName, chunkSize: CHUNK, catalog: fullCatalog({ gguf: catalog, webllm: [] }), ...(estimate ? { estimate } : {}),
    });
  },
  async addUrl(url: string): Promise<string> {
    return (await library().addUrl(url)).id;
  },
  /** Download and wait; resolves with the entry or the error as JSON. */
  async download(id: string): Promise<unknown> {
    return library().download(id, listeners).catch(asJson);
  },
  /** Start a download without waiting (its outcome is kept for `outcome()`). */
  start(id: string): void {
    outcomes.delete(id);
    library().download(id, listeners).then((v) => outcomes.set(id, v), (e) => outcomes.set(id, asJson(e)));
  },
  outcome(id: string): unknown {
    return outcomes.get(id) ?? null;
  },
  async resumePending(): Promise<unknown[]> {
    return (await library().resumePending(listeners)).map((r) => (r.status === 'fulfilled' ? r.value : asJson(r.reason)));
  },
  async importUrl(url: string, name: string): Promise<unknown> {
    const file = new File([await (await fetch(url)).blob()], name);
    return library().importFile(file).catch(asJson);
  },
  async record(id: string): Promise<unknown> {
    return (await getModel(library().db, id)) ?? null;
  },
  async storedSha256(id: string): Promise<string> {
    return sha256OfBlobs((await readChunks(library().db, id)).map((c) => c.blob));
  },
  async urlSha256(url: string): Promise<string> {
    return sha256Hex(await (await fetch(url, { cache: 'no-store' })).arrayBuffer());
  },
  async estimate(): Promise<{ usage: number; quota: number }> {
    const e = await navigator.storage.estimate();
    return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
  },
  progress: () => progress,
  warnings: () => warnings,
};

declare global {
  interface Window { storageTest: typeof api }
}
window.storageTest = api;
document.body.dataset.ready = 'true';
