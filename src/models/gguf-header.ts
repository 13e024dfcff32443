/**
 * A bounded GGUF header reader. It reads only the header bytes of a Blob (growing its window as
 * needed, never past `maxHeaderBytes`), refuses absurd counts before allocating anything, and checks
 * that every tensor's data lies inside the file — so truncated files, wrong magic or version, and
 * hostile headers become a `GgufError` with a precise reason instead of an engine crash.
 *
 * We read the header ourselves rather than with @huggingface/gguf because we need hard allocation
 * limits on untrusted input and a tensor-extent check against the actual Blob size.
 */
import { GgufError, UnsupportedModelError } from '../errors';

export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian

/** Bytes per block and elements per block for the ggml tensor types we can size. */
const GGML_TYPE_SIZE: Record<number, [bytes: number, block: number, name: string]> = {
  0: [4, 1, 'F32'], 1: [2, 1, 'F16'], 2: [18, 32, 'Q4_0'], 3: [20, 32, 'Q4_1'], 6: [22, 32, 'Q5_0'], 7: [24, 32, 'Q5_1'],
  8: [34, 32, 'Q8_0'], 9: [36, 32, 'Q8_1'], 10: [84, 256, 'Q2_K'], 11: [110, 256, 'Q3_K'], 12: [144, 256, 'Q4_K'],
  13: [176, 256, 'Q5_K'], 14: [210, 256, 'Q6_K'], 15: [292, 256, 'Q8_K'], 16: [66, 256, 'IQ2_XXS'], 17: [74, 256, 'IQ2_XS'],
  18: [98, 256, 'IQ3_XXS'], 19: [50, 256, 'IQ1_S'], 20: [18, 32, 'IQ4_NL'], 21: [110, 256, 'IQ3_S'], 22: [82, 256, 'IQ2_S'],
  23: [136, 256, 'IQ4_XS'], 24: [1, 1, 'I8'], 25: [2, 1, 'I16'], 26: [4, 1, 'I32'], 27: [8, 1, 'I64'], 28: [8, 1, 'F64'],
  29: [56, 256, 'IQ1_M'], 30: [2, 1, 'BF16'],
};

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  typeName: string;
  /** Offset relative to the start of the data section. */
  offset: number;
  byteLength: number;
}

export interface GgufHeader {
  version: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
  /** Bytes of tensor data (end of the last tensor). */
  dataBytes: number;
  fileSize: number;
}

export interface GgufReadLimits {
  maxHeaderBytes: number;
  maxTensors: number;
  maxMetadataKeys: number;
  maxArrayLength: number;
  maxStringBytes: number;
}

export const DEFAULT_GGUF_LIMITS: GgufReadLimits = {
  maxHeaderBytes: 64 * 1024 * 1024,
  maxTensors: 65_536,
  maxMetadataKeys: 65_536,
  maxArrayLength: 4_000_000,
  maxStringBytes: 1_048_576,
};

class NeedMore extends Error {}

