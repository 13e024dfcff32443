/**
 * `<llmos-chat>` as the elements library defines it: the chat element plus standalone attributes —
 * `model` (a model id registered with the page's kernel, or a GGUF URL), `app-id` and `priority` — so
 * it works on any page with one script tag, on the page's shared kernel as its own process. A
 * `backend` set by the page still takes precedence.
 */
import { LlmosChat } from '../components/llmos-chat/llmos-chat';
import type { ChatBackend } from '../components/llmos-chat/chat-backend';
import type { GenerateResult } from '../protocol/engine';
import type { Kernel } from '../kernel/kernel';
import type { Priority } from '../kernel/priority';
import { errorWords } from '../components/shared/error-words';
import { LlmosErrorEvent } from '../components/shared/generation-events';
import { KernelBackendController } from '../components/shared/kernel-backend-controller';

/**
 * @summary Streaming chat that runs on the page's shared kernel (standalone attributes).
 *
 * @event llmos-request-load - `LlmosRequestLoadEvent` (cancelable): a reply needs a model that is not
 *   loaded; `preventDefault()` refuses the load (the reply fails with `PERMISSION_DENIED`).
 * (Every slot, event, CSS part and custom property of `LlmosChat` applies.)
 */
export class LlmosChatStandalone extends LlmosChat {
  static override properties = {
    ...LlmosChat.properties,
    model: { type: String },
    appId: { type: String, attribute: 'app-id' },
    priority: { type: String },
    kernel: { attribute: false },
  };

  /** Model id or GGUF URL (attribute `model`). */
  declare model: string;
  /** App id of the element's process (attribute `app-id`, default: the page's origin). */
  declare appId: string;
  /** Priority class of the element's process (attribute `priority`, default `interactive`). */
  declare priority: Priority | '';
  /** A kernel instead of the page's shared one. */
  declare kernel: Kernel | null;

  private readonly standalone = new KernelBackendController(this);
  private auto: ChatBackend | null = null;

  constructor() {
    super();
    this.model = '';
    this.appId = '';
    this.priority = '';
    this.kernel = null;
  }

  override async send(text?: string): Promise<GenerateResult | null> {
    // The kernel backend follows `model`, `app-id` and `priority`; a backend the page set is left alone.
    if (this.model && (this.backend === null || this.backend === this.auto)) {
      try {
        this.auto = await this.standalone.backend();
        this.backend = this.auto;
      } catch (err) {
        this.notice = errorWords(err);
        this.dispatchEvent(new LlmosErrorEvent({ error: this.notice.error }));
        return null;
      }
    }
    return super.send(text);
  }
}
