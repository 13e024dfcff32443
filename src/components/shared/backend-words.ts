/**
 * The backend an engine really runs on, in words: "wllama · CPU (wasm, 2 threads)" or
 * "wllama · WebGPU". Never claims WebGPU after a silent CPU fallback: it reads the capabilities the
 * engine reports. @internal
 */
import { msg, str } from '@lit/localize';
import type { EngineCapabilities } from '../../protocol/engine';

/** Describe an engine's backend. */
export function backendWords(caps: Pick<EngineCapabilities, 'engine' | 'backend' | 'threads'>): string {
  if (caps.backend === 'webgpu') return `${caps.engine} · WebGPU`;
  if (caps.backend === 'wasm') {
    const threads = caps.threads === 1 ? msg('1 thread') : msg(str`${caps.threads} threads`);
    return `${caps.engine} · ${msg(str`CPU (wasm, ${threads})`)}`;
  }
  return `${caps.engine} · ${msg('not loaded')}`;
}

/** "12 MB" from bytes (binary megabytes, as budgets are set). */
export function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024)).toLocaleString()} MB`;
}
