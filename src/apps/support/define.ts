/** Registers `<llmos-support>` if the tag is free (importing the class alone never registers it). */
import { LlmosSupport } from './llmos-support';

if (!customElements.get('llmos-support')) customElements.define('llmos-support', LlmosSupport);

export { LlmosSupport };
