import { describe, expect, test } from 'vitest';
import { compileJsonSchema, schemaProblem } from './json-schema-validate';

const schema = {
  type: 'object',
  properties: { sentiment: { enum: ['positive', 'negative'] }, points: { type: 'array', items: { type: 'string', maxLength: 5 } } },
  required: ['sentiment'],
  additionalProperties: false,
};

describe('eval-free JSON Schema validation', () => {
  test('conforming values pass, violations name the path', () => {
    const v = compileJsonSchema(schema);
    expect(v.violations({ sentiment: 'positive', points: ['a'] })).toEqual([]);
    const bad = v.violations({ sentiment: 'meh', points: ['toolong'], extra: 1 });
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.map((b) => b.path).join(' ')).toMatch(/points\/0|sentiment|extra/);
    expect(v.violations({ points: [] }).length).toBeGreaterThan(0);
  });

  test('malformed schemas are refused up front', () => {
    expect(schemaProblem({ type: 'no-such-type' })).toMatch(/type/);
    expect(schemaProblem({ properties: { a: { type: 7 } } })).toMatch(/properties\/a\/type/);
    expect(schemaProblem({ required: 'a' })).toMatch(/required/);
    expect(schemaProblem([])).toMatch(/not a schema/);
    expect(() => compileJsonSchema({ type: 'no-such-type' })).toThrow(/type/);
    expect(schemaProblem(schema)).toBeNull();
  });

  test('no code generation: works with Function and eval unavailable', () => {
    const saved = globalThis.Function;
    // Simulate the CSP: any attempt to build code throws.
    (globalThis as { Function: unknown }).Function = function () { throw new EvalError('blocked by CSP'); };
    try {
      const v = compileJsonSchema(schema);
      expect(v.violations({ sentiment: 'negative' })).toEqual([]);
      expect(v.violations({ sentiment: 1 }).length).toBeGreaterThan(0);
    } finally {
      (globalThis as { Function: unknown }).Function = saved;
    }
  });
});
