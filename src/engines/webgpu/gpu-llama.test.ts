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
      const model = await GpuLlama.load(gpu.device, blob, header, cfg, 160, variant, 1);
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

describe('a batched decode step matches each sequence decoded on its own', () => {
  // Three sequences at different lengths, so each token of the step attends to a different number
  // of its own keys; one step then holds one token of each.
  for (const [name, variant] of [['tiny-q8', 'flat'], ['tiny', 'tiled']] as [string, KernelVariant][]) {
    test(`${name} (${variant} kernels): 3 sequences, 4 steps`, async () => {
      const blob = await (await fetch(`/fixtures/${name}.gguf`)).blob();
      const header = await readGgufHeader(blob);
      const gpu = await acquireDevice();
      const model = await GpuLlama.load(gpu.device, blob, header, llamaConfig(header), 96, variant, 3);
      const prompts = [PROMPT, [1, 290, 291, 292], PROMPT.concat([300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312])];
      const refs = await Promise.all(prompts.map(() => ReferenceLlama.load(blob, 96)));
      try {
        const pos = [0, 0, 0];
        // Prefill the three in an order that is not their sequence order.
        for (const s of [2, 0, 1]) {
          expect(relErr(await model.forward(prompts[s]!, 0, gpu.lost, s), refs[s]!.forward(prompts[s]!))).toBeLessThan(1e-3);
          pos[s] = prompts[s]!.length;
        }
        for (let step = 0; step < 4; step++) {
          const tokens = [320 + step, 330 + step, 340 + step];
          // Sequence order varies within the step too.
          const order = step % 2 ? [1, 2, 0] : [0, 1, 2];
          const got = await model.decodeBatch(order.map((s) => ({ seq: s, token: tokens[s]!, pos: pos[s]! })), gpu.lost);
          expect(got).toHaveLength(3);
          order.forEach((s, i) => {
            expect(relErr(got[i]!, refs[s]!.forward([tokens[s]!]))).toBeLessThan(1e-3);
            pos[s]!++;
          });
        }
        expect(model.counters.batchedSteps).toBe(4);
        await expect(model.decodeBatch([{ seq: 0, token: 1, pos: pos[0]! }, { seq: 0, token: 1, pos: pos[0]! }], gpu.lost)).rejects.toThrow(/at most once/);
        await expect(model.forward([1], 0, gpu.lost, 3)).rejects.toThrow(RangeError);
      } finally {
        model.destroy();
        gpu.device.destroy();
      }
    });
  }
});
