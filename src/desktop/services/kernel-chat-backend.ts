/**
 * A `ChatBackend` over the kernel: every `generate` is a job of one process (`kernel.submit`), so the
 * scheduler places the model, queues, preempts and meters it like any other job, and the task manager
 * sees it. Aborting the signal cancels the job (its result resolves with stop reason `abort`).
 */
import type { GenerateRequest, GenerateResult, TokenEvent } from '../../protocol/engine';
import type { Kernel } from '../../kernel/kernel';
import type { Priority } from '../../kernel/priority';
import type { JobParams } from '../../kernel/types';
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';

/** What a job of this backend is submitted with, besides the request. */
export interface KernelBackendOptions {
  pid: number;
  model: string;
  /** Per-job priority (within the process's quota); default: the process's class. */
  priority?: Priority;
  /** Model keep-alive after the job, ms (-1 pins, 0 unloads at once). */
  keepAliveMs?: number;
}

/** Run chat generations as kernel jobs of `options.pid` on `options.model`. */
export function kernelChatBackend(kernel: Kernel, options: KernelBackendOptions): ChatBackend {
  return {
    async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal: AbortSignal): Promise<GenerateResult> {
      const { messages, prompt, replayPrefix: _p, replayTokens: _t, ...params } = request;
      const handle = kernel.submit({
        pid: options.pid,
        model: options.model,
        ...(messages ? { messages } : {}),
        ...(prompt !== undefined ? { prompt } : {}),
        params: params as JobParams,
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
        signal,
      });
      for await (const t of handle.tokens) onToken(t);
      return handle.result;
    },
  };
}
