/**
 * The task APIs over the cross-origin bridge: a page of another origin, connected to an LLM OS app
 * with `connectCrossOrigin()`, gets the same `Summarizer` / `Writer` / `Rewriter` / `Proofreader` /
 * `Translator` classes, running on the app's kernel. Generations are `chat.completions` streams (a
 * JSON-schema constraint travels as `response_format`); availability, loading and token counts are the
 * bridge's `ai.*` methods. All of it runs in the connection's one process in the app (the bridge grants
 * a process per connection, not per instance), so `destroy()` cancels the instance's calls but ends no
 * process there; the app's grant (its app id, quota, allowed model origins) governs every call.
 */
import type { ChatCompletionChunk, ChatCompletionCreateParams } from '../openai/openai-types';
import type { CrossOriginClient } from '../bridge/bridge-client';
import type { Availability } from '../prompt-api/language-model-polyfill';
import { languagesSupported } from '../prompt-api/language-model-env';
import type { TaskBackend, TaskEnvironment, TaskRequest } from './ai-env';
import { builtInAiOver, type BuiltInAi } from './builtin-ai';

/** Options of `createBuiltInAiOverBridge()`. */
export interface BridgeAiOptions {
  /** The model in the app: an id it has registered, or a GGUF URL on its origin. */
  model: string;
  /** BCP 47 tags the model handles (default: any the browser knows by name). */
  languages?: string[];
  /** Longest output of one call, tokens (default 1024). */
  maxOutputTokens?: number;
  /** OpenAI request fields sent with every generation (e.g. `temperature`, `logit_bias`). */
  request?: Partial<Pick<ChatCompletionCreateParams, 'temperature' | 'top_p' | 'logit_bias' | 'seed' | 'presence_penalty' | 'frequency_penalty'>>;
}

class BridgeTaskEnv implements TaskEnvironment {
  constructor(private readonly client: CrossOriginClient, readonly options: BridgeAiOptions) {}

  async availability(signal?: AbortSignal): Promise<Availability> {
    try {
      const a = await this.client.ai.status(this.options.model, signal);
      return (['available', 'downloading', 'downloadable'] as const).find((s) => s === a) ?? 'unavailable';
    } catch {
      return 'unavailable';
    }
  }

  supportsLanguages(tags: readonly string[]): boolean {
    return languagesSupported(this.options.languages, tags);
  }

  backend(): TaskBackend {
    const { client, options } = this;
    return {
      prepare: (_onProgress, signal) => client.ai.prepare(options.model, signal),
      measure: (messages, signal) => client.ai.measure(options.model, messages, signal),
      async generate(request: TaskRequest, signal: AbortSignal, onText?: (chunk: string) => void): Promise<string> {
        const stream = await client.chat.completions.create({
          ...options.request,
          model: options.model,
          messages: request.messages.map((m) => ({ role: m.role as 'system' | 'user' | 'assistant', content: m.content })),
          max_tokens: request.maxTokens,
          stream: true,
          ...(request.constraint?.kind === 'json'
            ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: request.constraint.schema, strict: true } } }
            : {}),
        }, { signal });
        let text = '';
        for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
          const delta = chunk.choices[0]?.delta?.content ?? '';
          if (!delta) continue;
          text += delta;
          onText?.(delta);
        }
        return text;
      },
      // The connection's process belongs to the bridge: an instance's destroy() ends only its own calls.
      close: () => {},
    };
  }
}

/** The task API classes running on an LLM OS app of another origin, through a bridge connection. */
export function createBuiltInAiOverBridge(client: CrossOriginClient, options: BridgeAiOptions): BuiltInAi {
  return builtInAiOver(new BridgeTaskEnv(client, options));
}
