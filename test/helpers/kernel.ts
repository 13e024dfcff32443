/** Test helpers for kernel jobs. */
import type { TokenEvent } from '../../src/protocol/engine';
import type { JobHandle } from '../../src/kernel/types';

/** Read a job's tokens as they come (`onToken` may act mid-stream), then its result. */
export async function readJob(h: JobHandle, onToken: (t: TokenEvent, n: number) => void = () => {}) {
  const tokens: string[] = [];
  for await (const t of h.tokens) {
    tokens.push(t.text);
    onToken(t, tokens.length);
  }
  return { tokens, result: await h.result };
}
