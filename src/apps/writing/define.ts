/** Registers `<llmos-writing>` if the tag is free (importing the class alone never registers it). */
import { LlmosWriting } from './llmos-writing';

if (!customElements.get('llmos-writing')) customElements.define('llmos-writing', LlmosWriting);

export { LlmosWriting };
