/** Registers `<llmos-knowledge-app>` if the tag is free (importing the class alone never registers it). */
import { LlmosKnowledgeApp } from './llmos-knowledge-app';

if (!customElements.get('llmos-knowledge-app')) customElements.define('llmos-knowledge-app', LlmosKnowledgeApp);

export { LlmosKnowledgeApp };
