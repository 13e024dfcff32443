import type { EngineKind, ModelSource } from '../../protocol/engine';

/** Where a choice came from in the picker. */
export type ModelOrigin = 'fixture' | 'url' | 'file' | 'webllm';

/** What the user asked to load. */
export interface RequestLoadDetail {
  /** The engine that runs this source (`wllama` for GGUF, `webllm` for MLC models). */
  engine: EngineKind;
  source: ModelSource;
  origin: ModelOrigin;
  /** A short name to show (file name, model id). */
  label: string;
}

/**
 * Fired by `<llmos-model-picker>` when the user asks to load a model, before anything is loaded.
 * Cancelable: a listener that calls `preventDefault()` refuses the request (the picker then keeps its
 * previous selection). The picker never loads anything itself; whoever owns the engine does.
 */
export class LlmosRequestLoadEvent extends Event {
  static readonly type = 'llmos-request-load';
  constructor(readonly detail: RequestLoadDetail) {
    super(LlmosRequestLoadEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'llmos-request-load': LlmosRequestLoadEvent;
  }
}
