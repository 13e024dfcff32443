/** Registers `<llmos-status-bar>` if the tag is free (importing the class alone never registers it). */
import { LlmosStatusBar } from './llmos-status-bar';

if (!customElements.get('llmos-status-bar')) customElements.define('llmos-status-bar', LlmosStatusBar);

export { LlmosStatusBar };
