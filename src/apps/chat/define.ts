/** Registers `<llmos-chat-app>` if the tag is free (importing the class alone never registers it). */
import { LlmosChatApp } from './llmos-chat-app';

if (!customElements.get('llmos-chat-app')) customElements.define('llmos-chat-app', LlmosChatApp);

export { LlmosChatApp };
