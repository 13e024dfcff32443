/**
 * What every drop-in engine answers the same way: the parts of WebLLM's engine API that LLM OS does not
 * offer (embeddings, logit processors, token-level decoding, resumable generation) refused with typed
 * errors rather than ignored, and the GPU facts read from the kernel's device probe.
 */
import { InvalidRequestError, WebGpuUnavailableError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An OpenAI-style completion id. */
export const newId = (): string => `chatcmpl-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;

/** WebLLM's resumable generation (`extra_body.resumable`) is refused rather than silently not resumable. */
export function refuseResumable(request: { extra_body?: unknown }): void {
  const resumable = isObject(request.extra_body) ? request.extra_body['resumable'] : undefined;
  if (resumable !== undefined && resumable !== null && !(isObject(resumable) && resumable['enabled'] === false)) {
    throw new InvalidRequestError('extra_body.resumable is not supported: resumable generation is not offered', { field: 'extra_body.resumable', feature: 'resumable' });
  }
}

/** The refused and probe-backed parts of `MLCEngine` (see the module comment). */
export abstract class MLCEngineBase {
  /** The kernel the engine runs on. */
  abstract get kernel(): KernelApi;

  /** Embeddings are not offered: always rejects with `InvalidRequestError` (`details.feature: 'embeddings'`). */
  async embedding(_request: unknown): Promise<never> {
    throw new InvalidRequestError('Embeddings are not supported by the LLM OS WebLLM drop-in (no embedding model runs on the kernel)', {
      field: 'embeddings', feature: 'embeddings',
    });
  }

  /** WebLLM's logit processors run in its pipeline on the page; the kernel's engines sample in workers: only an empty registry is taken. */
  setLogitProcessorRegistry(logitProcessorRegistry?: Map<string, unknown>): void {
    if (logitProcessorRegistry && logitProcessorRegistry.size > 0) {
      throw new InvalidRequestError('Logit processors are not supported: the engines run in workers and sample there (use logit_bias)', {
        field: 'logitProcessorRegistry', feature: 'logit-processor',
      });
    }
  }

  /** Raw token-level decoding is not offered (the kernel schedules whole requests): always rejects. */
  async forwardTokensAndSample(_inputIds: number[], _isPrefill: boolean, _modelId?: string): Promise<number> {
    throw new InvalidRequestError('forwardTokensAndSample() is not supported: the kernel runs whole requests, not single decoding steps', {
      field: 'forwardTokensAndSample', feature: 'forward-tokens',
    });
  }

  /** Resumable generations are not offered: there are never sessions to list. */
  async listResumableSessions(): Promise<never[]> {
    return [];
  }

  /** Resumable generations are not offered: always rejects. */
  async resumeChatCompletion(sessionId: string, _options?: unknown): Promise<never> {
    throw new InvalidRequestError(`No resumable session ${sessionId}: resumable generation is not supported`, { field: 'sessionId', feature: 'resumable' });
  }

  /** Resumable generations are not offered: nothing to delete. */
  async deleteResumableSession(_sessionId: string): Promise<void> {}

  /** The GPU's `maxStorageBufferBindingSize`, from the kernel's device probe; `WebGpuUnavailableError` without WebGPU. */
  async getMaxStorageBufferBindingSize(): Promise<number> {
    const kernel = this.kernel;
    await kernel.ready;
    const gpu = kernel.probe?.gpu;
    if (!gpu) throw new WebGpuUnavailableError('WebGPU is not available in this browser', {});
    return gpu.maxStorageBufferBindingSize;
  }

  /** The GPU vendor the kernel's device probe saw, or `''`. */
  async getGPUVendor(): Promise<string> {
    const kernel = this.kernel;
    await kernel.ready;
    return kernel.probe?.gpu?.vendor ?? '';
  }
}
