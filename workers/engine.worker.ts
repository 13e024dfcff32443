/** Engine worker entry: build the host, expose it. Engines are imported lazily, inside this worker only. */
import * as Comlink from 'comlink';
import { EngineHost } from '../src/engines/engine-host';
import { installErrorTransfer } from '../src/protocol/error-transfer';

installErrorTransfer();
Comlink.expose(
  new EngineHost({
    wllama: async () => new (await import('../src/engines/wllama-engine')).WllamaEngine(),
    webllm: async () => new (await import('../src/engines/webllm-engine')).WebLLMEngine(),
    webgpu: async () => new (await import('../src/engines/webgpu/webgpu-engine')).WebGpuEngine(),
  }),
);
