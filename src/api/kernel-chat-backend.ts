/**
 * `KernelChatBackend`: the `ChatBackend` an element uses when it runs standalone (attributes `model`,
 * `app-id`, `priority`): one kernel process per element, each reply a job of it. Before a reply needs a
 * model that is not resident, `beforeLoad` is asked (elements fire their cancelable
 * `llmos-request-load` there); a refusal fails the reply with `PermissionError`. Messages may carry
 * images (`ChatMessage.images`); a model known to take none refuses them with `UnsupportedInputError`
 * before it is loaded.
 */
import { AbortError, PermissionError, UnsupportedInputError } from '../errors';
import type { GenerateRequest, GenerateResult, InputModality, ModelSource, TokenEvent } from '../protocol/engine';
import type { Kernel } from '../kernel/kernel';
import type { Priority } from '../kernel/priority';
import type { ChatBackend } from '../components/llmos-chat/chat-backend';
import { spawnAppProcess } from './app-identity';
import { acceptsImages, modelInputs } from './model-inputs';
import { modelDefaults, resolveModel } from './model-ref';
import { getSharedKernel } from './shared-kernel';

/** What the backend asks before a model is loaded. Return false to refuse. */
export type BeforeLoad = (info: { model: string; engine: string; source: ModelSource | null }) => boolean;

/** Options of `KernelChatBackend`. */
export interface KernelChatBackendOptions {
  /** Registered model id or GGUF URL. */
  model: string;
  appId: string;
  priority?: Priority;
  /** Process name in `ps()`. */
  name?: string;
  kernel?: Kernel;
  beforeLoad?: BeforeLoad;
}

/** A chat backend whose replies are kernel jobs of one process. */
export class KernelChatBackend implements ChatBackend {
  readonly kernel: Kernel;
  readonly pid: number;
  private closed = false;

  constructor(private readonly options: KernelChatBackendOptions) {
    this.kernel = options.kernel ?? getSharedKernel();
    this.pid = spawnAppProcess(this.kernel, { appId: options.appId, name: options.name ?? options.appId, ...(options.priority ? { priority: options.priority } : {}) }, 'interactive');
  }

  get model(): string {
    return this.options.model;
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
    if (signal.aborted) throw new AbortError('Aborted before it started', {}, { cause: signal.reason });
    const model = await resolveModel(this.kernel, this.options.model, signal);
    if (request.messages?.some((m) => m.images?.length) && acceptsImages(this.kernel, model) === false) {
      // Refused before the model is loaded (or `beforeLoad` asked) when it is known to take no images.
      throw new UnsupportedInputError(`Model ${model} does not accept images`, { input: 'image', modelId: model });
    }
    const resident = this.kernel.models().some((m) => m.id === model);
    if (!resident && this.options.beforeLoad) {
      const reg = this.kernel.registeredModels().find((m) => m.id === model);
      const source = reg && typeof reg.source !== 'function' ? reg.source : null;
      if (!this.options.beforeLoad({ model, engine: reg?.engine ?? 'wllama', source })) {
        throw new PermissionError(`Loading model ${model} was declined by the page`, { model });
      }
    }
    const { messages, prompt, ...params } = request;
    const handle = this.kernel.submit({
      pid: this.pid, model, params: { ...modelDefaults(this.kernel, model), ...params }, signal,
      ...(messages ? { messages } : {}), ...(prompt !== undefined ? { prompt } : {}),
    });
    for await (const t of handle.tokens) onToken(t);
    return handle.result;
  }

  /**
   * What the model takes as input (`['text', 'image']` for a vision model), or `undefined` when only
   * loading it would tell (see `model-inputs.ts`). An element can offer image attachment by it.
   */
  async inputs(signal?: AbortSignal): Promise<InputModality[] | undefined> {
    return modelInputs(this.kernel, await resolveModel(this.kernel, this.options.model, signal));
  }

  /** End the element's process (a reply in progress is cancelled). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.kernel.kill(this.pid);
    } catch {
      // Already killed (e.g. from the task manager).
    }
  }
}
