/** Registers `<llmos-graph-explorer>` if the tag is free (importing the class alone never registers it). */
import { LlmosGraphExplorer } from './llmos-graph-explorer';

if (!customElements.get('llmos-graph-explorer')) customElements.define('llmos-graph-explorer', LlmosGraphExplorer);

export { LlmosGraphExplorer };
