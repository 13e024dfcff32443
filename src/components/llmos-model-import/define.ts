/** Registers `<llmos-model-import>` if the tag is free (importing the class alone never registers it). */
import { LlmosModelImport } from './llmos-model-import';

if (!customElements.get('llmos-model-import')) customElements.define('llmos-model-import', LlmosModelImport);

export { LlmosModelImport };

declare global {
  interface HTMLElementTagNameMap {
    'llmos-model-import': LlmosModelImport;
  }
}
