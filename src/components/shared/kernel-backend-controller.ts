/**
 * Standalone mode of a generating element: with a `model` attribute and no backend given, the element
 * runs on the page's shared kernel as its own process (attributes `app-id`, `priority`). The kernel
 * code is imported on first use only, so an element given a backend never loads it. The process is
 * ended when the element leaves the page, and replaced when `model`, `app-id` or `priority` change (or
 * when it was killed from a task manager).
 *
 * The standalone pattern, one for every element: standalone mode is built into the element class itself
 * (no standalone subclass), so one class serves a tag wherever it is defined — its `define.ts`, the
 * elements library (src/embed/elements.ts) and the public exports (src/index.ts). It switches on only
 * when the page gives nothing: `<llmos-chat>` and `<llmos-prompt>` carry `model`, `app-id`, `priority`
 * and `kernel` and use this controller while no `backend` is set; `<llmos-task-manager>` shows the
 * page's shared kernel when connected without a `kernel`. Inside the desktop each element is given its
 * backend or kernel, and the standalone path stays unused.
 * @internal
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { KernelChatBackend } from '../llmos-chat/kernel-chat-backend';
import { LlmosRequestLoadEvent } from '../llmos-model-picker/request-load-event';

/** The attributes a standalone element carries. */
export interface StandaloneHost extends ReactiveControllerHost, HTMLElement {
  model: string;
  appId: string;
  priority: Priority | '';
  /** A kernel to use instead of the page's shared one. */
  kernel: KernelApi | null;
}

/** The app id an element uses when the page gives none: the embedding page's origin. */
export const defaultAppId = (): string => globalThis.location?.origin ?? 'llmos.embed';

/** @internal */
export class KernelBackendController implements ReactiveController {
  private current: { key: string; backend: Promise<KernelChatBackend> } | null = null;

  constructor(private readonly host: StandaloneHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  /** The backend for the current attributes, created on first use. */
  async backend(): Promise<KernelChatBackend> {
    const h = this.host;
    const appId = h.appId || defaultAppId();
    const key = `${appId}\n${h.priority}\n${h.model}`;
    if (this.current?.key === key) {
      const b = await this.current.backend;
      if (b.kernel.ps().some((p) => p.pid === b.pid && p.state !== 'exited')) return b;
    }
    this.close();
    const backend = import('../llmos-chat/kernel-chat-backend').then(({ KernelChatBackend }) => new KernelChatBackend({
      model: h.model, appId, name: `<${h.localName}>${h.id ? `#${h.id}` : ''}`,
      ...(h.priority ? { priority: h.priority } : {}), ...(h.kernel ? { kernel: h.kernel } : {}),
      // Loading weights is heavy: the page may refuse it (cancelable event).
      beforeLoad: ({ model, engine, source }) => h.dispatchEvent(new LlmosRequestLoadEvent({
        engine: engine as never, origin: source?.kind === 'gguf-blobs' ? 'file' : source?.kind === 'mlc' ? 'webllm' : 'url', label: model,
        source: source ?? { kind: 'gguf-url', id: model, url: model },
      })),
    }));
    this.current = { key, backend };
    backend.catch(() => { if (this.current?.backend === backend) this.current = null; });
    return backend;
  }

  /** End the process (if any). */
  close(): void {
    const c = this.current;
    this.current = null;
    void c?.backend.then((b) => b.close(), () => undefined);
  }
}
