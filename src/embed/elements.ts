/**
 * The embeddable elements library (built by `vite.lib.config.ts` into `dist-lib/llmos-elements.js`):
 * one ES module that, loaded by one script tag, defines `<llmos-chat>`, `<llmos-prompt>`,
 * `<llmos-model-picker>` and `<llmos-task-manager>` (each only if its tag is free), binds model pickers
 * to the elements their `for` attribute names, and exports the developer APIs. Every element on the
 * page runs on one shared kernel, as its own process.
 */
import { LlmosChatStandalone } from './llmos-chat-standalone';
import { LlmosTaskManagerStandalone } from './llmos-task-manager-standalone';
import { LlmosPrompt } from '../components/llmos-prompt/llmos-prompt';
import { LlmosModelPicker } from '../components/llmos-model-picker/llmos-model-picker';
import { getSharedKernel } from '../api/shared-kernel';
import { bindModelPickers } from './picker-binding';

const TAGS: [string, CustomElementConstructor][] = [
  ['llmos-chat', LlmosChatStandalone],
  ['llmos-prompt', LlmosPrompt],
  ['llmos-model-picker', LlmosModelPicker],
  ['llmos-task-manager', LlmosTaskManagerStandalone],
];

/** Define every tag that is still free (another version on the page keeps its own). Returns those defined. */
export function defineElements(): string[] {
  const defined: string[] = [];
  for (const [tag, cls] of TAGS) {
    if (customElements.get(tag)) continue;
    customElements.define(tag, cls);
    defined.push(tag);
  }
  return defined;
}

defineElements();
bindModelPickers(() => getSharedKernel());

export { LlmosChatStandalone as LlmosChat, LlmosTaskManagerStandalone as LlmosTaskManager, LlmosPrompt, LlmosModelPicker, bindModelPickers };
export { LlmosTokenEvent, LlmosDoneEvent, LlmosErrorEvent } from '../components/shared/generation-events';
export { LlmosRequestLoadEvent } from '../components/llmos-model-picker/request-load-event';
export * from '../api/index';
