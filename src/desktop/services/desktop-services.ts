/**
 * `DesktopServices`: what the desktop and its apps share — one kernel (with the worker slots it
 * spawns, kept so the status bar can ask each engine which backend it really uses), the model library
 * (opened lazily: the catalog is a separate chunk), the desktop settings and the conversations
 * database. Downloaded (cached) models are registered with the kernel as they appear, with a source
 * that reads their chunks from IndexedDB, so an app can use them offline. Fires `models-changed` when
 * the usable models change.
 */
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';
import { probeFixtures } from '../../components/llmos-model-picker/probe';
import type { Priority } from '../../kernel/priority';
import { chooseGgufEngine } from '../../models/choose-engine';
import type { EngineCapabilities, InputModality } from '../../protocol/engine';
import { EngineClient, spawnEngineWorker } from '../../kernel/engine-client';
import type { KernelOptions } from '../../kernel/kernel';
import type { KernelApi } from '../../kernel/kernel-api';
import { createPageKernel } from '../../api/shared-kernel';
import type { JobParams } from '../../kernel/types';
import { estimateKvBytes } from '../../models/cost';
import type { LibraryOptions, ModelLibrary } from '../../models/model-library';
import type { CatalogEntry } from '../../models/catalog';
import { openLlmOsDb, type LlmOsDatabase } from '../../storage/db';
import { modelDefaults, randomFixtureDefaults, setModelDefaults } from '../../api/model-ref';
import { DesktopSettings } from './desktop-settings';
import { DownloadTracker } from './download-tracker';
import { KernelChatBackend } from '../../components/llmos-chat/kernel-chat-backend';
import { AppSession } from '../../api/app-session';
import { RemoteServers } from '../../models/remote/remote-servers';
import { useRemoteServers } from '../../api/remote-routing';

/** A model an app can choose. */
export interface AppModel {
  id: string;
  name: string;
  engine: 'wllama' | 'webllm' | 'remote';
  /** A remote model: the names of the servers that serve it (Settings → Servers). */
  servers?: string[];
  /** A random-weight test fixture: generation bans byte tokens (see `paramsFor`). */
  fixture: boolean;
  /**
   * The model accepts images: a GGUF model stored with its vision projector (run by wllama), or a WebLLM
   * vision model. The chat hides attachments otherwise.
   */
  vision: boolean;
  memoryMB: number | null;
}

/** Construction options (tests inject a kernel, a database name, settings storage). */
export interface DesktopServicesOptions {
  kernel?: KernelApi;
  kernelOptions?: KernelOptions;
  settings?: DesktopSettings;
  /** IndexedDB database name (tests use their own). */
  dbName?: string;
  /** Look for the generated test fixtures on this server (default true). */
  probeFixtures?: boolean;
  /** Extra model-library options (chunk size, downloader tuning). */
  libraryOptions?: Omit<LibraryOptions, 'catalog' | 'dbName'>;
}

/** Fixture files the dev and preview servers serve. */
const FIXTURE_FILES = ['tiny.gguf', 'tiny-b.gguf', 'bench-40m.gguf'];
const NCTX = 2048;

/** The kernel, model library, settings and conversations the desktop and its apps share. */
export class DesktopServices extends EventTarget {
  readonly kernel: KernelApi;
  readonly settings: DesktopSettings;
  /** Live engine workers by slot (the kernel creates them through our factory). */
  readonly engines = new Map<number, EngineClient>();
  /** Downloads in progress (progress, errors), shared by every model-library window. */
  readonly downloads: DownloadTracker;
  /** The OpenAI-compatible servers the user added, which apps may use and how (Settings → Servers). */
  readonly servers: RemoteServers;
  /** Whether this server serves the generated test fixtures (dev and preview servers do). */
  readonly fixtures: Promise<boolean>;
  private readonly dbName: string | undefined;
  private readonly libraryOptions: Omit<LibraryOptions, 'catalog' | 'dbName'>;
  private libraryPromise: Promise<ModelLibrary> | null = null;
  private dbPromise: Promise<LlmOsDatabase> | null = null;
  /** Models from the library (cached) and models added directly (`addModel`). */
  private readonly appModels = new Map<string, AppModel>();
  private readonly extraModels = new Map<string, AppModel>();
  private fixtureIds = new Set<string>();
  private catalogEntries: CatalogEntry[] = [];
  private closed = false;

