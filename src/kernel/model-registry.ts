/**
 * The models the kernel may place: their engine, their source and their memory cost
 * (weights + KV cache for the context + overhead, `estimateModelCost`), charged to the VRAM budget
 * for WebGPU backends and to the RAM budget for wasm ones. `describeGguf` reads the cost figures from
 * a GGUF header; for WebLLM records use `vram_required_MB` as `weightBytes`.
 */
import { InvalidRequestError, ModelQuarantinedError, UnknownModelError } from '../errors';
import { estimateKvBytes, estimateModelCost } from '../models/cost';
import { hyperParams, readGgufHeader } from '../models/gguf-header';
import type { LlmOsError } from '../errors';
import type { ModelSource } from '../protocol/engine';
import type { ModelRegistration, QuarantinedModel } from './types';

/** A registration with its cost resolved. */
export interface RegisteredModel extends ModelRegistration {
  backend: 'wasm' | 'webgpu';
  /** Sequences resolved (see `ModelRegistration.sequences`). */
  sequences: number;
  vramBytes: number;
  ramBytes: number;
  totalBytes: number;
  /** When it was registered, Unix seconds (wall clock: `/v1/models` reports it as `created`). */
  registeredAt: number;
}

const ENGINES = new Set(['wllama', 'webllm', 'webgpu', 'scripted', 'remote']);

/** The most sequences a registration may ask for. */
export const MAX_SEQUENCES = 16;

/**
 * Sequences by engine when a registration does not say: wllama and our WebGPU engine decode several
 * sequences in one batched step (measured: 4 jobs together give 1.6× the throughput of one on wllama,
 * more on the WebGPU engine, and each starts at once; see docs/benchmarks.md, "Batching"); WebLLM
 * decodes one request at a time.
 */
export function defaultSequences(engine: string): number {
  return engine === 'wllama' || engine === 'webgpu' ? 4 : 1;
}

function bytes(field: string, v: unknown, optional: boolean): number {
  if (v === undefined && optional) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidRequestError(`${field} must be a finite number of bytes ≥ 0`, { field, value: String(v) });
  }
  return v;
}

/** Validate a registration and compute its cost. */
export function resolveRegistration(reg: ModelRegistration): RegisteredModel {
  if (typeof reg !== 'object' || reg === null) throw new InvalidRequestError('A model registration must be an object', {});
  if (typeof reg.id !== 'string' || !reg.id.trim() || reg.id.length > 256) {
    throw new InvalidRequestError('model id must be a non-empty string', { field: 'id' });
  }
  if (!ENGINES.has(reg.engine)) throw new InvalidRequestError(`Unknown engine ${String(reg.engine)}`, { field: 'engine', value: String(reg.engine) });
  if (typeof reg.source !== 'function' && (typeof reg.source !== 'object' || reg.source === null)) {
    throw new InvalidRequestError('source must be a ModelSource or a function returning one', { field: 'source' });
  }
  if (reg.nCtx !== undefined && (!Number.isInteger(reg.nCtx) || reg.nCtx < 1)) {
    throw new InvalidRequestError('nCtx must be a positive integer', { field: 'nCtx', value: String(reg.nCtx) });
  }
  if (reg.inputs !== undefined && (!Array.isArray(reg.inputs) || reg.inputs.some((i) => i !== 'text' && i !== 'image'))) {
    throw new InvalidRequestError('inputs must be a list of text and image', { field: 'inputs' });
  }
  if (reg.sequences !== undefined && (!Number.isInteger(reg.sequences) || reg.sequences < 1 || reg.sequences > MAX_SEQUENCES)) {
    throw new InvalidRequestError(`sequences must be an integer in [1, ${MAX_SEQUENCES}]`, { field: 'sequences', value: String(reg.sequences) });
  }
  const sequences = reg.sequences ?? defaultSequences(reg.engine);
  // A remote model costs this device nothing: no weights, no KV cache, no runtime.
  if (reg.engine === 'remote' && (reg.weightBytes !== 0 || (reg.kvBytes ?? 0) !== 0 || (reg.overheadBytes ?? 0) !== 0)) {
    throw new InvalidRequestError('A remote model has no weights, KV cache or overhead on this device: give 0 bytes', { field: 'weightBytes' });
  }
  const weightBytes = bytes('weightBytes', reg.weightBytes, false);
  // Every sequence has its own context's worth of KV cache.
  const kvBytes = bytes('kvBytes', reg.kvBytes, true) * sequences;
  const cost = estimateModelCost(weightBytes, kvBytes);
  const overhead = reg.engine === 'remote' ? 0 : reg.overheadBytes !== undefined ? bytes('overheadBytes', reg.overheadBytes, false) : cost.overheadBytes;
  const total = weightBytes + kvBytes + overhead;
  const backend = reg.backend ?? (reg.engine === 'webllm' || reg.engine === 'webgpu' ? 'webgpu' : 'wasm');
  if (backend !== 'wasm' && backend !== 'webgpu') throw new InvalidRequestError('backend must be wasm or webgpu', { field: 'backend' });
  return {
    ...reg,
    backend,
    sequences,
    // A GPU model still needs host memory for its runtime (the overhead); its weights and KV live in VRAM.
    vramBytes: backend === 'webgpu' ? weightBytes + kvBytes : 0,
    ramBytes: backend === 'webgpu' ? overhead : total,
    totalBytes: total,
    registeredAt: Math.floor(Date.now() / 1000),
  };
}

