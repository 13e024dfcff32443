/** web-llm request mapping of the token limit and of log probabilities (`webllm-request.ts`). */
import { describe, expect, test } from 'vitest';
import { webllmLogprobs, webllmRequestParams } from './webllm-request';

describe('webllmRequestParams: limits and log probabilities', () => {
  test('no maxTokens: no max_tokens (web-llm stops at the end of its context window); a limit counts the replayed tokens', () => {
    expect(webllmRequestParams({ prompt: 'x' })).not.toHaveProperty('max_tokens');
    expect(webllmRequestParams({ prompt: 'x', maxTokens: 5, replayTokens: 3 })).toMatchObject({ max_tokens: 8 });
  });

  test('logprobs → logprobs/top_logprobs (at least 1: web-llm lists none with 0); over 5 is refused, never cut', () => {
    expect(webllmRequestParams({ prompt: 'x' })).not.toHaveProperty('logprobs');
    expect(webllmRequestParams({ prompt: 'x', logprobs: 0 })).toMatchObject({ logprobs: true, top_logprobs: 1 });
    expect(webllmRequestParams({ prompt: 'x', logprobs: 5 })).toMatchObject({ logprobs: true, top_logprobs: 5 });
    expect(() => webllmRequestParams({ prompt: 'x', logprobs: 6 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'logprobs', engine: 'webllm' }) }));
  });

  test('web-llm chunk logprobs → ours, with k alternatives', () => {
    const top = [{ token: 'a', logprob: -0.1, bytes: [97] }, { token: 'b', logprob: -2, bytes: [98] }];
    expect(webllmLogprobs([{ token: 'a', logprob: -0.1, bytes: [97], top_logprobs: top }], 0)).toEqual([{ token: 'a', logprob: -0.1, bytes: [97], top: [] }]);
    expect(webllmLogprobs([{ token: 'a', logprob: -Infinity, bytes: null, top_logprobs: top }], 2)).toEqual([{ token: 'a', logprob: -9999, bytes: null, top }]);
    expect(webllmLogprobs(null, 2)).toEqual([]);
  });
});