  constructor(options: DesktopServicesOptions = {}) {
    super();
    this.dbName = options.dbName;
    this.libraryOptions = options.libraryOptions ?? {};
    this.settings = options.settings ?? new DesktopSettings();
    this.kernel = options.kernel ?? createPageKernel({
      ...options.kernelOptions,
      createEngine: async (slot) => {
        const client = await EngineClient.start(spawnEngineWorker(`llmos-engine-${slot}`));
        this.engines.set(slot, client);
        void client.exited.then(() => { if (this.engines.get(slot) === client) this.engines.delete(slot); });
        return client;
      },
    });
    this.downloads = new DownloadTracker(() => this.library());
    this.servers = new RemoteServers(this.kernel, () => this.db());
    useRemoteServers(this.kernel, this.servers);
    this.servers.addEventListener('change', () => this.dispatchEvent(new Event('models-changed')));
    this.fixtures = options.probeFixtures === false
      ? Promise.resolve(false)
      : probeFixtures('/fixtures/', FIXTURE_FILES).then((f) => f.length > 0, () => false);
  }

  /** The conversations (and settings) database. */
  db(): Promise<LlmOsDatabase> {
    this.dbPromise ??= openLlmOsDb(this.dbName);
    return this.dbPromise;
  }

  /**
   * The engine for GGUF models on this device: our f32 WebGPU engine on hardware WebGPU without
   * `shader-f16`, else wllama — or what the user forced in the settings (applies to models registered
   * from then on, i.e. after a reload).
   */
  ggufEngine(): 'wllama' | 'webgpu' {
    const gpu = this.kernel.probe?.gpu;
    return chooseGgufEngine({
      webgpu: !!gpu, f16: gpu?.features.includes('shader-f16') ?? false, software: gpu?.software ?? false,
      preference: this.settings.value.ggufEngine,
    });
  }

  /** The model library, opened on first use with the catalog this device can run. */
  library(): Promise<ModelLibrary> {
    this.libraryPromise ??= this.openLibrary();
    return this.libraryPromise;
  }

  private async openLibrary(): Promise<ModelLibrary> {
    const [{ ModelLibrary }, { catalogFor }, budget, dev] = await Promise.all([
      import('../../models/model-library'), import('../../models/catalog'), this.kernel.ready.catch(() => null), this.fixtures,
    ]);
    const f16 = this.kernel.probe?.gpu?.features.includes('shader-f16') ?? false;
    const MB = 1024 * 1024;
    const vramMB = (budget?.vramBytes ?? 0) / MB;
    // wllama runs GGUF on WebGPU only with shader-f16; otherwise on the CPU, within the RAM budget.
    const ggufMB = (f16 ? vramMB : (budget?.ramBytes ?? 2048 * MB) / MB);
    const gguf = catalogFor({ f16, vramBudgetMB: ggufMB }, { includeDev: dev }).filter((e) => e.engine === 'wllama');
    const webllm = this.kernel.probe?.gpu ? catalogFor({ f16, vramBudgetMB: vramMB }).filter((e) => e.engine === 'webllm') : [];
    this.catalogEntries = [...gguf, ...webllm];
    this.fixtureIds = new Set(gguf.filter((e) => e.engine === 'wllama' && e.dev).map((e) => e.id));
    const lib = await ModelLibrary.open({ ...this.libraryOptions, catalog: this.catalogEntries, ...(this.dbName ? { dbName: this.dbName } : {}) });
    lib.addEventListener('change', () => void this.syncModels().catch(() => undefined));
    await this.syncModels(lib);
    return lib;
  }

  /** The catalog the library lists (empty before `library()` resolves). */
  get catalog(): readonly CatalogEntry[] {
    return this.catalogEntries;
  }

