/** Registers `<llmos-desktop>` if the tag is free (importing the class alone never registers it). */
import { LlmosDesktop } from './llmos-desktop';

if (!customElements.get('llmos-desktop')) customElements.define('llmos-desktop', LlmosDesktop);

export { LlmosDesktop };
