/** Events of `<llmos-model-import>`. Both bubble and are composed. */
import type { LlmOsError } from '../../errors';
import type { LibraryEntry } from '../../models/model-library';

/** A file was validated and stored: `detail.entry` is its library entry. */
export class LlmosModelImportedEvent extends Event {
  static readonly type = 'llmos-model-imported';
  constructor(readonly detail: { entry: LibraryEntry; fileName: string }) {
    super(LlmosModelImportedEvent.type, { bubbles: true, composed: true });
  }
}

/** An import failed (not a GGUF, truncated, no space…): `detail.error` is the typed error. */
export class LlmosModelImportErrorEvent extends Event {
  static readonly type = 'llmos-model-import-error';
  constructor(readonly detail: { error: LlmOsError; fileName: string }) {
    super(LlmosModelImportErrorEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'llmos-model-imported': LlmosModelImportedEvent;
    'llmos-model-import-error': LlmosModelImportErrorEvent;
  }
}
