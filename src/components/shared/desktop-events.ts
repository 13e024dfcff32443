/**
 * Events the desktop's elements fire towards the desktop. All bubble and are composed, so an element
 * deep in a window's shadow tree reaches the shell.
 */

/**
 * Ask the desktop to open (or focus) an app; `download` asks the model library to start a download;
 * `section` shows one section of the app (Settings: `servers`).
 */
export class LlmosOpenAppEvent extends Event {
  static readonly type = 'llmos-open-app';
  constructor(readonly detail: { app: string; download?: string; section?: string }) {
    super(LlmosOpenAppEvent.type, { bubbles: true, composed: true });
  }
}

/** A setting changed in `<llmos-settings>` (already persisted); the desktop applies theme and language. */
export class LlmosSettingsChangeEvent extends Event {
  static readonly type = 'llmos-settings-change';
  constructor(readonly detail: { key: string }) {
    super(LlmosSettingsChangeEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * Fired (cancelable) before something destructive: deleting a model, a conversation, or a damaged stored
 * record (`damaged-record`, id = its store and key). Calling `preventDefault()` keeps it.
 */
export class LlmosDeleteRequestEvent extends Event {
  static readonly type = 'llmos-delete-request';
  constructor(readonly detail: { kind: 'model' | 'conversation' | 'damaged-record'; id: string; name: string }) {
    super(LlmosDeleteRequestEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'llmos-open-app': LlmosOpenAppEvent;
    'llmos-settings-change': LlmosSettingsChangeEvent;
    'llmos-delete-request': LlmosDeleteRequestEvent;
  }
}
