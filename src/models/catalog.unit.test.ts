import { describe, expect, test } from 'vitest';
import { catalogFor, fullCatalog, ggufMemoryBytes, webllmQuantisation } from './catalog';
import { MB } from './cost';

const TINY_ARCH = { blockCount: 4, headCount: 4, headCountKv: 2, embeddingLength: 64 };

describe('catalog', () => {
  test('curated GGUF entries point at real hub files and carry what the library shows', () => {
    const gguf = fullCatalog({ includeDev: false }).filter((e) => e.engine === 'wllama');
    expect(gguf.length).toBeGreaterThanOrEqual(4);
    for (const e of gguf) {
      expect(e.url).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\/[^/]+\.gguf$/);
      expect(e.quantisation).toMatch(/^(Q8_0|Q4_K_M)$/);
      expect(e.memoryBytes).toBeGreaterThan(e.sizeBytes!);
    }
    expect(gguf.map((e) => e.id)).toEqual(expect.arrayContaining(['smollm2-135m-instruct-q8_0', 'smollm2-360m-instruct-q8_0', 'qwen2.5-0.5b-instruct-q8_0']));
    expect(gguf.some((e) => e.engine === 'wllama' && e.dev)).toBe(false);
  });

  test('memory estimate = weights + KV cache at 2048 tokens + overhead', () => {
    const arch = { blockCount: 30, headCount: 9, headCountKv: 3, embeddingLength: 576 };
    const kv = 2048 * 30 * 3 * 64 * 2 * 2; // n_ctx × layers × kv-heads × head-dim × K,V × f16
    const weights = 145_000_000;
    expect(ggufMemoryBytes(weights, arch, 8192)).toBe(weights + kv + Math.round(8 * MB + weights * 0.05));
    expect(ggufMemoryBytes(weights, arch, 1024)).toBeLessThan(ggufMemoryBytes(weights, arch, 8192)); // context capped by the model
  });

  test('device filter: no f16 WebLLM model without shader-f16, nothing above the memory budget', () => {
    const small = catalogFor({ f16: false, vramBudgetMB: 1000 }, { includeDev: false });
    const webllm = small.filter((e) => e.engine === 'webllm');
    expect(webllm.length).toBeGreaterThan(0);
    expect(webllm.every((e) => e.engine === 'webllm' && !e.f16 && e.memoryBytes <= 1000 * MB)).toBe(true);
    expect(webllm.map((e) => e.id)).toContain('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(small.every((e) => e.memoryBytes <= 1000 * MB)).toBe(true);
    expect(small.some((e) => e.id === 'qwen2.5-0.5b-instruct-q8_0')).toBe(true);
    const withF16 = catalogFor({ f16: true, vramBudgetMB: 1000 }, { includeDev: false });
    expect(withF16.some((e) => e.engine === 'webllm' && e.f16)).toBe(true);
    expect(catalogFor({ f16: true, vramBudgetMB: 100 }, { includeDev: false })).toEqual([]);
  });

  test('the generated fixture models are listed in dev and test builds only', () => {
    const ids = (o: { includeDev?: boolean }) => fullCatalog(o).filter((e) => e.engine === 'wllama').map((e) => e.id);
    expect(ids({})).toContain('fixture-tiny'); // Vitest runs with import.meta.env.DEV
    expect(ids({ includeDev: true })).toEqual(expect.arrayContaining(['fixture-tiny', 'fixture-tiny-b', 'fixture-tiny-vision', 'fixture-bench-40m']));
    expect(ids({ includeDev: false }).some((id) => id.startsWith('fixture-'))).toBe(false);
  });

  test('vision models carry their projector: inputs include image, size hints and memory count the projector', () => {
    const all = fullCatalog({ includeDev: true });
    const fixture = all.find((e) => e.id === 'fixture-tiny-vision')!;
    const text = all.find((e) => e.id === 'fixture-tiny')!;
    expect(fixture).toMatchObject({ engine: 'wllama', dev: true, url: '/fixtures/tiny.gguf', sizeBytes: 1_064_928, inputs: ['text', 'image'],
      mmproj: { url: '/fixtures/tiny-mmproj.gguf', sizeBytes: 183_456 } });
    expect(text.inputs).toEqual(['text']);
    // Same model file as fixture-tiny; the projector adds its weights (+5 %) to the estimate.
    expect(fixture.memoryBytes - ggufMemoryBytes(1_064_928, TINY_ARCH, 1024)).toBe(183_456 + Math.round(183_456 * 0.05));
    const vlm = fullCatalog({ includeDev: false }).filter((e) => e.engine === 'wllama' && e.mmproj);
    expect(vlm.map((e) => e.id)).toContain('smolvlm-256m-instruct-q8_0');
    for (const e of vlm) {
      if (e.engine !== 'wllama') continue;
      expect(e.inputs).toEqual(['text', 'image']);
      expect(e.mmproj!.url).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\/mmproj-[^/]+\.gguf$/);
      expect(e.memoryBytes).toBeGreaterThan(e.sizeBytes! + e.mmproj!.sizeBytes!);
    }
    const webllm = fullCatalog({ includeDev: false }).filter((e) => e.engine === 'webllm');
    for (const e of webllm) if (e.engine === 'webllm') expect(e.inputs).toEqual(e.record.model_type === 2 ? ['text', 'image'] : ['text']);
    expect(webllm.some((e) => e.inputs.includes('image'))).toBe(true);
  });

  test('WebLLM quantisation is read from the model id', () => {
    expect(webllmQuantisation('Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe('q4f16_1');
    expect(webllmQuantisation('SmolLM2-135M-Instruct-q0f32-MLC')).toBe('q0f32');
    expect(webllmQuantisation('odd')).toBe('unknown');
  });
});
