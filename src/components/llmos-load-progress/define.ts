/** Registers `<llmos-load-progress>` if the tag is free (importing the class alone never registers it). */
import { LlmosLoadProgress } from './llmos-load-progress';

if (!customElements.get('llmos-load-progress')) customElements.define('llmos-load-progress', LlmosLoadProgress);

export { LlmosLoadProgress };
