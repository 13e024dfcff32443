import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import { fixtureKernel } from '../../../test/helpers/api';
import { randomFixtureDefaults } from '../model-ref';
import { constraintParams, validateOutput, type OutputConstraint } from './structured-output';

let kernel: Kernel;
let pid: number;
beforeAll(async () => {
  kernel = await fixtureKernel();
  pid = kernel.spawn({ name: 'grammar test', appId: 'test.grammar' }, { priority: 'normal' });
});
afterAll(() => kernel.shutdown());

/** Generate under the constraint's grammar with the random model, greedy, byte tokens banned. */
async function generate(c: OutputConstraint, maxTokens: number): Promise<string> {
  const params = { ...randomFixtureDefaults(), maxTokens, ...constraintParams(c) };
  // The constraint travels as data; the engine worker compiles it (the page never builds a grammar).
  expect(params.grammar).toBeUndefined();
  expect(params.jsonSchema ?? params.regexp).toBeDefined();
  const r = await kernel.submit({ pid, model: 'tiny', messages: [{ role: 'user', content: 'Answer.' }], params }).result;
  return r.text;
}

test('llama.cpp accepts the grammars built from JSON schemas, and the random model then satisfies them', async () => {
  const schemas: Record<string, unknown>[] = [
    { type: 'object', properties: { kind: { enum: ['cat', 'dog'] }, n: { type: 'integer' }, ok: { type: 'boolean' } }, required: ['kind', 'n', 'ok'], additionalProperties: false },
    { type: 'object', properties: { tags: { type: 'array', items: { enum: ['x', 'y'] }, minItems: 1, maxItems: 3 }, none: { type: 'null' } }, required: ['tags', 'none'] },
    { type: 'object', properties: { v: { anyOf: [{ type: 'boolean' }, { const: 'n/a' }] }, w: { type: ['null', 'boolean'] } }, required: ['v', 'w'] },
    { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 4 } }, required: ['name'] },
  ];
  for (const schema of schemas) {
    const c: OutputConstraint = { kind: 'json', schema };
    const text = await generate(c, 48);
    await expect(validateOutput(text, c), `${JSON.stringify(schema)} → ${text}`).resolves.toBeTypeOf('object');
  }
});

test('llama.cpp accepts the grammars built from RegExps, and outputs match them whole', async () => {
  for (const regexp of [/(cat|dog)s?/, /[0-9]{3}-[a-c]{2}/, /[A-Z][a-z]{2,4}!/, /(?:ab)+c/]) {
    const c: OutputConstraint = { kind: 'regexp', regexp };
    const text = await generate(c, 16);
    expect(text, String(regexp)).toMatch(new RegExp(`^(?:${regexp.source})$`));
    await expect(validateOutput(text, c)).resolves.toBe(text);
  }
});
