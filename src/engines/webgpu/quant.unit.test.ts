import { describe, expect, test } from 'vitest';
import { quantizeQ4_0, quantizeQ8_0, f32ToF16Rne } from '../../../test/fixtures/ggml-quant';
import { dequantize, packForGpu, gpuTensorBytes } from './tensor-data';
import { f16ToF32, f32ToF16, roundF16 } from './f16';
import { GGML } from './model-config';
import type { GgufTensorInfo } from '../../models/gguf-header';

const info = (type: number, n: number, byteLength: number): GgufTensorInfo => ({ name: 't', dims: [n], type, typeName: '', offset: 0, byteLength });

describe('f16', () => {
  test('round to nearest even, subnormals, overflow', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // tie → even (zero)
    expect(f16ToF32(0x3555)).toBeCloseTo(0.33325, 5);
    expect(roundF16(0.1)).toBe(f16ToF32(0x2e66));
    for (let h = 0; h < 0x7c00; h += 7) expect(f32ToF16(f16ToF32(h))).toBe(h);
  });

  test('the fixture writer and the engine agree on f16 rounding', () => {
    for (const v of [0.1, -3.14159, 1e-6, 6e-8, 1234.5, 2 ** -14 * 1.5]) expect(f32ToF16Rne(v)).toBe(f32ToF16(v));
  });
});

describe('ggml block quantisation round trip', () => {
  const x = new Float32Array(64).map((_, i) => Math.sin(i * 1.7) * (i % 7 === 0 ? 3 : 1));

  test('Q8_0: 34-byte blocks, error ≤ d/2 per element', () => {
    const q = quantizeQ8_0(x);
    expect(q.byteLength).toBe(2 * 34);
    const y = dequantize(info(GGML.Q8_0, 64, q.byteLength), q);
    for (let b = 0; b < 2; b++) {
      const amax = Math.max(...x.slice(b * 32, b * 32 + 32).map(Math.abs));
      for (let j = 0; j < 32; j++) expect(Math.abs(y[b * 32 + j]! - x[b * 32 + j]!)).toBeLessThanOrEqual((amax / 127) * 0.5 + 1e-3);
    }
  });

  test('Q4_0: 18-byte blocks, ggml nibble layout, the largest magnitude is exact up to f16', () => {
    const q = quantizeQ4_0(x);
    expect(q.byteLength).toBe(2 * 18);
    const y = dequantize(info(GGML.Q4_0, 64, q.byteLength), q);
    let big = 0;
    for (let i = 1; i < 32; i++) if (Math.abs(x[i]!) > Math.abs(x[big]!)) big = i;
    expect(y[big]! / x[big]!).toBeCloseTo(1, 3); // d = max / -8 and nibble 0 → exactly max (up to the f16 d)
    for (let i = 0; i < 64; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThan(3 / 8 / 2 + 1e-3);
    // element 16 lives in the high nibble of byte 0 of block 0
    const d = f16ToF32(q[0]! | (q[1]! << 8));
    expect(y[16]).toBeCloseTo(((q[2]! >> 4) - 8) * d, 6);
    expect(y[0]).toBeCloseTo(((q[2]! & 15) - 8) * d, 6);
  });

  test('GPU packing keeps the same bytes: payload then f16 scales', () => {
    const q = quantizeQ8_0(x);
    const t = info(GGML.Q8_0, 64, q.byteLength);
    const { data, scales } = packForGpu(t, q);
    expect(data.byteLength).toBe(64);
    expect([...scales!]).toEqual([q[0], q[1], q[34], q[35]]);
    expect([...data.subarray(32, 64)]).toEqual([...q.subarray(36, 68)]);
    expect(gpuTensorBytes(t)).toBe(data.byteLength + scales!.byteLength);
  });
});
