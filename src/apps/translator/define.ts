/** Registers `<llmos-translator>` if the tag is free (importing the class alone never registers it). */
import { LlmosTranslator } from './llmos-translator';

if (!customElements.get('llmos-translator')) customElements.define('llmos-translator', LlmosTranslator);

export { LlmosTranslator };
