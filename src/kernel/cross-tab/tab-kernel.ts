/**
 * `TabKernel`: one kernel for every tab of an origin. Each tab builds a `TabKernel` (through
 * `getSharedKernel()`); they elect one host with the Web Locks API — the first tab to take the lock
 * `<ns>/leader` runs a real `Kernel` with the engine workers, every other tab waits in that lock's queue,
 * which is the line of succession — and the others reach it over `BroadcastChannel`s (see
 * `protocol.ts`, `kernel-host.ts`). A `BroadcastChannel` named for one tab is a point-to-point link
 * that needs no broker: no SharedWorker (missing on Android Chrome; and WebGPU and threaded wasm do not
 * work in one) and no service worker (absent on a first visit and after a hard reload).
 *
 * Every tab keeps its own side of the state: its processes (their pids are chosen here, from a random
 * base, so they stay the same on any host), its model registrations (a source that is a function — blobs
 * read from IndexedDB — stays here; the host calls back for it when it loads the model) and its
 * unfinished jobs with what each already delivered. When the host tab closes, crashes or is discarded,
 * its lock passes to the next tab, which starts a kernel; every tab then attaches to it with all of
 * that state, and its unfinished jobs resume from what their callers received (by one prefill, as a
 * preempted job does: no token twice, none lost, greedy jobs exact). The closed tab's own processes
 * end with it.
 *
 * On the host tab every call goes straight to its `Kernel`. In the others, `submit()` returns at once:
 * input is checked here and refused synchronously as on a `Kernel`, but what only the host can decide
 * (a full queue, a quota, a model too large) rejects the job's `result` and makes its stream throw;
 * `ps()`, `jobs()`, `models()` and the budget read the host's last snapshot (sent right after the events
 * of each scheduling step), and `setBudget()` returns null (the `budget-changed` event follows).
 */
import { AbortError, PermissionError, UnknownModelError, UnknownProcessError, deserializeError, toLlmOsError } from '../../errors';
import type { ModelSource, TokenEvent, TokenLogprobs } from '../../protocol/engine';
import { validateOverrides, type Budget, type BudgetOverrides, type DeviceProbe } from '../device-budget';
import { KernelEvents, type KernelEventMap, type KernelEventType } from '../events';
import { buildRequest, Kernel, type KernelOptions } from '../kernel';
import type { KernelApi, KernelHostInfo, KernelTab } from '../kernel-api';
import { resolveRegistration, type RegisteredModel } from '../model-registry';
import { parsePriority, rankOf, type Priority } from '../priority';
import { ProcessTable } from '../process-table';
import { TokenChannel } from '../token-channel';
import type {
  AppInfo, JobHandle, JobInfo, JobResult, ModelRegistration, ProcessInfo, QuarantinedModel, ResidentModel, SpawnOptions, SubmitRequest,
} from '../types';
import { KernelHost } from './kernel-host';
import {
  busName, leaderLock, tabChannelName, tabLock, type BusMessage, type HostToTab, type JobSpec, type KernelCall, type KernelSnapshot, type ModelSpec,
  type ProcessSpec,
} from './protocol';

/** Options of a `TabKernel`: the host's `Kernel` options (used in whichever tab hosts), and the namespace. */
export interface TabKernelOptions extends KernelOptions {
  /** Name of the locks and channels (default `llmos-kernel`): tabs share a kernel within one namespace. */
  namespace?: string;
  /** This tab's name in other tabs' task managers (default: the page's title, else its path). */
  title?: () => string;
}

/** The default namespace. */
export const DEFAULT_NAMESPACE = 'llmos-kernel';

/** A job of this tab that runs on another tab's kernel (or was resubmitted to this one). */
class TabJob {
  text = '';
  events = 0;
  ids: number[] | null = [];
  readonly logprobs: TokenLogprobs[] | null;
  /** The id the hosting kernel gave it (the tab's key until admitted). */
  jobId: string;
  /** Whether a `result`/`failed` ended it. */
  done = false;
  /** Cancel asked: should its host close before the job ends, it ends here (stop reason `abort`) rather than resume. */
  cancelled = false;
  /** Its handle on this tab's own kernel, once it runs there (this tab became the host). */
  local: JobHandle | null = null;
  readonly stream: TokenChannel<TokenEvent>;
  readonly result: Promise<JobResult>;
  private settle!: { resolve: (r: JobResult) => void; reject: (e: unknown) => void };
  private readonly startedAt = performance.now();