  /** Register every cached library model with the kernel, and refresh `models()`. */
  async syncModels(lib?: ModelLibrary): Promise<void> {
    if (this.closed) return;
    const library = lib ?? await this.library();
    let entries: Awaited<ReturnType<ModelLibrary['list']>>;
    try {
      entries = await library.list();
    } catch (e) {
      if (this.closed) return; // the database closed under us (shutdown)
      throw e;
    }
    const next = new Map<string, AppModel>();
    const registered = new Map(this.kernel.registeredModels().map((m) => [m.id, m]));
    const { getModel } = await import('../../storage/model-records');
    for (const e of entries) {
      if (e.state !== 'cached') continue;
      const cat = this.catalogEntries.find((c) => c.id === e.id);
      const rec = e.engine === 'wllama' ? await getModel(library.db, e.id) : undefined;
      // This project's fixture writer names its random-weight models `llmos-…` (known offline too).
      if (rec?.hyper?.name.startsWith('llmos-')) this.fixtureIds.add(e.id);
      // GGUF with a stored projector and WebLLM vision models take images; the library says which (`inputs`).
      const vision = e.inputs.includes('image');
      const inputs: InputModality[] = vision ? ['text', 'image'] : ['text'];
      const model: AppModel = {
        id: e.id, name: e.name, engine: e.engine, fixture: this.fixtureIds.has(e.id), vision, memoryMB: e.memoryMB,
      };
      // Register once; again when what it accepts changed (a projector attached or detached) or its file
      // changed (which lifts a quarantine: the kernel compares fingerprints), if idle.
      const known = registered.get(e.id);
      const fingerprint = rec ? rec.sha256 ?? `${rec.sizeBytes}@${rec.createdAt}` : undefined;
      if (!known || (known.inputs?.includes('image') ?? false) !== vision || known.fingerprint !== fingerprint) {
        try {
          if (e.engine === 'wllama') {
            const nCtx = Math.min(NCTX, rec?.hyper?.contextLength || NCTX);
            this.kernel.registerModel({
              // Only wllama runs a vision projector; our WebGPU engine is text-only.
              id: e.id, engine: vision ? 'wllama' : this.ggufEngine(), source: () => library.source(e.id),
              weightBytes: e.sizeBytes ?? 0, kvBytes: rec?.hyper ? estimateKvBytes(rec.hyper, nCtx) : 0, nCtx, inputs,
              ...(fingerprint !== undefined ? { fingerprint } : {}),
            });
          } else {
            if (cat?.engine !== 'webllm') continue;
            this.kernel.registerModel({
              id: e.id, engine: 'webllm', source: { kind: 'mlc', id: e.id }, weightBytes: cat.memoryBytes, inputs,
            });
          }
        } catch {
          if (!known) continue; // a malformed record is listed by the library with its error; apps just cannot pick it
          model.vision = known.inputs?.includes('image') ?? false; // busy: keeps its registration until the next sync
        }
      }
      // Other API surfaces on this kernel (connect(), the service worker) get the same fixture defaults.
      if (model.fixture) setModelDefaults(this.kernel, e.id, randomFixtureDefaults());
      next.set(e.id, model);
    }
    const changed = next.size !== this.appModels.size || [...next.values()].some((m) => this.appModels.get(m.id)?.vision !== m.vision);
    this.appModels.clear();
    for (const [k, v] of next) this.appModels.set(k, v);
    if (changed) this.dispatchEvent(new Event('models-changed'));
  }

  /** Add a model the apps can use without the library (already registered with the kernel). */
  addModel(model: AppModel): void {
    this.extraModels.set(model.id, model);
    if (model.fixture) {
      this.fixtureIds.add(model.id);
      setModelDefaults(this.kernel, model.id, randomFixtureDefaults());
    }
    this.dispatchEvent(new Event('models-changed'));
  }

  /** Models the apps can choose now (registered and stored). */
  models(): AppModel[] {
    const remote: AppModel[] = this.servers.models().map((m) => ({
      id: m.id, name: m.model, engine: 'remote', fixture: false, vision: false, memoryMB: null, servers: m.servers.map((s) => s.name),
    }));
    return [...this.appModels.values(), ...[...this.extraModels.values()].filter((m) => !this.appModels.has(m.id)), ...remote];
  }

  /** The model a new window of `appId` uses: its default if usable, else the first usable one. */
  modelFor(appId: string): string | null {
    const preferred = this.settings.value.defaultModels[appId];
    const models = this.models();
    if (preferred && models.some((m) => m.id === preferred)) return preferred;
    return models[0]?.id ?? null;
  }

  /**
   * The model's default parameters on this kernel (fixtures: greedy, byte tokens banned). Every job is
   * admitted with them already (`AppSession`); an app reads them to show or extend them.
   */
  paramsFor(modelId: string): JobParams {
    return modelDefaults(this.kernel, modelId);
  }

  /** A chat backend whose generations are jobs of process `pid` on `model`. */
  backend(pid: number, model: string, priority?: Priority): ChatBackend {
    return new KernelChatBackend({ session: AppSession.attach(this.kernel, pid), model, keepAliveMs: this.settings.value.keepAliveMs, ...(priority ? { priority } : {}) });
  }

  /** What each worker slot holding a model really runs on (never claims WebGPU after a fallback). */
  async backends(): Promise<{ slot: number; model: string; caps: EngineCapabilities }[]> {
    const out: { slot: number; model: string; caps: EngineCapabilities }[] = [];
    for (const m of this.kernel.models()) {
      const client = this.engines.get(m.slot);
      if (!client?.alive || m.state !== 'loaded') continue;
      try {
        out.push({ slot: m.slot, model: m.id, caps: await client.capabilities() });
      } catch {
        // The worker died meanwhile: the kernel reports it; nothing to show.
      }
    }
    return out;
  }

  /** Stop everything (tests; the page's unload does it implicitly). */
  shutdown(): void {
    this.closed = true;
    this.kernel.shutdown();
    void this.libraryPromise?.then((l) => l.close(), () => undefined);
    void this.dbPromise?.then((d) => d.close(), () => undefined);
  }
}
