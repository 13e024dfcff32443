/**
 * IEEE half-precision conversions on the CPU: f16 bits → f32 (exact) and f32 → f16 bits rounded to
 * nearest even, the rounding of F16C, ggml's `GGML_FP32_TO_FP16` and WGSL's `pack2x16float`.
 */

const F16_TO_F32 = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/** f16 bits → f32 value. */
export function f16ToF32(h: number): number {
  return F16_TO_F32[h & 0xffff]!;
}

const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);

/** f32 value → f16 bits, round to nearest even; overflow goes to ±Inf. */
export function f32ToF16(val: number): number {
  f32Buf[0] = val;
  const x = u32Buf[0]!;
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs >= 0x7f800000) return sign | (abs > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs < 0x38800000) {
    const m = Math.abs(f32Buf[0]) * 16777216; // in units of the smallest subnormal, exact in f64
    const fl = Math.floor(m);
    const frac = m - fl;
    return sign | (frac > 0.5 || (frac === 0.5 && fl % 2 === 1) ? fl + 1 : fl);
  }
  const mant = abs & 0x7fffff;
  let h = ((((abs >>> 23) - 112) << 10) | (mant >>> 13)) >>> 0;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/** Round an f32 value through f16 and back (what a half-precision store keeps). */
export function roundF16(val: number): number {
  return F16_TO_F32[f32ToF16(val)]!;
}
