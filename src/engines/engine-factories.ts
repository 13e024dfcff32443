/**
 * The engines an engine worker hosts, each imported lazily: a worker downloads only the engine it uses.
 * Shared by the production worker (workers/engine.worker.ts) and the test worker (test/workers/).
 */
import type { EngineFactories } from './engine-host';

export const ENGINE_FACTORIES: EngineFactories = {
  wllama: async () => new (await import('./wllama-engine')).WllamaEngine(),
  webllm: async () => new (await import('./webllm-engine')).WebLLMEngine(),
  webgpu: async () => new (await import('./webgpu/webgpu-engine')).WebGpuEngine(),
  remote: async () => new (await import('./remote/remote-engine')).RemoteEngine(),
};
