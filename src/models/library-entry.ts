/**
 * One row of the model library (`LibraryEntry`) and how it is made from a catalog entry, a stored record
 * (with its vision projector folded in) or WebLLM's cache state.
 */
import type { InputModality } from '../protocol/engine';
import type { ModelRecord, ModelState } from '../storage/schema';
import type { CatalogEntry } from './catalog';
import { toMB } from './cost';
import { foldProjector, projectorIdOf } from './projector';
import type { WebllmCacheState } from './webllm-cache-reader';

/** One row of the library. */
export interface LibraryEntry {
  id: string;
  name: string;
  engine: 'wllama' | 'webllm';
  origin: 'catalog' | 'url' | 'import';
  /** Whole size in bytes (a model and its vision projector together), when known. */
  sizeBytes: number | null;
  storedBytes: number;
  quantisation: string | null;
  /** Estimated memory to run it (weights, projector included, + KV at 2048 tokens + overhead), MB. */
  memoryMB: number | null;
  /** `cached` only when every file (model and projector) is stored. */
  state: ModelState;
  /** Last load (ms since epoch), null if never. */
  lastUsed: number | null;
  /** Whole-file SHA-256 checked (of both files, for a model with a projector). */
  verified: boolean;
  /** A download of the model or of its projector is queued or running. */
  downloading: boolean;
  url?: string;
  /**
   * What the model accepts: `['text']`, or `['text', 'image']` for a GGUF model with a vision projector
   * (stored with it, or coming with it from the catalog) and for a WebLLM vision model (`model_type` 2).
   */
  inputs: InputModality[];
}

/** A catalog GGUF model not stored yet. */
export function catalogRow(e: Extract<CatalogEntry, { engine: 'wllama' }>): LibraryEntry {
  const size = e.sizeBytes && (!e.mmproj || e.mmproj.sizeBytes) ? e.sizeBytes + (e.mmproj?.sizeBytes ?? 0) : null;
  return {
    id: e.id, name: e.name, engine: 'wllama', origin: 'catalog', sizeBytes: size, storedBytes: 0, quantisation: e.quantisation,
    memoryMB: toMB(e.memoryBytes), state: 'remote', lastUsed: null, verified: false, downloading: false, url: e.url, inputs: [...e.inputs],
  };
}

/** A stored GGUF model, its projector (if any) folded in; `running`: ids the downloader is working on. */
export function recordRow(r: ModelRecord, projector: ModelRecord | undefined, running: readonly string[]): LibraryEntry {
  const f = foldProjector(r, projector);
  return {
    id: r.id, name: r.name, engine: 'wllama', origin: r.origin, sizeBytes: f.sizeBytes, storedBytes: f.storedBytes,
    quantisation: r.quantisation ?? null, memoryMB: f.memoryBytes ? toMB(f.memoryBytes) : null, state: f.state,
    lastUsed: r.lastUsed || null, verified: f.verified, inputs: f.inputs,
    downloading: running.includes(r.id) || running.includes(projectorIdOf(r.id)), ...(r.url ? { url: r.url } : {}),
  };
}

/** A WebLLM model, from what its cache holds. */
export function webllmRow(e: Extract<CatalogEntry, { engine: 'webllm' }>, s: WebllmCacheState, lastUsed: number | null): LibraryEntry {
  return {
    id: e.id, name: e.name, engine: 'webllm', origin: 'catalog', sizeBytes: s.sizeBytes, storedBytes: s.storedBytes,
    quantisation: e.quantisation, memoryMB: toMB(e.memoryBytes), state: s.state, lastUsed, verified: false, downloading: false,
    inputs: [...e.inputs],
  };
}
