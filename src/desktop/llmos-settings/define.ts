/** Registers `<llmos-settings>` if the tag is free (importing the class alone never registers it). */
import { LlmosSettings } from './llmos-settings';

if (!customElements.get('llmos-settings')) customElements.define('llmos-settings', LlmosSettings);

export { LlmosSettings };
