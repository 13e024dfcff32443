/**
 * What the built-in AI task APIs (Summarizer, Writer, Rewriter, Proofreader, Translator) run on: a
 * configuration (model, kernel, languages, limits), shared by one API's class, and a `TaskBackend` per
 * instance — the instance's own kernel process (spawned at `create()`, ended by `destroy()`, so each
 * instance shows in the task manager) or, for an app window, the window's process. Over the
 * cross-origin bridge the backend is the bridge connection instead (`bridge-backend.ts`).
 */
import type { ChatMessage } from '../../protocol/engine';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { JobParams } from '../../kernel/types';
import type { OutputConstraint } from '../../constraints/output-check';
import { AppSession } from '../app-session';
import { languagesSupported } from '../prompt-api/language-model-env';
import { measureMessages, templateOverhead } from '../prompt-api/token-counter';
import { resolveModel } from '../model-ref';
import { getSharedKernel } from '../shared-kernel';
import type { Availability } from '../prompt-api/language-model-polyfill';

/** Configuration of the task APIs (`createBuiltInAi()`). */
export interface BuiltInAiOptions {
  /** The model behind the APIs: a registered model id or a GGUF URL. */
  model: string;
  /** Kernel to run on (default: the page's shared kernel). */
  kernel?: KernelApi;
  /**
   * Run every instance's jobs in this existing process (an app window's) instead of spawning a process
   * per instance. The process is not ended by `destroy()`.
   */
  pid?: number;
  /** Priority class of the instances' processes (default `interactive`: a user is usually waiting). */
  priority?: Priority;
  /**
   * BCP 47 tags the model handles; others make `availability()` `unavailable` and `create()` reject
   * with `NotSupportedError`. Default: any language the browser knows by name (`Intl.DisplayNames`).
   */
  languages?: string[];
  /** Extra generation parameters for every call (e.g. a logit bias). */
  params?: JobParams;
  /** Longest output of one call, tokens (default 1024; each API asks for less where its options say so). */
  maxOutputTokens?: number;
  /**
   * Make `create()` reject with `NotAllowedError` while the model still has to be downloaded and the page
   * has had no user gesture (as Chromium does). Default false.
   */
  requireUserActivation?: boolean;
}

/** One generation a task asks for. */
export interface TaskRequest {
  messages: ChatMessage[];
  maxTokens: number;
  constraint?: OutputConstraint;
}

/** What an instance runs on: the kernel (its process) or a bridge connection. */
export interface TaskBackend {
  /** Make the model resident (progress in [0, 1]); resolves with the tokens one request may hold. */
  prepare(onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<number>;
  /** Tokens `messages` take in a request (without the template's once-per-request tokens). */
  measure(messages: ChatMessage[], signal: AbortSignal): Promise<number>;
  /** Generate; `onText` receives the text as it streams. Rejects with the typed error of the failure. */
  generate(request: TaskRequest, signal: AbortSignal, onText?: (chunk: string) => void): Promise<string>;
  /** End the instance's process (its jobs are cancelled). */
  close(): void;
}

/** Where a task API's model stands, and the backends of its instances. */
export interface TaskEnvironment {
  readonly options: { languages?: string[] | undefined; maxOutputTokens?: number | undefined; requireUserActivation?: boolean | undefined };
  availability(signal?: AbortSignal): Promise<Availability>;
  /** Whether the model handles every one of these (canonical) language tags. */
  supportsLanguages(tags: readonly string[]): boolean;
  /** A backend for a new instance of the API `api` (its process is named after it). */
  backend(api: { appId: string; name: string }): TaskBackend;
}

/** Default context when a registration names none (the engines' default). */
const DEFAULT_NCTX = 2048;

/** The task APIs over a kernel in this page. */
export class KernelTaskEnv implements TaskEnvironment {
  readonly kernel: KernelApi;

  constructor(readonly options: BuiltInAiOptions) {
    this.kernel = options.kernel ?? getSharedKernel();
  }

  /** The registered id of the model (a GGUF URL is registered on first use). */
  model(signal?: AbortSignal): Promise<string> {
    return resolveModel(this.kernel, this.options.model, signal);
  }

  supportsLanguages(tags: readonly string[]): boolean {
    return languagesSupported(this.options.languages, tags);
  }

  /** `available` when loaded, `downloading` while loading, `downloadable` else; `unavailable` if it cannot run. */
  async availability(signal?: AbortSignal): Promise<Availability> {
    try {
      const model = await this.model(signal);
      const reg = this.kernel.registeredModels().find((m) => m.id === model);
      if (!reg) return 'unavailable';
      const r = this.kernel.models().find((m) => m.id === model);
      if (r?.state === 'loaded') return 'available';
      return r?.state === 'loading' ? 'downloading' : 'downloadable';
    } catch {
      return 'unavailable';
    }
  }

  backend(api: { appId: string; name: string }): TaskBackend {
    const session = this.options.pid !== undefined
      ? AppSession.attach(this.kernel, this.options.pid)
      : new AppSession({ appId: api.appId, name: api.name, kernel: this.kernel, ...(this.options.priority ? { priority: this.options.priority } : {}) }, 'interactive');
    return new KernelTaskBackend(this, session);
  }
}

/** An instance's process on the kernel. */
class KernelTaskBackend implements TaskBackend {
  #model: string | null = null;

  constructor(private readonly env: KernelTaskEnv, private readonly session: AppSession) {}

  private get kernel(): KernelApi { return this.env.kernel; }

  private params(model: string): JobParams {
    return this.session.params(model, this.env.options.params);
  }

  async prepare(onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<number> {
    const model = this.#model = await this.env.model(signal);
    const off = this.kernel.events.on('model-progress', (d) => { if (d.model === model && d.fraction < 1) onProgress(d.fraction); });
    try {
      const resident = this.kernel.models().some((m) => m.id === model && m.state === 'loaded');
      // The first count makes the model resident (its progress is the monitor's); it finds the overhead too.
      const overhead = await templateOverhead(this.kernel, this.session.pid, model, this.params(model), signal, !resident);
      const reg = this.kernel.registeredModels().find((m) => m.id === model);
      return Math.max(1, (reg?.nCtx ?? reg?.loadOptions?.nCtx ?? DEFAULT_NCTX) - overhead);
    } finally {
      off();
    }
  }

  async measure(messages: ChatMessage[], signal: AbortSignal): Promise<number> {
    const model = this.#model ?? await this.env.model(signal);
    return measureMessages(this.kernel, this.session.pid, model, messages, this.params(model), signal);
  }

  async generate(request: TaskRequest, signal: AbortSignal, onText?: (chunk: string) => void): Promise<string> {
    const model = this.#model ?? await this.env.model(signal);
    const params: JobParams = { ...this.env.options.params, maxTokens: request.maxTokens };
    const handle = await this.session.submit({ model, messages: request.messages, params, signal, ...(request.constraint ? { constraint: request.constraint } : {}) });
    if (onText) for await (const t of handle.tokens) if (t.text && !signal.aborted) onText(t.text);
    const r = await handle.result;
    if (r.stopReason === 'abort' || r.stopReason === 'interrupt') throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
    return r.text;
  }

  close(): void {
    this.session.close();
  }
}
