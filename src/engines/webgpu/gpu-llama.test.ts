import { describe, expect, test } from 'vitest';
import { readGgufHeader } from '../../models/gguf-header';
import { acquireDevice } from './gpu-device';
import { GpuLlama } from './gpu-llama';
import type { KernelVariant } from './gpu-kernels';
import { llamaConfig } from './model-config';
import { ReferenceLlama } from '../../../test/helpers/webgpu-reference';

/** max |a − b| / max |b|: the logits' error relative to their scale. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

const PROMPT = [1, 335, 299, 275, 264, 265, 272, 340];

describe('GPU logits match the TypeScript reference forward pass within 1e-3 relative', () => {
  const cases: [string, KernelVariant][] = [
    ['tiny', 'flat'], ['tiny-f16', 'flat'], ['tiny-q8', 'flat'], ['tiny-q4', 'flat'],
    ['tiny', 'tiled'], ['tiny-f16', 'tiled'], ['tiny-q8', 'tiled'], ['tiny-q4', 'tiled'],
  ];
  for (const [name, variant] of cases) {
    test(`${name} (${variant} kernels): prefill, decode, and a prefill longer than one chunk`, async () => {
      const blob = await (await fetch(`/fixtures/${name}.gguf`)).blob();
      const header = await readGgufHeader(blob);
      const cfg = llamaConfig(header);
      const gpu = await acquireDevice();
      const model = await GpuLlama.load(gpu.device, blob, header, cfg, 160, variant);
      const ref = await ReferenceLlama.load(blob, 160);
      try {
        expect(relErr(await model.forward(PROMPT, 0, gpu.lost), ref.forward(PROMPT))).toBeLessThan(1e-3);
        let pos = PROMPT.length;
        for (const t of [300, 301, 302]) {
          expect(relErr(await model.forward([t], pos++, gpu.lost), ref.forward([t]))).toBeLessThan(1e-3);
        }
        // 70 more tokens: two prefill chunks (64 + 6), attention over > 64 keys.
        const more = Array.from({ length: 70 }, (_, i) => 262 + ((i * 37) % 249));
        expect(relErr(await model.forward(more, pos, gpu.lost), ref.forward(more))).toBeLessThan(1e-3);
      } finally {
        model.destroy();
        gpu.device.destroy();
      }
    });
  }
});
