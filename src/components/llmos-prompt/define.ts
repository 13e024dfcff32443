/** Registers `<llmos-prompt>` if the tag is free (importing the class alone never registers it). */
import { LlmosPrompt } from './llmos-prompt';

if (!customElements.get('llmos-prompt')) customElements.define('llmos-prompt', LlmosPrompt);

export { LlmosPrompt };