  constructor(readonly key: string, readonly req: Omit<SubmitRequest, 'signal'>, private readonly onCancel: (j: TabJob) => void) {
    this.jobId = key;
    this.logprobs = req.params?.logprobs === undefined ? null : [];
    this.stream = new TokenChannel<TokenEvent>(() => onCancel(this));
    this.result = new Promise<JobResult>((resolve, reject) => { this.settle = { resolve, reject }; });
    this.result.catch(() => undefined);
  }

  spec(): JobSpec {
    return { key: this.key, req: this.req, from: { text: this.text, tokens: this.events, ids: this.ids, events: this.events } };
  }

  /** A token from the host: delivered unless already delivered (a resumed job's stream goes on). */
  token(t: TokenEvent): void {
    if (this.done || t.index < this.events) return;
    this.text += t.text;
    if (this.ids) {
      if (t.ids) this.ids.push(...t.ids);
      else if (t.text) this.ids = null;
    }
    const ev: TokenEvent = { text: t.text, index: this.events++ };
    if (t.logprobs) {
      ev.logprobs = t.logprobs;
      this.logprobs?.push(...t.logprobs);
    }
    this.stream.push(ev);
  }

  finish(r: JobResult): void {
    if (this.done) return;
    this.done = true;
    const result: JobResult = { ...r, text: this.text };
    if (this.logprobs) result.logprobs = this.logprobs;
    this.stream.close();
    this.settle.resolve(result);
  }

  fail(e: unknown): void {
    if (this.done) return;
    this.done = true;
    const err = toLlmOsError(e);
    this.stream.close(err);
    this.settle.reject(err);
  }

  /** End as cancelled without a host (stop reason `abort`, what was delivered). */
  abortHere(): void {
    const totalMs = performance.now() - this.startedAt;
    this.finish({
      text: this.text, stopReason: 'abort', jobId: this.jobId, queueWaitMs: 0, preemptions: 0, retries: 0, inexactResumes: 0, evaluatedTokens: 0, computedOn: { kind: 'device' },
      usage: { promptTokens: 0, completionTokens: this.events, ttftMs: totalMs, decodeTokensPerSec: 0, prefillTokensPerSec: 0, totalMs },
    });
  }

  handle(pid: number): JobHandle {
    const h = { id: this.jobId, pid, tokens: this.stream, result: this.result, cancel: () => this.onCancel(this) };
    // The id is the host kernel's once it admits the job.
    Object.defineProperty(h, 'id', { get: () => this.jobId, enumerable: true });
    return h;
  }
}

let tabJobSeq = 0;

/** The kernel every tab of the origin shares (see the file's comment). */
export class TabKernel implements KernelApi {
  readonly events: KernelEvents;
  readonly ready: Promise<Budget>;
  /** This tab's id (what `ProcessInfo.tab` names). */
  readonly tabId: string;
  private readonly ns: string;
  private readonly options: KernelOptions;
  private readonly title: () => string;
  private readonly fallback: KernelHostInfo['fallback'];
  /** The kernel, while this tab hosts it. */
  private local: Kernel | null = null;
  private server: KernelHost | null = null;
  private leader: KernelTab | null = null;
  /** Attached to the host tab `leader` (its welcome came and the attach went). */
  private attached = false;
  private bus: BroadcastChannel | null = null;
  private channel: BroadcastChannel | null = null;
  private snap: KernelSnapshot | null = null;
  private readonly own = new ProcessTable();
  private readonly specs = new Map<number, ProcessSpec>();
  private readonly regs = new Map<string, ModelRegistration>();
  private readonly tabJobs = new Map<string, TabJob>();
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private nextCall = 1;
  private pidBase = 0;
  private pidNext = 1000;
  private releaseLocks: (() => void)[] = [];
  private resolveReady!: (b: Budget) => void;
  private closed = false;

  constructor(options: TabKernelOptions = {}) {
    const { namespace, title, ...kernelOptions } = options;
    this.options = kernelOptions;
    this.ns = namespace ?? DEFAULT_NAMESPACE;
    this.title = title ?? (() => (globalThis.document?.title || globalThis.location?.pathname || 'tab').slice(0, 200));
    this.events = new KernelEvents(options.historyLimit);
    this.tabId = randomHex(8);
    this.ready = new Promise<Budget>((resolve) => { this.resolveReady = resolve; });
    this.fallback = typeof navigator === 'undefined' || !navigator.locks ? 'no-web-locks' : typeof BroadcastChannel === 'undefined' ? 'no-broadcast-channel' : null;
    if (this.fallback) {
      this.host_(); // a kernel of its own, as a page without a shared one
      return;
    }
    void this.join();
  }

