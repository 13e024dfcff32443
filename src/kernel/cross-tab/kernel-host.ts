/**
 * `KernelHost`: the host tab's side of the cross-tab kernel. It serves its `Kernel` to every other tab
 * of the origin over `BroadcastChannel`s (messages in `protocol.ts`): it answers `hello` by opening the
 * tab's channel, re-creates a tab's processes (same pids), models and unfinished jobs when it attaches,
 * runs its calls and jobs and streams their tokens back, forwards every kernel event and a throttled
 * snapshot of its state on the bus, asks a tab for a model's source when the kernel loads it, and ends
 * a tab's processes when the tab's life lock comes free (the tab closed, crashed or was discarded).
 */
import { InvalidRequestError, deserializeError, toLlmOsError, type SerializedError } from '../../errors';
import type { ModelSource, TokenEvent } from '../../protocol/engine';
import type { KernelEventRecord } from '../events';
import type { Kernel } from '../kernel';
import type { KernelTab } from '../kernel-api';
import type { Priority } from '../priority';
import type { JobHandle, ModelRegistration } from '../types';
import {
  busName, tabChannelName, tabLock, type BusMessage, type HostToTab, type JobSpec, type KernelSnapshot, type ModelSpec, type ProcessSpec,
  type TabToHost,
} from './protocol';

/** How long the host waits for a tab to hand over a model's source, ms. */
const SOURCE_TIMEOUT_MS = 30_000;
/** Tokens that come within this many ms of the last message sent for their job wait to go with the next, ms. */
const TOKEN_BATCH_MS = 16;

interface RemoteTab {
  tab: KernelTab;
  channel: BroadcastChannel;
  jobs: Map<string, JobHandle>;
  /** Models this tab can give the source of. */
  sources: Set<string>;
}

/** @internal Serves a kernel to the origin's other tabs. */
export class KernelHost {
  private readonly bus: BroadcastChannel;
  private readonly tabs = new Map<string, RemoteTab>();
  private readonly pendingSources = new Map<number, { resolve: (s: ModelSource) => void; reject: (e: unknown) => void }>();
  private nextSourceId = 1;
  private snapshotQueued = false;
  private readonly unsubscribe: () => void;
  private closed = false;

  /** `onTabsChanged`: a tab attached or is gone (the host tab's `host-changed` event). */
  constructor(private readonly kernel: Kernel, private readonly ns: string, readonly self: KernelTab, private readonly onTabsChanged: () => void = () => {}) {
    this.bus = new BroadcastChannel(busName(ns));
    this.bus.onmessage = (ev: MessageEvent<BusMessage>) => this.onBus(ev.data);
    this.unsubscribe = kernel.events.on('*', (detail, type) => {
      this.post({ type: 'event', from: self.tabId, event: { type, detail } as KernelEventRecord });
      this.scheduleSnapshot();
    });
    this.post({ type: 'leader', tab: self });
    void kernel.ready.then(() => this.scheduleSnapshot());
  }

  /** The tabs attached, this one first. */
  attached(): KernelTab[] {
    return [this.self, ...[...this.tabs.values()].map((t) => t.tab)];
  }

  /** Stop serving (the kernel itself is the caller's). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const t of this.tabs.values()) t.channel.close();
    this.tabs.clear();
    this.bus.close();
  }

  /** The state other tabs read `ps()`, `jobs()`, `models()`, the budget from. */
  snapshot(): KernelSnapshot {
    const k = this.kernel;
    return {
      ps: k.ps(), jobs: k.jobs(), models: k.models(), quarantined: k.quarantined(), budget: k.budget, probe: k.probe, usage: k.usage(),
      registered: k.registeredModels().map((m) => ({ ...m, source: typeof m.source === 'function' ? 'function' as const : m.source })),
      tabs: this.attached(),
    };
  }

  private post(m: BusMessage): void {
    if (!this.closed) this.bus.postMessage(m);
  }

