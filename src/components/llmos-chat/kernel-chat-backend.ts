/**
 * `KernelChatBackend`: the `ChatBackend` of a chat over the kernel. Every reply is a job admitted by an
 * `AppSession` (the one admission path: model resolved, images refused for a text-only model before it
 * loads, the model's defaults merged under the request's parameters, then `kernel.submit`), so the
 * scheduler places, queues, preempts and meters it like any other job and the task manager sees it.
 * Aborting the signal cancels the job. Every request field but the messages travels as the job's
 * parameters, the tool fields (`tools`, `toolChoice`, `parallelToolCalls`) of a chat with tools included.
 *
 * Standalone elements (attributes `model`, `app-id`, `priority`) give `appId` and get a process of their
 * own, ended by `close()`; before a reply needs a model that is not resident, `beforeLoad` is asked
 * (elements fire their cancelable `llmos-request-load` there) and a refusal fails the reply with
 * `PermissionError`. The desktop gives the `session` of a window's process instead, with a per-job
 * `priority` and the model's `keepAliveMs`.
 */
import type { GenerateRequest, GenerateResult, InputModality, TokenEvent } from '../../protocol/engine';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import { AppSession, type BeforeLoad } from '../../api/app-session';
import type { ChatBackend } from './chat-backend';

export type { BeforeLoad };

/** Options of `KernelChatBackend`. */
export interface KernelChatBackendOptions {
  /** Registered model id or GGUF URL. */
  model: string;
  /** The process the replies run in; without it one is spawned for `appId` (and ended by `close()`). */
  session?: AppSession;
  /** App id of the spawned process (required without `session`). */
  appId?: string;
  /** Priority class of the spawned process; with `session`, the priority of each job instead. */
  priority?: Priority;
  /** Process name in `ps()`. */
  name?: string;
  kernel?: KernelApi;
  beforeLoad?: BeforeLoad;
  /** Model keep-alive after each reply, ms (-1 pins, 0 unloads at once). */
  keepAliveMs?: number;
}

/** A chat backend whose replies are kernel jobs of one process. */
export class KernelChatBackend implements ChatBackend {
  readonly session: AppSession;
  private readonly jobPriority: Priority | undefined;

  constructor(private readonly options: KernelChatBackendOptions) {
    if (options.session) {
      this.session = options.session;
      this.jobPriority = options.priority;
    } else {
      const appId = options.appId ?? '';
      this.session = new AppSession({
        appId, name: options.name ?? appId, ...(options.priority ? { priority: options.priority } : {}), ...(options.kernel ? { kernel: options.kernel } : {}),
      }, 'interactive');
      this.jobPriority = undefined;
    }
  }

  get kernel(): KernelApi {
    return this.session.kernel;
  }

  get pid(): number {
    return this.session.pid;
  }

  get model(): string {
    return this.options.model;
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
    const { messages, prompt, replayPrefix: _p, replayTokens: _t, resume: _r, ...params } = request;
    const handle = await this.session.submit({
      model: this.options.model, params, signal,
      ...(messages ? { messages } : {}), ...(prompt !== undefined ? { prompt } : {}),
      ...(this.options.beforeLoad ? { beforeLoad: this.options.beforeLoad } : {}),
      ...(this.jobPriority ? { priority: this.jobPriority } : {}),
      ...(this.options.keepAliveMs !== undefined ? { keepAliveMs: this.options.keepAliveMs } : {}),
    });
    for await (const t of handle.tokens) onToken(t);
    return handle.result;
  }

  /**
   * What the model takes as input (`['text', 'image']` for a vision model), or `undefined` when only
   * loading it would tell (see `api/model-inputs.ts`). An element can offer image attachment by it.
   */
  inputs(signal?: AbortSignal): Promise<InputModality[] | undefined> {
    return this.session.inputs(this.options.model, signal);
  }

  /** End the element's own process (a reply in progress is cancelled); a given `session` is left alone. */
  close(): void {
    if (!this.options.session) this.session.close();
  }
}