  // ---- the election ----

  private async join(): Promise<void> {
    const ns = this.ns;
    // The tab's life lock first: the host learns from it that this tab is gone, so it must be held
    // before the host hears of this tab.
    await new Promise<void>((held) => {
      void navigator.locks.request(tabLock(ns, this.tabId), () => new Promise<void>((release) => {
        this.releaseLocks.push(release);
        held();
      }));
    });
    if (this.closed) return;
    this.channel = new BroadcastChannel(tabChannelName(ns, this.tabId));
    this.channel.onmessage = (ev: MessageEvent<HostToTab>) => this.onChannel(ev.data);
    this.bus = new BroadcastChannel(busName(ns));
    this.bus.onmessage = (ev: MessageEvent<BusMessage>) => this.onBus(ev.data);
    void navigator.locks.request(leaderLock(ns), () => {
      if (this.closed) return undefined;
      this.host_();
      return new Promise<void>((release) => this.releaseLocks.push(release));
    });
    this.bus.postMessage({ type: 'hello', tabId: this.tabId } satisfies BusMessage);
  }

  /** This tab hosts the kernel from now on: start it, and move this tab's processes, models and jobs onto it. */
  private host_(): void {
    const k = new Kernel(this.options);
    this.local = k;
    this.attached = false;
    // Through onHostEvent, as in other tabs: another tab may end or renice one of this tab's processes.
    k.events.on('*', (detail, type) => this.onHostEvent(type, detail));
    const self: KernelTab = { tabId: this.tabId, title: this.title() };
    if (!this.fallback) {
      this.server = new KernelHost(k, this.ns, self, () => this.hostChanged());
      this.leader = self;
    }
    for (const p of this.specs.values()) {
      try { k.spawn(p.app, p.options, this.owner(p.pid)); } catch { /* checked when spawned */ }
    }
    for (const r of this.regs.values()) {
      try { k.registerModel(r); } catch { /* checked when registered */ }
    }
    for (const j of this.tabJobs.values()) this.runHere(j);
    void k.ready.then((b) => this.resolveReady(b));
    this.hostChanged();
  }

  /** Run a job of this tab (one that waited for a host, or whose host closed) on this tab's kernel. */
  private runHere(j: TabJob): void {
    if (j.done) return;
    if (j.cancelled) return j.abortHere();
    let h: JobHandle;
    try {
      h = this.local!.submit(j.req, { continueFrom: j.spec().from, withIds: true });
    } catch (e) {
      return j.fail(e);
    }
    j.jobId = h.id;
    j.local = h;
    void (async () => {
      try {
        for await (const t of h.tokens) j.token(t);
        j.finish(await h.result);
      } catch (e) {
        j.fail(e);
      } finally {
        this.tabJobs.delete(j.key);
      }
    })();
  }

  private hostChanged(): void {
    this.events.emit('host-changed', { host: this.host, at: Date.now() });
  }

  private onBus(m: BusMessage): void {
    if (this.closed || this.local || typeof m !== 'object' || m === null) return;
    if (m.type === 'leader') {
      if (this.leader?.tabId !== m.tab.tabId) {
        // A new host (the old one closed): ask it to open this tab's channel, then attach.
        this.leader = m.tab;
        this.attached = false;
        this.bus?.postMessage({ type: 'hello', tabId: this.tabId } satisfies BusMessage);
        this.hostChanged();
      }
    } else if (m.type === 'event' && m.from === this.leader?.tabId) {
      this.onHostEvent(m.event.type, m.event.detail);
    } else if (m.type === 'state' && m.from === this.leader?.tabId) {
      this.setSnapshot(m.state);
    }
  }

  private onHostEvent<K extends KernelEventType>(type: K, detail: KernelEventMap[K]): void {
    // Another tab killed or reniced one of this tab's processes: keep this tab's copy in step.
    if (type === 'process-exited' || type === 'process-reniced') {
      const d = detail as KernelEventMap['process-exited'] & { priority?: Priority };
      const p = this.ownProcess(d.pid);
      if (p && type === 'process-exited') this.exitOwn(d.pid);
      else if (p && d.priority) p.priority = d.priority;
    }
    this.events.emit(type, detail);
  }

