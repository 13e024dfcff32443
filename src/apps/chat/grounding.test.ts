import { describe, expect, test } from 'vitest';
import { groundedBackend } from './grounding';
import { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import type { GenerateRequest, GenerateResult } from '../../protocol/engine';
import type { CitedFact } from '../../knowledge/context';

/** A recording backend: a test double that answers "ok" and keeps the requests it got. */
function recorder() {
  const requests: GenerateRequest[] = [];
  return {
    requests,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      requests.push(request);
      return { text: 'ok', stopReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, ttftMs: 1, decodeTokensPerSec: 0, prefillTokensPerSec: 0, totalMs: 1 } };
    },
  };
}

describe('Chat grounding in the user knowledge graph', () => {
  const kg = new KnowledgeGraph('user');
  kg.applyFacts([
    { subject: { label: 'Alice' }, predicate: 'works at', object: { label: 'Acme' }, confidence: 0.9 },
    { subject: { label: 'Carol' }, predicate: 'likes', object: { label: 'Tea' }, confidence: 1 },
  ]);

  test('facts about what the question mentions go in as a cited data block after the system prompt', async () => {
    const base = recorder();
    let cited: CitedFact[] = [];
    const backend = groundedBackend(base, async () => kg, (f) => { cited = f; });
    await backend.generate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where does Alice work?' }] }, () => {}, new AbortController().signal);
    const sent = base.requests[0]!.messages!;
    expect(sent.map((m) => m.role)).toEqual(['system', 'system', 'user']);
    expect(sent[0]!.content).toBe('Be brief.');
    expect(sent[1]!.content).toContain('Acme');
    expect(sent[1]!.content).not.toContain('Tea'); // unrelated facts stay out
    expect(cited.map((f) => [f.subject.label, f.predicate, f.object.label])).toEqual([['Alice', 'works at', 'Acme']]);
    expect(sent[1]!.content).toContain(`[${cited[0]!.citation}]`);
  });

  test('a question that mentions nothing known is sent unchanged, with no facts cited', async () => {
    const base = recorder();
    let cited: CitedFact[] | null = null;
    const backend = groundedBackend(base, async () => kg, (f) => { cited = f; });
    const messages = [{ role: 'user' as const, content: 'What is the weather?' }];
    await backend.generate({ messages }, () => {}, new AbortController().signal);
    expect(base.requests[0]!.messages).toEqual(messages);
    expect(cited).toEqual([]);
  });
});
