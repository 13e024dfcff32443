/**
 * The options of a model chooser (`<select>`), grouped by where each model runs: "On this device" and
 * "On servers" (an `<optgroup>` each, once any model runs on a server). A server model's label names the
 * servers that serve it. Used by the desktop's app toolbars and Settings.
 */
import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';

/** A model as a chooser lists it: `servers` (names) for a model served by OpenAI-compatible servers. */
export interface ChoosableModel {
  id: string;
  name: string;
  /** The names of the servers that serve it; absent for a model that runs on this device. */
  servers?: readonly string[];
}

/** Whether a model runs on servers rather than on this device. */
export function onServers(m: ChoosableModel): boolean {
  return m.servers !== undefined;
}

/** "llama3 — on Ollama, vLLM" for a server model; its name otherwise. */
export function modelLabel(m: ChoosableModel): string {
  return onServers(m) ? msg(str`${m.name} — on ${m.servers!.join(', ')}`) : m.name;
}

/**
 * The `<option>`s of `models`, `selected` chosen: flat while every model runs on this device, else in two
 * `<optgroup>`s (this device first).
 */
export function renderModelOptions(models: readonly ChoosableModel[], selected: string | null | undefined) {
  const option = (m: ChoosableModel) => html`<option value=${m.id} ?selected=${m.id === selected}
    data-where=${onServers(m) ? 'server' : 'device'}>${modelLabel(m)}</option>`;
  const remote = models.filter(onServers);
  if (!remote.length) return models.map(option);
  const local = models.filter((m) => !onServers(m));
  return html`${local.length ? html`<optgroup label=${msg('On this device')} data-where="device">${local.map(option)}</optgroup>` : nothing}
    <optgroup label=${msg('On servers')} data-where="server">${remote.map(option)}</optgroup>`;
}