  private setSnapshot(s: KernelSnapshot): void {
    const ids = (x: KernelSnapshot | null) => x?.tabs.map((t) => `${t.tabId}:${t.title}`).join() ?? null;
    const changed = ids(this.snap) !== ids(s);
    this.snap = s;
    if (s.budget) this.resolveReady(s.budget);
    if (changed) this.hostChanged(); // the first state, or a tab attached or gone
  }

  private onChannel(m: HostToTab): void {
    if (this.closed || this.local || typeof m !== 'object' || m === null) return;
    switch (m.type) {
      case 'welcome': {
        if (this.attached && this.leader?.tabId === m.host.tabId) return;
        this.leader = m.host;
        this.attached = true;
        const procs = [...this.specs.values()];
        const models = [...this.regs.values()].map(modelSpec);
        const jobs: JobSpec[] = [];
        for (const j of this.tabJobs.values()) {
          if (j.done) continue;
          if (j.cancelled) j.abortHere();
          else jobs.push(j.spec());
        }
        this.channel!.postMessage({ type: 'attach', title: this.title(), procs, models, jobs });
        this.hostChanged();
        break;
      }
      case 'reply': {
        const c = this.calls.get(m.id);
        this.calls.delete(m.id);
        if (m.error) c?.reject(deserializeError(m.error));
        else c?.resolve(m.value);
        break;
      }
      case 'admitted': {
        const j = this.tabJobs.get(m.key);
        if (j) j.jobId = m.jobId;
        break;
      }
      case 'tokens': {
        const j = this.tabJobs.get(m.key);
        if (j) for (const t of m.events) j.token(t);
        break;
      }
      case 'result':
        this.tabJobs.get(m.key)?.finish(m.result);
        this.tabJobs.delete(m.key);
        break;
      case 'failed':
        this.tabJobs.get(m.key)?.fail(deserializeError(m.error));
        this.tabJobs.delete(m.key);
        break;
      case 'need-source':
        void this.giveSource(m.id, m.model);
        break;
      case 'state':
        this.setSnapshot(m.state);
        break;
    }
  }

  private async giveSource(id: number, model: string): Promise<void> {
    const reg = this.regs.get(model);
    let source: ModelSource | undefined;
    try {
      if (!reg) throw new UnknownModelError(`This tab no longer has model ${model}`, { model });
      source = typeof reg.source === 'function' ? await reg.source() : reg.source;
      this.channel?.postMessage({ type: 'source', id, source });
    } catch (e) {
      this.channel?.postMessage({ type: 'source', id, error: toLlmOsError(e).toJSON() });
    }
  }

  /** A call of the host's kernel (answered when attached; sent with the attach otherwise). */
  private call(c: KernelCall): Promise<unknown> {
    if (!this.attached) return Promise.resolve(null);
    const id = this.nextCall++;
    const p = new Promise<unknown>((resolve, reject) => this.calls.set(id, { resolve, reject }));
    p.catch(() => undefined);
    this.channel!.postMessage({ type: 'call', id, ...c });
    return p;
  }

  // ---- the API ----

  get host(): KernelHostInfo {
    return {
      mode: this.fallback ? 'private' : 'shared', fallback: this.fallback, tabId: this.fallback ? null : this.tabId, local: this.local !== null,
      leader: this.leader, tabs: this.fallback ? [] : this.server ? this.server.attached() : this.snap?.tabs ?? [],
    };
  }

  get budget(): Budget | null {
    return this.local ? this.local.budget : this.snap?.budget ?? null;
  }

  get probe(): DeviceProbe | null {
    return this.local ? this.local.probe : this.snap?.probe ?? null;
  }

  usage(): { vramBytes: number; ramBytes: number } {
    return this.local ? this.local.usage() : this.snap?.usage ?? { vramBytes: 0, ramBytes: 0 };
  }

