/**
 * One tab of the cross-tab benchmark (bench/cross-tab/run.ts opens several in one browser context and
 * drives them through `window.__tab`). Query: `mode=shared` (default: a `TabKernel` of namespace `ns`,
 * what every page of the app builds) or `mode=private` (a `Kernel` of its own: the behaviour before the
 * cross-tab kernel); `threads`: llama.cpp threads (default 1). One wllama worker slot, a 2 GB RAM budget,
 * the one-character fixtures (greedy output tokenises back: a job resumed on another tab is exact).
 */
import { TabKernel } from '../../src/kernel/cross-tab/tab-kernel';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel';
import type { KernelApi } from '../../src/kernel/kernel-api';
import { describeGguf } from '../../src/kernel/model-registry';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import type { JobHandle } from '../../src/kernel/types';
import { TINY_CHARS_URL } from '../../test/helpers/engines';
import { BENCH_CHARS_URL, CHARS_BIAS } from '../kernel-overhead/kernel-bench-utils';

const query = new URLSearchParams(location.search);
const mode = query.get('mode') === 'private' ? 'private' : 'shared';
const THREADS = Math.max(1, Number(query.get('threads') ?? 1) || 1);

/**
 * `throttle=<ms>`: this page's timers fire only at whole multiples of that many ms, as a hidden tab's do
 * (Chrome aligns them to whole seconds, and under intensive throttling chained ones to minutes) —
 * headless Chromium here never hides a page, so the benchmark emulates it. Workers are not touched
 * (browsers do not throttle them either).
 */
const ALIGN_MS = Math.max(0, Number(query.get('throttle') ?? 0) || 0);
if (ALIGN_MS > 0) {
  const aligned = (ms: unknown) => {
    const now = performance.now();
    return Math.ceil((now + Math.max(0, Number(ms) || 0)) / ALIGN_MS) * ALIGN_MS - now;
  };
  const nativeTimeout = globalThis.setTimeout.bind(globalThis);
  const nativeInterval = globalThis.setInterval.bind(globalThis);
  globalThis.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => nativeTimeout(fn, aligned(ms), ...args)) as typeof setTimeout;
  globalThis.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => nativeInterval(fn, Math.max(ALIGN_MS, Number(ms) || 0), ...args)) as typeof setInterval;
}

/** The models a tab can register: id → URL and context a sequence. */
const MODELS: Record<string, { url: string; nCtx: number }> = {
  'tiny-chars': { url: TINY_CHARS_URL, nCtx: 1024 },
  'bench-40m-chars': { url: BENCH_CHARS_URL, nCtx: 1024 },
};

const options: KernelOptions = {
  createEngine: async () => EngineClient.start(),
  settings: memorySettingsStore(),
  budget: { slots: 1, ramMB: 2048, vramMB: 0 },
};
const kernel: KernelApi = mode === 'private'
  ? new Kernel(options)
  : new TabKernel({ ...options, namespace: query.get('ns') ?? 'bench-cross-tab', title: () => `bench tab ${query.get('i') ?? ''}` });

/** Wall-clock ms with sub-ms resolution, comparable across tabs and with the driver (Node). */
const epoch = () => performance.timeOrigin + performance.now();

/** When this tab started hosting the kernel (epoch ms), and the model loads its kernel reported. */
let hostingSince: number | null = kernel.host.local ? epoch() : null;
const loads: { model: string; ms: number; at: number }[] = [];
kernel.events.on('host-changed', (d) => { if (d.host.local && hostingSince === null) hostingSince = epoch(); });
kernel.events.on('model-loaded', (d) => { if (kernel.host.local) loads.push({ model: d.model, ms: d.ms, at: epoch() }); });

let pid: number | null = null;
const costs = new Map<string, { weightBytes: number; kvBytes: number }>();

/** What one job looked like to the tab that submitted it. */
export interface JobTiming {
  jobId: string;
  submittedAt: number;
  /** When a hosting kernel took the job (its id stops being this tab's key), epoch ms. */
  admittedAt: number;
  firstTokenAt: number;
  ttftMs: number;
  /** Tokens/s between the first and the last token, as this tab received them. */
  decodeTps: number;
  tokens: number;
  text: string;
  /** The engine's own decode rate (`usage.decodeTokensPerSec` of the result): what the worker achieved. */
  engineTps: number;
}

async function consume(h: JobHandle, submittedAt: number): Promise<JobTiming> {
  let admittedAt = h.id.startsWith('tab-') ? 0 : submittedAt;
  let first = 0, last = 0, n = 0, text = '';
  let engineTps: number;
  const watch = admittedAt ? null : setInterval(() => { if (!h.id.startsWith('tab-')) { admittedAt = epoch(); clearInterval(watch!); } }, 2);
  try {
    for await (const t of h.tokens) {
      const now = epoch();
      if (n++ === 0) first = now;
      last = now;
      text += t.text;
    }
    engineTps = (await h.result).usage.decodeTokensPerSec;
  } finally {
    if (watch) clearInterval(watch);
  }
  return {
    jobId: h.id, submittedAt, admittedAt: admittedAt || first, firstTokenAt: first, ttftMs: first - submittedAt,
    decodeTps: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n, text, engineTps,
  };
}

const tab = {
  mode,
  kernel,
  epoch,
  /** Resolves once this tab hosts the kernel or is attached to the host (private: once probed). */
  async ready(): Promise<void> {
    await kernel.ready;
    while (mode === 'shared' && !(kernel.host.local || kernel.host.tabs.some((t) => t.tabId === kernel.host.tabId))) {
      await new Promise((r) => setTimeout(r, 5));
    }
  },
  /** Register a fixture (costs from its GGUF header) and spawn this tab's process. */
  async register(id: string): Promise<void> {
    const m = MODELS[id]!;
    let cost = costs.get(id);
    if (!cost) costs.set(id, cost = await describeGguf(await (await fetch(m.url)).blob(), m.nCtx));
    kernel.registerModel({
      id, engine: 'wllama', source: { kind: 'gguf-url', id, url: m.url }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes,
      nCtx: m.nCtx, loadOptions: { nThreads: THREADS },
    });
    pid ??= kernel.spawn({ name: `bench tab ${query.get('i') ?? ''}`, appId: 'bench.cross-tab' }, { priority: 'normal' });
  },
  /** One greedy job of this tab, timed as its consumer sees it. */
  job(model: string, maxTokens: number, prompt = 'the kernel of the model'): Promise<JobTiming> {
    const submittedAt = epoch();
    return consume(kernel.submit({ pid: pid!, model, prompt, params: { maxTokens, temperature: 0, ignoreEos: true, logitBias: CHARS_BIAS } }), submittedAt);
  },
  /** What this tab's own kernel holds: nothing unless it hosts (a follower's `usage()` is the host's). */
  held(): { local: boolean; bytes: number; models: string[] } {
    if (!kernel.host.local) return { local: false, bytes: 0, models: [] };
    const u = kernel.usage();
    return { local: true, bytes: u.ramBytes + u.vramBytes, models: kernel.models().map((r) => r.id) };
  },
  host(): { tabId: string | null; local: boolean; leader: string | null } {
    return { tabId: kernel.host.tabId, local: kernel.host.local, leader: kernel.host.leader?.tabId ?? null };
  },
  hostingSince: () => hostingSince,
  loads: () => loads,
};

(window as unknown as { __tab: typeof tab }).__tab = tab;
document.getElementById('out')!.textContent = `cross-tab bench tab (${mode})`;
