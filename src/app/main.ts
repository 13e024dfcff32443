/**
 * The first UI's shell: one engine worker, a model picker, a load progress bar and a chat. It only
 * wires elements together; the later desktop replaces it. Engine libraries never load here: they are
 * imported by the worker chunk that `EngineClient.start()` spawns.
 */
import '../components/llmos-chat/define';
import '../components/llmos-load-progress/define';
import '../components/llmos-model-picker/define';
import { EngineClient } from '../kernel/engine-client';
import type { EngineCapabilities } from '../engines/engine';
import type { LlmosRequestLoadEvent } from '../components/llmos-model-picker/request-load-event';
import { fixtureParams } from './fixture-params';
import './app.css';

const $ = <T extends Element>(sel: string) => document.querySelector<T>(sel)!;
const picker = $<HTMLElementTagNameMap['llmos-model-picker']>('llmos-model-picker');
const progress = $<HTMLElementTagNameMap['llmos-load-progress']>('llmos-load-progress');
const chat = $<HTMLElementTagNameMap['llmos-chat']>('llmos-chat');
const fixtureNote = $<HTMLElement>('#fixture-note');

function setStatus(key: string, text: string, ok?: boolean): void {
  const dd = $<HTMLElement>(`[data-status="${key}"]`);
  dd.textContent = text;
  if (ok !== undefined) dd.dataset.ok = String(ok);
}

function showBackend(caps: EngineCapabilities, model: string): void {
  const where = caps.backend === 'webgpu' ? 'WebGPU' : caps.backend === 'wasm' ? `CPU (wasm, ${caps.threads} thread${caps.threads === 1 ? '' : 's'})` : 'none';
  setStatus('backend', `${caps.engine} · ${where}`, caps.backend !== 'none');
  setStatus('model', model, true);
  setStatus('f16', caps.f16 ? 'yes' : 'no');
}

setStatus('isolation', crossOriginIsolated ? 'yes (multithreaded wasm)' : 'no (single-threaded wasm)', crossOriginIsolated);
const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
setStatus('webgpu', gpu ? 'available' : 'not available', !!gpu);

let client: Promise<EngineClient> = EngineClient.start();
client.catch((e) => progress.fail(e));

/** The engine worker, restarted if it died (a crash fails the load in words; the next load gets a new one). */
async function liveClient(): Promise<EngineClient> {
  const c = await client.catch(() => null);
  if (c?.alive) return c;
  client = EngineClient.start();
  return client;
}

picker.addEventListener('llmos-request-load', async (ev: LlmosRequestLoadEvent) => {
  const { engine, source, origin, label } = ev.detail;
  // One load at a time: the picker stays disabled until this one settles.
  picker.disabled = true;
  chat.stop();
  chat.backend = null;
  fixtureNote.hidden = true;
  progress.start(label);
  setStatus('model', `${label} (loading)`);
  try {
    const c = await liveClient();
    await c.load(engine, source, { nThreads: navigator.hardwareConcurrency }, (p) => { progress.progress = p; });
    chat.params = origin === 'fixture' ? fixtureParams() : {};
    fixtureNote.hidden = origin !== 'fixture';
    chat.backend = c;
    progress.done();
    showBackend(await c.capabilities(), label);
  } catch (e) {
    progress.fail(e);
    setStatus('model', 'none', false);
  } finally {
    picker.disabled = false;
  }
});
