/** Registers `<llmos-update-prompt>` if the tag is free (importing the class alone never registers it). */
import { LlmosUpdatePrompt } from './llmos-update-prompt';

if (!customElements.get('llmos-update-prompt')) customElements.define('llmos-update-prompt', LlmosUpdatePrompt);

export { LlmosUpdatePrompt };
