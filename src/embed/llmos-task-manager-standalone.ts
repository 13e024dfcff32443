/**
 * `<llmos-task-manager>` as the elements library defines it: shows the page's shared kernel unless a
 * `kernel` is set, so an embedded task manager lists the other embedded elements' processes.
 */
import { LlmosTaskManager } from '../components/llmos-task-manager/llmos-task-manager';
import { getSharedKernel } from '../api/shared-kernel';

/** @summary The task manager of the page's shared kernel. */
export class LlmosTaskManagerStandalone extends LlmosTaskManager {
  override connectedCallback(): void {
    this.kernel ??= getSharedKernel();
    super.connectedCallback();
  }
}
