/**
 * Vision projectors (llama.cpp "mmproj" GGUF files, `general.architecture = clip`) in the model library.
 * A projector is stored as its own chunked record, `<model id>#mmproj`, that points at its model
 * (`projectorOf`); the model points back (`projectorId`). Here: the ids, the header checks that keep a
 * projector from being stored as a model and the other way round, and how a model and its projector
 * fold into one library row (sizes summed; `cached` only when both are). @internal
 */
import type { InputModality } from '../protocol/engine';
import { GgufError, InvalidRequestError } from '../errors';
import type { ModelRecord, ModelState } from '../storage/schema';
import { projectorMemoryBytes } from './cost';
import { readGgufHeader, type GgufHeader } from './gguf-header';

/** The architecture llama.cpp's vision projectors declare. */
export const PROJECTOR_ARCH = 'clip';

/** The record id of a model's vision projector. */
export function projectorIdOf(modelId: string): string {
  return `${modelId}#mmproj`;
}

/** Whether a record is a vision projector (not a model). */
export function isProjector(r: Pick<ModelRecord, 'role'>): boolean {
  return r.role === 'projector';
}

function architecture(header: GgufHeader): string {
  return String(header.metadata['general.architecture'] ?? '');
}

/** Read a file meant as a vision projector: a `GgufError` unless it is a GGUF of architecture `clip`. */
export async function checkProjectorFile(file: Blob, name: string): Promise<GgufHeader> {
  if (file.size === 0) throw new GgufError('The vision projector file is empty', { name });
  const header = await readGgufHeader(file);
  checkProjectorHeader(header, name);
  return header;
}

/** A `GgufError` unless the header is a vision projector's. */
export function checkProjectorHeader(header: GgufHeader, name: string): void {
  const arch = architecture(header);
  if (arch !== PROJECTOR_ARCH) {
    throw new GgufError(`${name} is not a vision projector (mmproj GGUF): its architecture is ${arch || 'missing'}, expected ${PROJECTOR_ARCH}`, { name, architecture: arch, expected: PROJECTOR_ARCH });
  }
}

/** A `GgufError` when a file meant as a model is a vision projector (it cannot run on its own). */
export function checkNotProjector(header: GgufHeader, name: string): void {
  if (architecture(header) === PROJECTOR_ARCH) {
    throw new GgufError(`${name} is a vision projector (mmproj), not a model: import it together with its model, or attach it to one`, { name, architecture: PROJECTOR_ARCH });
  }
}

/**
 * Tell a model file from its projector by their headers (for a picker or a drop of two files). One file
 * is a model; two are a model and a clip projector, in any order. Anything else is an `InvalidRequestError`.
 */
export async function splitModelFiles<T extends Blob>(files: readonly T[]): Promise<{ model: T; projector?: T }> {
  if (files.length === 1) return { model: files[0]! };
  if (files.length !== 2) {
    throw new InvalidRequestError(`Choose one model file, or a model and its vision projector (got ${files.length} files)`, { files: files.length });
  }
  const clip = await Promise.all(files.map(async (f) => {
    try {
      return architecture(await readGgufHeader(f)) === PROJECTOR_ARCH;
    } catch {
      return false; // not a projector; the import reports what is wrong with it
    }
  }));
  const p = clip.indexOf(true);
  if (p < 0 || clip.every(Boolean)) {
    throw new InvalidRequestError(p < 0 ? 'Two model files: choose one model and, optionally, its vision projector' : 'Two vision projectors and no model', { files: 2 });
  }
  return { model: files[1 - p]!, projector: files[p]! };
}

/** One library row's worth of a model record and its projector record (if any), folded together. */
export interface FoldedRecord {
  sizeBytes: number | null;
  storedBytes: number;
  state: ModelState;
  verified: boolean;
  memoryBytes: number | null;
  inputs: InputModality[];
}

const sizeOf = (r: ModelRecord) => r.sizeBytes || r.sizeHint || 0;

/**
 * Fold a model and its projector into one row: sizes and stored bytes summed, `cached` only when both
 * are, `remote` only when nothing of either is stored, else `partial`. A model that points at a projector
 * record that is gone counts as partial (a download restores it). Memory: the model's estimate plus the
 * projector's weights.
 */
export function foldProjector(model: ModelRecord, projector: ModelRecord | undefined): FoldedRecord {
  if (!model.projectorId) {
    return {
      sizeBytes: sizeOf(model) || null, storedBytes: model.storedBytes, state: model.state, verified: model.verified === true,
      memoryBytes: model.memoryBytes ?? null, inputs: ['text'],
    };
  }
  const parts = projector ? [model, projector] : [model];
  const storedBytes = parts.reduce((n, r) => n + r.storedBytes, 0);
  const sizes = parts.map(sizeOf);
  const state: ModelState = projector && parts.every((r) => r.state === 'cached') ? 'cached'
    : storedBytes === 0 && parts.every((r) => r.state === 'remote') ? 'remote' : 'partial';
  return {
    sizeBytes: projector && sizes.every((s) => s > 0) ? sizes[0]! + sizes[1]! : null,
    storedBytes,
    state,
    verified: parts.length === 2 && parts.every((r) => r.verified === true),
    memoryBytes: model.memoryBytes ? model.memoryBytes + (projector ? projectorMemoryBytes(sizeOf(projector)) : 0) : null,
    inputs: ['text', 'image'],
  };
}
