/** Registers `<llmos-task-manager>` if the tag is free (importing the class alone never registers it). */
import { LlmosTaskManager } from './llmos-task-manager';

if (!customElements.get('llmos-task-manager')) customElements.define('llmos-task-manager', LlmosTaskManager);

export { LlmosTaskManager };