/** The error a quarantined model's requests get. */
export function quarantineError(q: QuarantinedModel): ModelQuarantinedError {
  return new ModelQuarantinedError(
    `Model ${q.model} is quarantined: its load failed ${q.failures} times in a row (${q.code}: ${q.message})`,
    { model: q.model, failures: q.failures, cause: q.code, since: q.since },
  );
}

/** Whether two registrations name the same file (a quarantine survives re-registering it). */
function sameFile(a: ModelRegistration, b: ModelRegistration): boolean {
  if (a.fingerprint !== undefined || b.fingerprint !== undefined) return a.fingerprint === b.fingerprint;
  if (a.source === b.source) return true;
  const url = (s: ModelRegistration['source']) => (typeof s === 'object' && 'url' in s ? (s as ModelSource & { url?: string }).url : undefined);
  return url(a.source) !== undefined && url(a.source) === url(b.source);
}

/** @internal The registry, and the models in quarantine. */
export class ModelRegistry {
  private readonly models = new Map<string, RegisteredModel>();
  private readonly quarantined = new Map<string, QuarantinedModel>();

  /** Register (or replace) a model. Returns true when this lifted a quarantine (another file). */
  set(model: RegisteredModel): boolean {
    const old = this.models.get(model.id);
    this.models.set(model.id, model);
    if (old && this.quarantined.has(model.id) && !sameFile(old, model)) return this.quarantined.delete(model.id);
    return false;
  }

  /** Forget a registration (and its quarantine); false when there was none. */
  delete(id: string): boolean {
    this.quarantined.delete(id);
    return this.models.delete(id);
  }

  /** Put a model in quarantine after `failures` failed loads, the last one `err`. */
  quarantine(id: string, failures: number, err: LlmOsError, since: number): QuarantinedModel {
    const q: QuarantinedModel = { model: id, failures, code: err.code, message: err.message, since };
    this.quarantined.set(id, q);
    return q;
  }

  /** The quarantine record of a model, if it is in quarantine. */
  quarantineOf(id: string): QuarantinedModel | undefined {
    return this.quarantined.get(id);
  }

  /** Lift a quarantine; false when the model was not in quarantine. */
  release(id: string): boolean {
    return this.quarantined.delete(id);
  }

  /** Models in quarantine. */
  inQuarantine(): QuarantinedModel[] {
    return [...this.quarantined.values()];
  }

  has(id: string): boolean {
    return this.models.has(id);
  }

  /** `UnknownModelError` if not registered. */
  get(id: string): RegisteredModel {
    const m = typeof id === 'string' ? this.models.get(id) : undefined;
    if (!m) throw new UnknownModelError(`Model ${String(id)} is not registered with the kernel`, { model: String(id) });
    return m;
  }

  list(): RegisteredModel[] {
    return [...this.models.values()];
  }
}

/** Cost figures of a GGUF model, from its header (reads only the header bytes). */
export async function describeGguf(blob: Blob, nCtx?: number): Promise<{ weightBytes: number; kvBytes: number; nCtx: number; contextLength: number }> {
  const header = await readGgufHeader(blob);
  const hp = hyperParams(header);
  const ctx = Math.min(nCtx ?? 2048, hp.contextLength || 2048);
  return { weightBytes: header.dataBytes, kvBytes: estimateKvBytes(hp, ctx), nCtx: ctx, contextLength: hp.contextLength };
}