  /**
   * One snapshot after the events of one task (a scheduling step emits several): a microtask, not a
   * timer, so that a host in a hidden tab, whose timers the browser delays by up to a minute, still
   * keeps the other tabs' view current.
   */
  private scheduleSnapshot(): void {
    if (this.snapshotQueued || this.closed) return;
    this.snapshotQueued = true;
    queueMicrotask(() => {
      this.snapshotQueued = false;
      this.post({ type: 'state', from: this.self.tabId, state: this.snapshot() });
    });
  }

  private onBus(m: BusMessage): void {
    if (this.closed || typeof m !== 'object' || m === null) return;
    if (m.type === 'hello' && typeof m.tabId === 'string' && m.tabId !== this.self.tabId) this.welcome(m.tabId);
  }

  private welcome(tabId: string): void {
    let t = this.tabs.get(tabId);
    if (!t) {
      const channel = new BroadcastChannel(tabChannelName(this.ns, tabId));
      t = { tab: { tabId, title: '' }, channel, jobs: new Map(), sources: new Set() };
      const tab = t;
      channel.onmessage = (ev: MessageEvent<TabToHost>) => this.onTab(tab, ev.data);
      this.tabs.set(tabId, t);
      // Granted once the tab's page is gone: its processes end with it.
      void navigator.locks.request(tabLock(this.ns, tabId), () => this.gone(tabId));
    }
    this.send(t, { type: 'welcome', host: this.self });
  }

  private gone(tabId: string): void {
    const t = this.tabs.get(tabId);
    if (!t || this.closed) return;
    this.tabs.delete(tabId);
    t.channel.close();
    for (const p of this.kernel.ps()) {
      if (p.tab === tabId && p.state !== 'exited') {
        try { this.kernel.kill(p.pid); } catch { /* already gone */ }
      }
    }
    this.scheduleSnapshot();
    this.onTabsChanged();
  }

  private send(t: RemoteTab, m: HostToTab): void {
    if (!this.closed && this.tabs.get(t.tab.tabId) === t) t.channel.postMessage(m);
  }

  private onTab(t: RemoteTab, m: TabToHost): void {
    if (this.closed || typeof m !== 'object' || m === null) return;
    switch (m.type) {
      case 'attach':
        t.tab = { tabId: t.tab.tabId, title: String(m.title).slice(0, 200) };
        for (const p of m.procs) this.spawn(t, p, true);
        for (const r of m.models) { try { this.register(t, r); } catch { /* refused: the tab's own copy was checked */ } }
        for (const j of m.jobs) this.submit(t, j);
        this.send(t, { type: 'state', state: this.snapshot() });
        this.scheduleSnapshot();
        this.onTabsChanged();
        break;
      case 'call': {
        let reply: HostToTab;
        try {
          reply = { type: 'reply', id: m.id, value: this.call(t, m) };
        } catch (e) {
          reply = { type: 'reply', id: m.id, error: toLlmOsError(e, InvalidRequestError).toJSON() };
        }
        this.send(t, reply);
        break;
      }
      case 'submit':
        this.submit(t, m.job);
        break;
      case 'cancel':
        t.jobs.get(m.key)?.cancel();
        break;
      case 'source': {
        const p = this.pendingSources.get(m.id);
        this.pendingSources.delete(m.id);
        if (!p) break;
        if (m.source) p.resolve(m.source);
        else p.reject(deserializeError(m.error ?? { name: 'ModelLoadError', code: 'MODEL_LOAD_FAILED', message: 'No source', details: {} }));
        break;
      }
    }
  }

