/** Registers `<llmos-chat>` if the tag is free (importing the class alone never registers it). */
import { LlmosChat } from './llmos-chat';

if (!customElements.get('llmos-chat')) customElements.define('llmos-chat', LlmosChat);

export { LlmosChat };
