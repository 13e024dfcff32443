import { describe, expect, test } from 'vitest';
import { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import { FACTS_FENCE } from '../../knowledge/context';
import { calculatorTool, currentTimeTool, knowledgeTool, toolParams } from './tools';
import { CalculatorError } from './calculator';

const ctx = { signal: undefined, call: { id: 'call_1', name: 'x', arguments: '{}' } };

describe("the Chat app's tools", () => {
  test('every tool has a name the engines take and an object schema with no extra properties', () => {
    for (const t of [calculatorTool(), currentTimeTool(), knowledgeTool(async () => null)]) {
      expect(t.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(t.description!.length).toBeGreaterThan(10);
      expect(t.parameters).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });

  test('calculator: the result of the expression, or the parser error', () => {
    const calc = calculatorTool();
    expect(calc.execute({ expression: '(2 + 3) * 4 ^ 2' }, ctx)).toEqual({ expression: '(2 + 3) * 4 ^ 2', result: '80' });
    expect(() => calc.execute({ expression: '1 / 0' }, ctx)).toThrow(CalculatorError);
    expect(() => calc.execute({ expression: 'globalThis.alert(1)' }, ctx)).toThrow(/Unexpected "g"/);
  });

  test("current_time: ISO time and the user's time zone, or UTC when asked", () => {
    const at = new Date('2025-03-04T05:06:07.000Z');
    const clock = currentTimeTool(() => at);
    const local = clock.execute({}, ctx) as { iso: string; timeZone: string; local: string };
    expect(local.iso).toBe('2025-03-04T05:06:07.000Z');
    expect(local.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    const utc = clock.execute({ zone: 'UTC' }, ctx) as { timeZone: string; local: string };
    expect(utc.timeZone).toBe('UTC');
    expect(utc.local).toContain('2025');
    expect(utc.local).toContain('5:06:07');
  });

  test('knowledge_lookup: cited facts about what the query names, quoted as data; none, or no graph, in words', async () => {
    const kg = new KnowledgeGraph('user');
    kg.applyFacts([
      { subject: { label: 'Alice' }, predicate: 'works at', object: { label: 'Acme' }, confidence: 0.9 },
      { subject: { label: 'Carol' }, predicate: 'likes', object: { label: 'Tea' }, confidence: 1 },
    ]);
    const tool = knowledgeTool(async () => kg);
    const found = await tool.execute({ query: 'Alice' }, ctx) as string;
    expect(found).toContain('```' + FACTS_FENCE);
    expect(found).toContain('"Acme"');
    expect(found).not.toContain('Tea');
    expect(await tool.execute({ query: 'the weather' }, ctx)).toBe('No facts in the knowledge graph match "the weather".');
    await expect(knowledgeTool(async () => null).execute({ query: 'Alice' }, ctx) as Promise<string>).rejects.toThrow(/not available/);
  });

  test('toolParams: a fixture gets the ASCII byte tokens back and one call per reply; other models are untouched', () => {
    const ban: Record<number, number> = {};
    for (let id = 3; id < 259; id++) ban[id] = -100;
    const p = toolParams({ temperature: 0, logitBias: ban }, true);
    expect(p.logitBias![3]).toBe(0);
    expect(p.logitBias![130]).toBe(0);
    expect(p.logitBias![131]).toBe(-100);
    expect(p.logitBias![258]).toBe(-100);
    expect(p.parallelToolCalls).toBe(false);
    expect(ban[3]).toBe(-100); // not changed in place
    const real = { temperature: 0.7 };
    expect(toolParams(real, false)).toBe(real);
  });
});