/** A cursor over a growing window of the Blob. */
class Cursor {
  pos = 0;
  constructor(private view: DataView, private bytes: Uint8Array, private complete: boolean) {}
  private need(n: number) {
    if (this.pos + n > this.bytes.length) {
      if (this.complete) throw new GgufError('GGUF file is truncated inside its header', { at: this.pos, need: n });
      throw new NeedMore();
    }
  }
  u8() { this.need(1); return this.view.getUint8(this.pos++); }
  u32() { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  i32() { this.need(4); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }
  i64(): bigint { this.need(8); const v = this.view.getBigInt64(this.pos, true); this.pos += 8; return v; }
  f32() { this.need(4); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64() { this.need(8); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  skip(n: number) { this.need(n); this.pos += n; }
  str(limits: GgufReadLimits): string {
    const len = toSafeNumber(this.u64(), 'string length');
    if (len > limits.maxStringBytes) throw new GgufError(`GGUF string of ${len} bytes exceeds the limit`, { length: len });
    this.need(len);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
}

function toSafeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufError(`GGUF ${what} is absurdly large (${v})`, { what, value: v.toString() });
  return Number(v);
}

const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Options of `readGgufHeader` beyond the size limits. */
export interface GgufReadOptions {
  /**
   * Materialise numeric arrays longer than 4096 elements (token scores, token types) instead of
   * skipping them. Off by default: only engines that need the vocabulary data ask for them.
   */
  keepNumericArrays?: boolean;
}

function readValue(c: Cursor, type: number, limits: GgufReadLimits, depth = 0, keepArrays = false): GgufValue {
  switch (type) {
    case 0: return c.u8();
    case 1: { const v = c.u8(); return v > 127 ? v - 256 : v; }
    case 2: { const v = c.u8() | (c.u8() << 8); return v; }
    case 3: { const v = c.u8() | (c.u8() << 8); return v > 32767 ? v - 65536 : v; }
    case 4: return c.u32();
    case 5: return c.i32();
    case 6: return c.f32();
    case 7: return c.u8() !== 0;
    case 8: return c.str(limits);
    case 10: { const v = c.u64(); return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
    case 11: { const v = c.i64(); return Number(v); }
    case 12: return c.f64();
    case 9: {
      if (depth > 2) throw new GgufError('GGUF arrays nested too deeply', { depth });
      const elemType = c.u32();
      const count = toSafeNumber(c.u64(), 'array length');
      if (count > limits.maxArrayLength) {
        throw new GgufError(`GGUF array of ${count} elements exceeds the limit of ${limits.maxArrayLength}`, { count });
      }
      // Large numeric arrays (token scores, types) are skipped, not materialised: the engine reads them.
      const scalar = SCALAR_SIZE[elemType];
      if (scalar !== undefined && count > 4096 && !keepArrays) {
        c.skip(count * scalar);
        return [];
      }
      const out: GgufValue[] = [];
      for (let i = 0; i < count; i++) out.push(readValue(c, elemType, limits, depth + 1, keepArrays));
      return out;
    }
    default:
      throw new GgufError(`Unknown GGUF metadata value type ${type}`, { type });
  }
}

function parse(bytes: Uint8Array, complete: boolean, fileSize: number, limits: GgufReadLimits, keepArrays = false): GgufHeader {
  const c = new Cursor(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes, complete);
  if (bytes.length < 4 && complete) throw new GgufError('File is too small to be a GGUF model', { size: fileSize });
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) throw new GgufError('Not a GGUF file (wrong magic bytes)', { magic: magic.toString(16) });
  const version = c.u32();
  if (version < 2 || version > 3) throw new UnsupportedModelError(`Unsupported GGUF version ${version}`, { version });
  const nTensors = toSafeNumber(c.u64(), 'tensor count');
  const nKv = toSafeNumber(c.u64(), 'metadata count');
  if (nTensors > limits.maxTensors) throw new GgufError(`GGUF header claims ${nTensors} tensors`, { nTensors });
  if (nKv > limits.maxMetadataKeys) throw new GgufError(`GGUF header claims ${nKv} metadata keys`, { nKv });
  const metadata: Record<string, GgufValue> = {};
  for (let i = 0; i < nKv; i++) {
    const key = c.str(limits);
    const type = c.u32();
    metadata[key] = readValue(c, type, limits, 0, keepArrays);
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = c.str(limits);
    const nDims = c.u32();
    if (nDims > 4) throw new GgufError(`Tensor ${name} has ${nDims} dimensions`, { name, nDims });
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(toSafeNumber(c.u64(), 'tensor dimension'));
    const type = c.u32();
    const offset = toSafeNumber(c.u64(), 'tensor offset');
    const ts = GGML_TYPE_SIZE[type];
    if (!ts) throw new UnsupportedModelError(`Tensor ${name} has unknown ggml type ${type}`, { name, type });
    const elems = dims.reduce((a, b) => a * b, 1);
    const byteLength = Math.ceil(elems / ts[1]) * ts[0];
    tensors.push({ name, dims, type, typeName: ts[2], offset, byteLength });
  }
  const alignment = typeof metadata['general.alignment'] === 'number' ? metadata['general.alignment'] : 32;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment > 65536) throw new GgufError('Invalid GGUF alignment', { alignment });
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  const dataBytes = tensors.reduce((m, t) => Math.max(m, t.offset + t.byteLength), 0);
  if (dataOffset + dataBytes > fileSize) {
    throw new GgufError('GGUF file is truncated: tensor data extends beyond the end of the file', {
      expectedBytes: dataOffset + dataBytes, fileSize,
    });
  }
  return { version, metadata, tensors, dataOffset, dataBytes, fileSize };
}

/** Parse a GGUF header from a Blob, reading as little of it as possible. */
export async function readGgufHeader(blob: Blob, limits: Partial<GgufReadLimits> = {}, options: GgufReadOptions = {}): Promise<GgufHeader> {
  const lim = { ...DEFAULT_GGUF_LIMITS, ...limits };
  let window = Math.min(blob.size, 256 * 1024);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, window).arrayBuffer());
    const complete = window >= blob.size;
    try {
      return parse(bytes, complete, blob.size, lim, options.keepNumericArrays === true);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      if (window >= lim.maxHeaderBytes) throw new GgufError('GGUF header is larger than the limit', { limit: lim.maxHeaderBytes });
      window = Math.min(blob.size, window * 4, lim.maxHeaderBytes);
    }
  }
}

/**
 * Parse a header from the first bytes of a file whose end has not arrived yet (a download in flight):
 * the header, or null while more bytes are needed. Nothing is checked against the file size, which is
 * not known yet (`fileSize` is `Infinity`); a malformed header throws as `readGgufHeader` does.
 */
export function parseGgufPrefix(bytes: Uint8Array, limits: Partial<GgufReadLimits> = {}): GgufHeader | null {
  try {
    return parse(bytes, false, Infinity, { ...DEFAULT_GGUF_LIMITS, ...limits });
  } catch (e) {
    if (e instanceof NeedMore) return null;
    throw e;
  }
}

/** The architecture hyper-parameters the cost estimator and engines need. */
export interface LlamaHyperParams {
  architecture: string;
  name: string;
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  vocabSize: number;
  fileType: string;
}

export function hyperParams(h: GgufHeader): LlamaHyperParams {
  const arch = String(h.metadata['general.architecture'] ?? '');
  if (!arch) throw new GgufError('GGUF has no general.architecture', {});
  const num = (k: string, d = 0) => {
    const v = h.metadata[`${arch}.${k}`];
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : d;
  };
  const headCount = num('attention.head_count');
  const tokens = h.tensors.find((t) => t.name === 'token_embd.weight');
  const types = new Map<string, number>();
  for (const t of h.tensors) if (t.dims.length > 1) types.set(t.typeName, (types.get(t.typeName) ?? 0) + t.byteLength);
  const fileType = [...types.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  return {
    architecture: arch,
    name: String(h.metadata['general.name'] ?? ''),
    contextLength: num('context_length'),
    embeddingLength: num('embedding_length'),
    blockCount: num('block_count'),
    headCount,
    headCountKv: num('attention.head_count_kv', headCount),
    feedForwardLength: num('feed_forward_length'),
    vocabSize: num('vocab_size', tokens?.dims[1] ?? 0),
    fileType,
  };
}
