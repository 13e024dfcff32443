/**
 * The embeddable elements library (built by `vite.lib.config.ts` into `dist-lib/llmos-elements.js`):
 * one ES module that, loaded by one script tag, defines `<llmos-chat>`, `<llmos-prompt>`,
 * `<llmos-model-picker>` and `<llmos-task-manager>` (each only if its tag is free), binds model pickers
 * to the elements their `for` attribute names, and exports the developer APIs. Every element on the
 * page runs on one shared kernel, as its own process.
 */
import { LlmosChat } from '../components/llmos-chat/llmos-chat';
import { LlmosTaskManager } from '../components/llmos-task-manager/llmos-task-manager';
import { LlmosPrompt } from '../components/llmos-prompt/llmos-prompt';
import { LlmosModelPicker } from '../components/llmos-model-picker/llmos-model-picker';
import { getSharedKernel } from '../api/shared-kernel';
import { bindModelPickers } from './picker-binding';

const TAGS: [string, CustomElementConstructor][] = [
  ['llmos-chat', LlmosChat],
  ['llmos-prompt', LlmosPrompt],
  ['llmos-model-picker', LlmosModelPicker],
  ['llmos-task-manager', LlmosTaskManager],
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

export { LlmosChat, LlmosTaskManager, LlmosPrompt, LlmosModelPicker, bindModelPickers };
export { LlmosTokenEvent, LlmosDoneEvent, LlmosErrorEvent } from '../components/shared/generation-events';
export { LlmosRequestLoadEvent } from '../components/llmos-model-picker/request-load-event';
export { KernelChatBackend } from '../components/llmos-chat/kernel-chat-backend';
export type { KernelChatBackendOptions } from '../components/llmos-chat/kernel-chat-backend';
export * from '../api/index';
