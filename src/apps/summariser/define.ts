/** Registers `<llmos-summariser>` if the tag is free (importing the class alone never registers it). */
import { LlmosSummariser } from './llmos-summariser';

if (!customElements.get('llmos-summariser')) customElements.define('llmos-summariser', LlmosSummariser);

export { LlmosSummariser };
