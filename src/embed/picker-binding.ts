/**
 * Model pickers in an embedding page: `<llmos-model-picker for="chat answer">` drives the elements
 * with those ids. When the user picks a model and no listener refused the cancelable
 * `llmos-request-load` (`preventDefault()`), the source is registered with the kernel and becomes the
 * `model` of every target; the kernel loads it when one of them needs it.
 */
import type { KernelApi } from '../kernel/kernel-api';
import { registerSource } from '../api/model-ref';
import { LlmosErrorEvent } from '../components/shared/generation-events';
import { errorWords } from '../components/shared/error-words';
import type { LlmosRequestLoadEvent } from '../components/llmos-model-picker/request-load-event';
import { LlmosModelPicker } from '../components/llmos-model-picker/llmos-model-picker';

/** The elements a picker's `for` attribute names (ids in the picker's own tree, else the document). */
function targetsOf(picker: HTMLElement): HTMLElement[] {
  const root = picker.getRootNode() as Document | ShadowRoot;
  return (picker.getAttribute('for') ?? '').split(/\s+/).filter(Boolean)
    .map((id) => root.getElementById?.(id) ?? document.getElementById(id))
    .filter((el): el is HTMLElement => el !== null);
}

/** Handle pickers under `root` (default: the document). Returns the function that stops it. */
export function bindModelPickers(kernel: () => KernelApi, root: Document | ShadowRoot | HTMLElement = document): () => void {
  const onRequest = (ev: LlmosRequestLoadEvent) => {
    const picker = ev.composedPath()[0];
    if (!(picker instanceof LlmosModelPicker) || !picker.hasAttribute('for')) return;
    // Decide after the event finished dispatching, so every listener had its chance to refuse.
    setTimeout(() => {
      if (ev.defaultPrevented) return;
      const targets = targetsOf(picker);
      registerSource(kernel(), ev.detail.source).then(
        (model) => { for (const t of targets) t.setAttribute('model', model); },
        (err) => { for (const t of targets) t.dispatchEvent(new LlmosErrorEvent({ error: errorWords(err).error })); },
      );
    });
  };
  root.addEventListener('llmos-request-load', onRequest as EventListener);
  return () => root.removeEventListener('llmos-request-load', onRequest as EventListener);
}
