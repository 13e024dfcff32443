/**
 * The frame side of the task APIs over the bridge (`createBuiltInAiOverBridge` on the embedder side):
 * what the embedder cannot do through `chat.completions` — the model's availability, making it resident
 * (the context a request may hold), and token counts — run as jobs of the connection's process. The
 * embedder's messages are checked as any request's are (roles, strings, sizes) before they are counted.
 */
import { InvalidRequestError } from '../../errors';
import type { KernelApi } from '../../kernel/kernel-api';
import type { ChatMessage } from '../../protocol/engine';
import { validateRequest } from '../../protocol/validate-request';
import { KernelTaskEnv } from '../builtin-ai/ai-env';
import type { BridgeMethod } from './bridge-protocol';

/** Answer one `ai.*` bridge request for the connection's process `pid`. */
export async function bridgeAiCall(method: BridgeMethod, params: Record<string, unknown>, kernel: KernelApi, pid: number, signal: AbortSignal): Promise<unknown> {
  if (typeof params.model !== 'string' || !params.model) throw new InvalidRequestError('model is required', { field: 'model' });
  const env = new KernelTaskEnv({ kernel, model: params.model, pid });
  switch (method) {
    case 'ai.status': return env.availability(signal);
    case 'ai.prepare': return env.backend({ appId: 'llmos.bridge', name: 'Bridge' }).prepare(() => {}, signal);
    case 'ai.measure': {
      const messages = params.messages as ChatMessage[];
      validateRequest({ messages, maxTokens: 1 });
      if (messages.some((m) => m.images?.length || m.toolCalls)) throw new InvalidRequestError('ai.measure counts text messages only', { field: 'messages' });
      return env.backend({ appId: 'llmos.bridge', name: 'Bridge' }).measure(messages, signal);
    }
    default: throw new InvalidRequestError(`Unknown bridge method ${String(method)}`, { field: 'method', value: String(method) });
  }
}
