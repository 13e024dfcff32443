import { describe, expect, test } from 'vitest';
import { WebGpuEngine } from './webgpu-engine';
import { estimateModelCost, estimateWebGpuCost } from '../../models/cost';
import { hyperParams, readGgufHeader } from '../../models/gguf-header';

describe('VRAM accounting: the cost estimate matches what the engine allocates', () => {
  for (const [name, nCtx, sequences] of [['tiny', 256, 1], ['tiny-q4', 1024, 1], ['bench-40m-q8', 512, 1], ['bench-40m-q8', 512, 4]] as const) {
    test(`${name}, nCtx ${nCtx}, ${sequences} sequence(s): estimate within 10 % of the GPUBuffer bytes`, async () => {
      const url = `/fixtures/${name}.gguf`;
      const header = await readGgufHeader(await (await fetch(url)).blob());
      const hp = hyperParams(header);
      const estimate = estimateWebGpuCost(hp, header.tensors, nCtx, sequences);
      const engine = new WebGpuEngine();
      try {
        const info = await engine.load({ kind: 'gguf-url', id: name, url }, { nCtx, sequences });
        const allocated = engine.gpuBytes();
        expect(Number(info.metadata?.gpuBytes)).toBe(allocated);
        expect(Math.abs(estimate.totalBytes - allocated) / allocated).toBeLessThan(0.1);
        expect(Math.abs(estimate.weightBytes - info.weightBytes) / info.weightBytes).toBeLessThan(0.02);
        expect(estimate.kvBytes).toBe(info.kvBytes);
        // The generic estimate (8 MB floor) is far off for a model this small: why the engine has its own.
        if (name === 'tiny') expect(estimateModelCost(info.weightBytes, info.kvBytes).totalBytes).toBeGreaterThan(allocated * 2);
      } finally {
        await engine.unload();
      }
      expect(engine.gpuBytes()).toBe(0);
    });
  }
});
