import { describe, expect, test } from 'vitest';
import { WEBLLM_CATALOG_VERSION, WEBLLM_MODELS, needsShaderF16, webllmModelsFor, type WebLLMCatalogEntry } from './webllm-catalog';

const entry = (over: Partial<WebLLMCatalogEntry>): WebLLMCatalogEntry => ({
  model_id: 'x-q4f32_1-MLC', model: 'https://h/x-q4f32_1-MLC', model_lib: 'https://l/x-q4f32_1-webgpu.wasm',
  vram_required_MB: 100, low_resource_required: true, required_features: [], context_window_size: 4096, model_type: 0, ...over,
});

describe('needsShaderF16', () => {
  test('declared feature or any q*f16* quantisation needs shader-f16', () => {
    expect(needsShaderF16({ model_id: 'a-q4f32_1-MLC', required_features: ['shader-f16'] })).toBe(true);
    expect(needsShaderF16({ model_id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC' })).toBe(true);
    expect(needsShaderF16({ model_id: 'Llama-3.2-1B-Instruct-q0f16-MLC' })).toBe(true);
    expect(needsShaderF16({ model_id: 'custom', model_lib: 'https://x/y/Qwen-q4f16_1-ctx4k-webgpu.wasm' })).toBe(true);
    expect(needsShaderF16({ model_id: 'custom', model: 'https://hf/u/Qwen-q4f16_1-MLC/' })).toBe(true);
    expect(needsShaderF16({ model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC', required_features: [] })).toBe(false);
    expect(needsShaderF16({ model_id: 'SmolLM2-135M-Instruct-q0f32-MLC' })).toBe(false);
  });

  test('in the real list, every declared f16 model is also caught by name, and more are caught by name', () => {
    const declared = WEBLLM_MODELS.filter((m) => m.required_features.includes('shader-f16'));
    const caught = WEBLLM_MODELS.filter((m) => needsShaderF16(m));
    expect(declared.length).toBeGreaterThan(0);
    for (const m of declared) expect(caught).toContain(m);
    expect(caught.length).toBeGreaterThan(declared.length);
    expect(caught.some((m) => m.model_id === 'Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe(true);
  });
});

describe('webllmModelsFor', () => {
  test('without shader-f16 no f16 model is offered; with it they are', () => {
    const noF16 = webllmModelsFor({ f16: false, vramBudgetMB: 1e9 });
    const f16 = webllmModelsFor({ f16: true, vramBudgetMB: 1e9 });
    expect(noF16.length).toBeGreaterThan(10);
    expect(noF16.every((m) => !/q\d+f16/i.test(m.model_id) && !m.required_features.includes('shader-f16'))).toBe(true);
    expect(f16.length).toBeGreaterThan(noF16.length);
    expect(f16.some((m) => m.model_id.includes('q4f16'))).toBe(true);
  });

  test('respects the VRAM budget and sorts smallest first', () => {
    const list = webllmModelsFor({ f16: false, vramBudgetMB: 1000 });
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((m) => (m.vram_required_MB ?? Infinity) <= 1000)).toBe(true);
    const vram = list.map((m) => m.vram_required_MB ?? 0);
    expect(vram).toEqual([...vram].sort((a, b) => a - b));
    // The smallest chat model that runs without f16 (docs/architecture.md, "Measured on these machines").
    expect(list[0]!.model_id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(webllmModelsFor({ f16: true, vramBudgetMB: 10 })).toEqual([]);
  });

  test('embedding models only on request; unknown VRAM never fits a finite budget', () => {
    const models = [
      entry({ model_id: 'emb-q0f32', model_type: 1, vram_required_MB: 50 }),
      entry({ model_id: 'chat-q4f32_1', vram_required_MB: 60 }),
      entry({ model_id: 'unknown-q4f32_1', vram_required_MB: null }),
      entry({ model_id: 'small-q4f32_1', vram_required_MB: 60 }),
    ];
    expect(webllmModelsFor({ f16: false, vramBudgetMB: 100 }, models).map((m) => m.model_id)).toEqual(['chat-q4f32_1', 'small-q4f32_1']);
    expect(webllmModelsFor({ f16: false, vramBudgetMB: 100, includeEmbedding: true }, models).map((m) => m.model_id))
      .toEqual(['emb-q0f32', 'chat-q4f32_1', 'small-q4f32_1']);
  });

  test('the data is the pinned web-llm version', () => {
    expect(WEBLLM_CATALOG_VERSION).toBe('0.2.86');
    expect(new Set(WEBLLM_MODELS.map((m) => m.model_id)).size).toBe(WEBLLM_MODELS.length);
  });
});
