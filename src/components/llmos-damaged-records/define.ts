/** Registers `<llmos-damaged-records>` if the tag is free (importing the class alone never registers it). */
import { LlmosDamagedRecords } from './llmos-damaged-records';

if (!customElements.get('llmos-damaged-records')) customElements.define('llmos-damaged-records', LlmosDamagedRecords);

export { LlmosDamagedRecords };
