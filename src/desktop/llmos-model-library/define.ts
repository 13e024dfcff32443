/** Registers `<llmos-model-library>` if the tag is free (importing the class alone never registers it). */
import { LlmosModelLibrary } from './llmos-model-library';

if (!customElements.get('llmos-model-library')) customElements.define('llmos-model-library', LlmosModelLibrary);

export { LlmosModelLibrary };