  setBudget(overrides: { [K in keyof BudgetOverrides]?: BudgetOverrides[K] | null }): Budget | null {
    if (this.local) return this.local.setBudget(overrides);
    validateOverrides(Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== null)));
    void this.call({ method: 'setBudget', args: [overrides as Record<string, number | null>] });
    return null;
  }

  spawn(app: AppInfo, options: SpawnOptions): number {
    if (this.closed) throw new UnknownProcessError('The kernel has been shut down', { shutdown: true });
    const pid = this.allocPid();
    this.own.spawn(app, options, pid, this.tabId); // checks the input, as the host will
    const spec: ProcessSpec = { pid, app: { ...app }, options: structuredCloneable(options) };
    this.specs.set(pid, spec);
    if (this.local) this.local.spawn(app, options, this.owner(pid));
    else void this.call({ method: 'spawn', args: [spec] });
    return pid;
  }

  kill(pid: number): void {
    if (this.local) {
      this.local.kill(pid);
      if (this.ownProcess(pid)) this.exitOwn(pid);
      return;
    }
    const mine = this.ownProcess(pid);
    if (!mine && !this.snap?.ps.some((p) => p.pid === pid && p.state !== 'exited')) {
      throw new UnknownProcessError(`No process ${String(pid)}`, { pid: String(pid) });
    }
    if (mine) {
      this.exitOwn(pid);
      if (!this.attached) for (const j of this.tabJobs.values()) if (j.req.pid === pid) j.abortHere();
    }
    void this.call({ method: 'kill', args: [pid] });
  }

  renice(pid: number, priority: Priority): void {
    const prio = parsePriority(priority);
    const mine = this.ownProcess(pid);
    if (mine) {
      mine.checkPriority(prio);
      mine.priority = prio;
      this.specs.get(pid)!.options = { ...this.specs.get(pid)!.options, priority: prio };
    }
    if (this.local) return this.local.renice(pid, prio);
    const theirs = mine ? null : this.snap?.ps.find((p) => p.pid === pid && p.state !== 'exited');
    if (!mine && !theirs) throw new UnknownProcessError(`No process ${String(pid)}`, { pid: String(pid) });
    // Another tab's process: its quota, as the host last reported it, decides here as it will there.
    const max = theirs?.quota.maxPriority;
    if (max !== undefined && rankOf(prio) > rankOf(max)) {
      throw new PermissionError(`Process ${pid} may not use priority ${prio} (its quota allows up to ${max})`, { pid, priority: prio, maxPriority: max });
    }
    void this.call({ method: 'renice', args: [pid, prio] });
  }

  registerModel(reg: ModelRegistration): RegisteredModel {
    const resolved = this.local ? this.local.registerModel(reg) : resolveRegistration(reg);
    this.regs.set(resolved.id, reg);
    if (!this.local) void this.call({ method: 'registerModel', args: [modelSpec(reg)] });
    return resolved;
  }

  unregisterModel(id: string): boolean {
    if (this.local) {
      const ok = this.local.unregisterModel(id);
      if (ok) this.regs.delete(id);
      return ok;
    }
    const known = this.regs.delete(id) || (this.snap?.registered.some((m) => m.id === id) ?? false);
    void this.call({ method: 'unregisterModel', args: [id] });
    return known;
  }

  registeredModels(): RegisteredModel[] {
    if (this.local) return this.local.registeredModels();
    const out = new Map<string, RegisteredModel>();
    for (const m of this.snap?.registered ?? []) {
      const mine = this.regs.get(m.id);
      out.set(m.id, { ...m, source: mine ? mine.source : m.source === 'function' ? notHere(m.id) : m.source });
    }
    for (const r of this.regs.values()) if (!out.has(r.id)) out.set(r.id, resolveRegistration(r));
    return [...out.values()];
  }

  quarantined(): QuarantinedModel[] {
    return this.local ? this.local.quarantined() : this.snap?.quarantined ?? [];
  }

  clearQuarantine(model: string): boolean {
    if (this.local) return this.local.clearQuarantine(model);
    const known = this.quarantined().some((q) => q.model === model);
    void this.call({ method: 'clearQuarantine', args: [model] });
    return known;
  }

  submit(req: SubmitRequest): JobHandle {
    if (this.local) return this.local.submit(req);
    const { signal, ...rest } = req ?? ({} as SubmitRequest);
    const proc = this.ownProcess(req?.pid);
    if (!proc) {
      if (this.snap?.ps.some((p) => p.pid === req?.pid && p.state !== 'exited')) {
        throw new PermissionError(`Process ${String(req?.pid)} belongs to another tab`, { pid: String(req?.pid) });
      }
      throw new UnknownProcessError(`No process ${String(req?.pid)}`, { pid: String(req?.pid) });
    }
    if (!this.regs.has(req.model) && !this.snap?.registered.some((m) => m.id === req.model)) {
      throw new UnknownModelError(`Unknown model: ${String(req.model)}`, { model: String(req.model) });
    }
    buildRequest(req); // refuses a malformed request here, as the host would
    if (req.priority !== undefined) proc.checkPriority(parsePriority(req.priority));
    proc.checkModel(req.model);
    const j = new TabJob(`tab-${this.tabId}-${tabJobSeq++}`, structuredCloneable(rest), (job) => this.cancel(job));
    this.tabJobs.set(j.key, j);
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.cancel(j));
      else signal.addEventListener('abort', () => this.cancel(j), { once: true });
    }
    if (this.attached) this.channel!.postMessage({ type: 'submit', job: j.spec() });
    return j.handle(proc.pid);
  }

  private cancel(j: TabJob): void {
    if (j.done) return;
    // Kept, so that a job whose host closed before the cancel reached it ends instead of resuming.
    j.cancelled = true;
    if (j.local) j.local.cancel();
    else if (this.attached) this.channel!.postMessage({ type: 'cancel', key: j.key });
  }

  ps(): ProcessInfo[] {
    if (this.local) return this.local.ps();
    const rows = [...(this.snap?.ps ?? [])];
    // This tab's processes the host has not reported yet.
    for (const p of this.own.all()) {
      if (!p.exited && !rows.some((r) => r.pid === p.pid)) {
        rows.push({
          pid: p.pid, name: p.name, appId: p.appId, tab: this.tabId, priority: p.priority, weight: p.weight, quota: p.quota, state: 'sleeping',
          model: null, queuedJobs: 0, runningJobs: 0, metrics: p.metrics(), kv: { tokens: 0, bytes: 0 },
        });
      }
    }
    return rows;
  }

  jobs(): JobInfo[] {
    return this.local ? this.local.jobs() : this.snap?.jobs ?? [];
  }

  models(): ResidentModel[] {
    return this.local ? this.local.models() : this.snap?.models ?? [];
  }

  /**
   * End this tab's part: its jobs are cancelled and its processes end; on the host tab the kernel
   * shuts down and the next tab in line takes over (its jobs resume there).
   */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.local) {
      this.server?.close();
      this.local.shutdown();
    } else {
      for (const pid of this.specs.keys()) {
        if (this.attached) this.channel?.postMessage({ type: 'call', id: this.nextCall++, method: 'kill', args: [pid] });
      }
      for (const j of this.tabJobs.values()) j.fail(new AbortError('The kernel has been shut down', { shutdown: true }));
    }
    this.tabJobs.clear();
    for (const c of this.calls.values()) c.reject(new AbortError('The kernel has been shut down', { shutdown: true }));
    this.calls.clear();
    this.bus?.close();
    this.channel?.close();
    for (const release of this.releaseLocks) release();
  }

  /** The spawn argument of one of this tab's processes: its pid, and this tab as owner (none in private mode). */
  private owner(pid: number): { pid: number; tab?: string } {
    return this.fallback ? { pid } : { pid, tab: this.tabId };
  }

  private ownProcess(pid: unknown) {
    const p = typeof pid === 'number' && this.specs.has(pid) ? this.own.get(pid) : null;
    return p && !p.exited ? p : null;
  }

  private exitOwn(pid: number): void {
    const p = this.ownProcess(pid);
    if (p) this.own.exit(p);
    this.specs.delete(pid);
  }

  /** Pids from a random base per tab, so that a process keeps its pid on any host. */
  private allocPid(): number {
    if (this.pidNext >= 999) {
      this.pidBase = 1000 * (1 + Math.floor(Math.random() * 2 ** 20));
      this.pidNext = 1;
    }
    return this.pidBase + this.pidNext++;
  }
}

function modelSpec(reg: ModelRegistration): ModelSpec {
  const { source, ...rest } = reg;
  return typeof source === 'function' ? { ...structuredCloneable(rest), sourceFromTab: true } : { ...structuredCloneable(rest), source };
}

function notHere(id: string): () => Promise<ModelSource> {
  return () => Promise.reject(new UnknownModelError(`Model ${id} was registered by another tab`, { model: id }));
}

/**
 * A copy without functions (a tool's `execute`, callbacks): what a `BroadcastChannel` can carry. Plain
 * objects and arrays are copied; everything else (numbers such as `Infinity`, blobs, buffers, typed
 * arrays) is kept as it is, for structured clone.
 */
function structuredCloneable<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => structuredCloneable(x)) as T;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'function') out[k] = structuredCloneable(x);
    return out as T;
  }
  return v;
}

function randomHex(n: number): string {
  const b = crypto.getRandomValues(new Uint8Array(Math.ceil(n / 2)));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('').slice(0, n);
}
