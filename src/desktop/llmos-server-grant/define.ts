/** Registers `<llmos-server-grant>` if the tag is free (importing the class alone never registers it). */
import { LlmosServerGrant } from './llmos-server-grant';

if (!customElements.get('llmos-server-grant')) customElements.define('llmos-server-grant', LlmosServerGrant);

export { LlmosServerGrant };
