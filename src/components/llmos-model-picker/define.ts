/** Registers `<llmos-model-picker>` if the tag is free (importing the class alone never registers it). */
import { LlmosModelPicker } from './llmos-model-picker';

if (!customElements.get('llmos-model-picker')) customElements.define('llmos-model-picker', LlmosModelPicker);

export { LlmosModelPicker };
