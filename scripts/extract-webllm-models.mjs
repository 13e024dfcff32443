// Extracts WebLLM's prebuilt model list into src/models/webllm-models.json, so the page can show
// (and filter) WebLLM models without bundling web-llm itself (it belongs in engine workers only).
// Run after upgrading @mlc-ai/web-llm: `node scripts/extract-webllm-models.mjs`.
import { writeFileSync, readFileSync } from 'node:fs';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';

const pkg = JSON.parse(readFileSync(new URL('../node_modules/@mlc-ai/web-llm/package.json', import.meta.url), 'utf8'));
const models = prebuiltAppConfig.model_list.map((m) => ({
  model_id: m.model_id,
  model: m.model,
  model_lib: m.model_lib,
  vram_required_MB: m.vram_required_MB ?? null,
  low_resource_required: m.low_resource_required ?? false,
  required_features: m.required_features ?? [],
  context_window_size: m.overrides?.context_window_size ?? null,
  model_type: m.model_type ?? 0,
}));
writeFileSync(new URL('../src/models/webllm-models.json', import.meta.url), JSON.stringify({ version: pkg.version, models }, null, 1) + '\n');
console.log(`wrote ${models.length} models for web-llm ${pkg.version}`);
