/** Registers `<llmos-device-report>` if the tag is free (importing the class alone never registers it). */
import { LlmosDeviceReport } from './llmos-device-report';

if (!customElements.get('llmos-device-report')) customElements.define('llmos-device-report', LlmosDeviceReport);

export { LlmosDeviceReport };
