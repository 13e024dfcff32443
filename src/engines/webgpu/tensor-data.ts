/**
 * Tensor bytes of a GGUF file: reading them from the Blob, dequantising to f32 on the CPU (reference
 * pass, norms), and repacking for the GPU. The GPU form of a quantised matrix is two arrays: the
 * payload (int8 or nibbles, 4-byte aligned per block) and the f16 scales packed two per u32 — the same
 * bytes as the file, reordered so that WGSL can read them as `array<u32>`.
 */
import { GgufError } from '../../errors';
import type { GgufHeader, GgufTensorInfo } from '../../models/gguf-header';
import { GGML } from './model-config';
import { f16ToF32 } from './f16';

export const QK = 32;

/** Read a tensor's bytes from the model file. */
export async function readTensorBytes(blob: Blob, header: GgufHeader, t: GgufTensorInfo): Promise<Uint8Array> {
  const start = header.dataOffset + t.offset;
  const buf = await blob.slice(start, start + t.byteLength).arrayBuffer();
  if (buf.byteLength !== t.byteLength) throw new GgufError(`Tensor ${t.name} is truncated`, { tensor: t.name });
  return new Uint8Array(buf);
}

function elements(t: GgufTensorInfo): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** Dequantise a whole tensor to f32 (CPU). */
export function dequantize(t: GgufTensorInfo, bytes: Uint8Array): Float32Array {
  const n = elements(t);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.type) {
    case GGML.F32:
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case GGML.F16:
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(i * 2, true));
      return out;
    case GGML.Q8_0:
      for (let b = 0; b < n / QK; b++) {
        const d = f16ToF32(view.getUint16(b * 34, true));
        for (let j = 0; j < QK; j++) out[b * QK + j] = Math.fround(d * view.getInt8(b * 34 + 2 + j));
      }
      return out;
    case GGML.Q4_0:
      for (let b = 0; b < n / QK; b++) {
        const d = f16ToF32(view.getUint16(b * 18, true));
        for (let j = 0; j < QK / 2; j++) {
          const q = bytes[b * 18 + 2 + j]!;
          out[b * QK + j] = Math.fround(((q & 15) - 8) * d);
          out[b * QK + j + QK / 2] = Math.fround(((q >> 4) - 8) * d);
        }
      }
      return out;
    default:
      throw new GgufError(`Cannot dequantise ${t.typeName}`, { tensor: t.name });
  }
}

/** A tensor in GPU layout: `data` (4-byte multiple) and, for quantised types, packed f16 `scales`. */
export interface GpuTensorData {
  data: Uint8Array;
  scales: Uint8Array | null;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Bytes the GPU layout of tensor `t` takes (data + scales), without reading it. */
export function gpuTensorBytes(t: GgufTensorInfo): number {
  const n = elements(t);
  switch (t.type) {
    case GGML.Q8_0: return n + pad4((n / QK) * 2);
    case GGML.Q4_0: return n / 2 + pad4((n / QK) * 2);
    default: return pad4(t.byteLength);
  }
}

/** Repack file bytes into the GPU layout (a copy only for quantised types). */
export function packForGpu(t: GgufTensorInfo, bytes: Uint8Array): GpuTensorData {
  if (t.type !== GGML.Q8_0 && t.type !== GGML.Q4_0) {
    if (bytes.byteLength % 4 === 0) return { data: bytes, scales: null };
    const data = new Uint8Array(pad4(bytes.byteLength));
    data.set(bytes);
    return { data, scales: null };
  }
  const nb = elements(t) / QK;
  const payload = t.type === GGML.Q8_0 ? 32 : 16;
  const block = payload + 2;
  const data = new Uint8Array(nb * payload);
  const scales = new Uint8Array(pad4(nb * 2));
  for (let b = 0; b < nb; b++) {
    scales[b * 2] = bytes[b * block]!;
    scales[b * 2 + 1] = bytes[b * block + 1]!;
    data.set(bytes.subarray(b * block + 2, b * block + block), b * payload);
  }
  return { data, scales };
}
