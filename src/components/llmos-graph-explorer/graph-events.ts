/** Events of `<llmos-graph-explorer>`. All bubble and cross shadow roots. */
import type { LlmOsError } from '../../errors';

/** What a delete would remove. */
export interface GraphDeleteDetail {
  kind: 'entity' | 'relation';
  id: string;
  /** The entity label, or `subject predicate object` for a relation. */
  label: string;
}

/**
 * Fired before the explorer deletes an entity or a relation. Cancelable: `preventDefault()` keeps it
 * (e.g. after a confirmation dialog says no).
 */
export class LlmosGraphDeleteRequestEvent extends Event {
  static readonly type = 'llmos-graph-delete-request';
  constructor(readonly detail: GraphDeleteDetail) {
    super(LlmosGraphDeleteRequestEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

/** Fired when the user selects an entity (search result, node, or relation end). */
export class LlmosGraphSelectEvent extends Event {
  static readonly type = 'llmos-graph-select';
  constructor(readonly detail: { id: string | null }) {
    super(LlmosGraphSelectEvent.type, { bubbles: true, composed: true });
  }
}

/** What the explorer changed, after the change is stored. */
export interface GraphChangeDetail {
  action: 'edit' | 'delete' | 'import';
  /** Entity or relation ids concerned (for `import`: none, see `entities`/`relations`). */
  ids: string[];
  entities?: number;
  relations?: number;
}

/** Fired after an edit, delete or import made in the explorer has been written. */
export class LlmosGraphChangeEvent extends Event {
  static readonly type = 'llmos-graph-change';
  constructor(readonly detail: GraphChangeDetail) {
    super(LlmosGraphChangeEvent.type, { bubbles: true, composed: true });
  }
}

/** Fired when an action fails (import of a malformed file, invalid edit, storage failure). */
export class LlmosGraphErrorEvent extends Event {
  static readonly type = 'llmos-graph-error';
  constructor(readonly detail: { error: LlmOsError }) {
    super(LlmosGraphErrorEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'llmos-graph-delete-request': LlmosGraphDeleteRequestEvent;
    'llmos-graph-select': LlmosGraphSelectEvent;
    'llmos-graph-change': LlmosGraphChangeEvent;
    'llmos-graph-error': LlmosGraphErrorEvent;
  }
}
