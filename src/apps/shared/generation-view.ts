/**
 * One streamed generation as the single-shot apps (translator, summariser, customer service) show it:
 * run a request on a `ChatBackend`, collect the text as it streams, keep the result or the error in
 * words, and stop on demand. A Lit reactive controller: the host re-renders on every token.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AbortError } from '../../errors';
import type { GenerateRequest, GenerateResult } from '../../protocol/engine';
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';
import { errorWords, type ErrorWords } from '../../components/shared/error-words';

/** One streamed generation (text, result or error, busy) for a Lit host. */
export class GenerationView implements ReactiveController {
  text = '';
  result: GenerateResult | null = null;
  error: ErrorWords | null = null;
  busy = false;
  private ctrl: AbortController | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }

  /** Run a generation; resolves with the result, or null after an error (kept in `error`). */
  async run(backend: ChatBackend, request: GenerateRequest, onToken?: (text: string) => void): Promise<GenerateResult | null> {
    this.stop();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.text = '';
    this.result = null;
    this.error = null;
    this.busy = true;
    this.host.requestUpdate();
    try {
      const r = await backend.generate(request, (t) => {
        this.text += t.text;
        onToken?.(this.text);
        this.host.requestUpdate();
      }, ctrl.signal);
      if (this.ctrl === ctrl) {
        this.result = r;
        if (!this.text) this.text = r.text;
      }
      return r;
    } catch (e) {
      if (this.ctrl === ctrl) this.error = errorWords(e);
      return null;
    } finally {
      if (this.ctrl === ctrl) {
        this.ctrl = null;
        this.busy = false;
      }
      this.host.requestUpdate();
    }
  }

  /** Stop the generation in progress (its result ends with stop reason `abort`). */
  stop(): void {
    this.ctrl?.abort(new AbortError('Stopped by the user'));
  }
}