  private call(t: RemoteTab, m: TabToHost & { type: 'call' }): unknown {
    const k = this.kernel;
    switch (m.method) {
      case 'spawn': return this.spawn(t, m.args[0], false);
      case 'kill': return k.kill(m.args[0]);
      case 'renice': return k.renice(m.args[0], m.args[1] as Priority);
      case 'registerModel': this.register(t, m.args[0]); return null;
      case 'unregisterModel': return k.unregisterModel(m.args[0]);
      case 'clearQuarantine': return k.clearQuarantine(m.args[0]);
      case 'setBudget': return k.setBudget(m.args[0]);
    }
  }

  private spawn(t: RemoteTab, p: ProcessSpec, again: boolean): number | null {
    const known = this.kernel.ps().find((x) => x.pid === p.pid);
    if (again && known?.tab === t.tab.tabId) return p.pid;
    try {
      return this.kernel.spawn(p.app, p.options, { pid: p.pid, tab: t.tab.tabId });
    } catch (e) {
      if (again) return null;
      throw e;
    }
  }

  private register(t: RemoteTab, spec: ModelSpec): void {
    const { sourceFromTab, ...rest } = spec as ModelSpec & { source?: ModelSource };
    const known = this.kernel.registeredModels().find((m) => m.id === spec.id);
    if (sourceFromTab) t.sources.add(spec.id);
    // Tabs that register one library model share it: the first registration stands while it is the same file.
    if (known && known.engine === spec.engine && known.fingerprint === spec.fingerprint && (known.inputs ?? []).join() === (spec.inputs ?? []).join()) return;
    const reg: ModelRegistration = sourceFromTab
      ? { ...(rest as Omit<ModelRegistration, 'source'>), source: () => this.sourceOf(spec.id) }
      : (rest as ModelRegistration);
    this.kernel.registerModel(reg);
  }

  /** Ask a tab that registered `model` with a source function for its source (blobs read from its store). */
  private sourceOf(model: string): Promise<ModelSource> {
    const t = [...this.tabs.values()].find((x) => x.sources.has(model));
    if (!t) return Promise.reject(new InvalidRequestError(`No open tab can provide model ${model}`, { model }));
    const id = this.nextSourceId++;
    return new Promise<ModelSource>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingSources.delete(id);
        reject(new InvalidRequestError(`The tab that registered ${model} did not hand over its source`, { model }));
      }, SOURCE_TIMEOUT_MS);
      this.pendingSources.set(id, {
        resolve: (s) => { clearTimeout(timer); resolve(s); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.send(t, { type: 'need-source', id, model });
    });
  }

  private submit(t: RemoteTab, j: JobSpec): void {
    if (t.jobs.has(j.key)) return;
    let h: JobHandle;
    try {
      h = this.kernel.submit(j.req, { continueFrom: j.from, withIds: true });
    } catch (e) {
      this.send(t, { type: 'failed', key: j.key, error: serialize(e) });
      return;
    }
    t.jobs.set(j.key, h);
    this.send(t, { type: 'admitted', key: j.key, jobId: h.id });
    // Tokens go out at once when they come slowly, and batched when they come fast: a token that comes
    // within TOKEN_BATCH_MS of the last message waits for the next one (or for a timer, should the run
    // pause). One message per token costs the decoding thread about a tenth of its speed on two cores.
    let batch: TokenEvent[] = [];
    let sentAt = -Infinity;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (batch.length) this.send(t, { type: 'tokens', key: j.key, events: batch });
      batch = [];
      sentAt = performance.now();
    };
    void (async () => {
      try {
        for await (const event of h.tokens) {
          batch.push(event);
          if (performance.now() - sentAt >= TOKEN_BATCH_MS) flush();
          else timer ??= setTimeout(flush, TOKEN_BATCH_MS);
        }
        flush();
        this.send(t, { type: 'result', key: j.key, result: await h.result });
      } catch (e) {
        flush();
        this.send(t, { type: 'failed', key: j.key, error: serialize(e) });
      } finally {
        t.jobs.delete(j.key);
      }
    })();
  }
}

function serialize(e: unknown): SerializedError {
  return toLlmOsError(e).toJSON();
}
