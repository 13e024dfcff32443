/** Placeholder replaced by the WebLLM adapter work (see issue 2). */
import { UnsupportedModelError } from '../errors';
import type { Engine } from './engine';

export class WebLLMEngine implements Partial<Engine> {
  readonly kind = 'webllm' as const;
  load(): Promise<never> {
    return Promise.reject(new UnsupportedModelError('WebLLM adapter not built yet', {}));
  }
}
