import { describe, expect, test } from 'vitest';
import { gbnfLiteral, jsonSchemaToGbnf } from './json-schema-grammar';
import { regexpToGbnf } from './regexp-grammar';
import { intersectQuota } from './app-identity';

const rules = (g: string) => Object.fromEntries(g.split('\n').map((l) => l.split(' ::= ') as [string, string]));

describe('jsonSchemaToGbnf', () => {
  test('json_object mode: any object', () => {
    const r = rules(jsonSchemaToGbnf());
    expect(r.root).toBe('object');
    expect(r.object).toContain('"{"');
    for (const used of ['value', 'string', 'number', 'array', 'ws', 'char']) expect(r[used], used).toBeDefined();
  });

  test('required properties in order, optional ones after, each at most once', () => {
    const g = jsonSchemaToGbnf({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'boolean' }, c: { type: 'string' } }, required: ['c', 'a'] });
    const body = rules(g)[rules(g).root!]!;
    expect(body).toBe('"{" ws "\\"a\\"" ws ":" ws integer ws "," ws "\\"c\\"" ws ":" ws string ( ws "," ws "\\"b\\"" ws ":" ws boolean )? ws "}"');
  });

  test('no required property: any ordered subset, the first without a comma', () => {
    const g = jsonSchemaToGbnf({ type: 'object', properties: { x: { type: 'null' }, y: { type: 'null' } } });
    const body = rules(g)[rules(g).root!]!;
    expect(body).toBe('"{" ws ( "\\"x\\"" ws ":" ws null ( ws "," ws "\\"y\\"" ws ":" ws null )? | "\\"y\\"" ws ":" ws null )? ws "}"');
  });

  test('enum, const, anyOf, type lists, arrays with bounds, strings with lengths, local $refs', () => {
    const g = jsonSchemaToGbnf({
      $defs: { node: { type: 'object', properties: { next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } }, required: ['next'] } },
      type: 'object',
      properties: {
        kind: { enum: ['a', 'b"c', 3] }, one: { const: true }, tags: { type: 'array', items: { type: 'string', maxLength: 5 }, minItems: 1, maxItems: 3 },
        n: { type: ['integer', 'null'] }, list: { $ref: '#/$defs/node' },
      },
      required: ['kind', 'one', 'tags', 'n', 'list'],
    });
    expect(g).toContain('("\\"a\\"" | "\\"b\\\\\\"c\\"" | "3")');
    expect(g).toContain('"true"');
    expect(g).toMatch(/"\[" ws [\w-]+ \( ws "," ws [\w-]+ \)\{0,2\} ws "\]"/);
    expect(g).toContain('char{0,5}');
    expect(g).toMatch(/\((integer|[\w-]+) \| (null|[\w-]+)\)/);
    // The recursive definition is one named rule that refers to itself.
    const named = g.split('\n').find((l) => l.startsWith('root-list') || /^node|list/.test(l));
    expect(named).toBeDefined();
  });

  test('literals escape quotes, backslashes and control characters', () => {
    expect(gbnfLiteral('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });
});

describe('regexpToGbnf', () => {
  test('literals, classes, quantifiers, groups and alternation', () => {
    expect(regexpToGbnf(/^(yes|no)$/)).toBe('root ::= ((([y] [e] [s]) | ([n] [o])))');
    expect(regexpToGbnf(/\d{3}-[a-c]+/)).toBe('root ::= ([0-9]{3} [\\x2D] [a-c]+)');
    expect(regexpToGbnf(/[^\s"]?x*/)).toBe('root ::= ([^\\x09-\\x0D\\x20\\xA0\\u2028-\\u2029\\uFEFF\\x22]? [x]*)');
    expect(regexpToGbnf(/(?:ab){2,}c{1,3}?/)).toBe('root ::= (([a] [b]){2,} [c]{1,3})');
    expect(regexpToGbnf(/(?<word>\w+)\./)).toBe('root ::= (([0-9A-Z\\x5Fa-z]+) [\\x2E])');
  });

  test('beyond a grammar: null (the output is still validated afterwards)', () => {
    for (const re of [/a(?=b)/, /(a)\1/, /\bword/, /abc/i, /a$|b/]) expect(regexpToGbnf(re), String(re)).toBeNull();
  });
});

describe('intersectQuota', () => {
  test('keeps the stricter of each field', () => {
    expect(intersectQuota({ maxPriority: 'interactive', maxConcurrentJobs: 4, allowedModels: ['a', 'b'] }, { maxPriority: 'realtime', maxConcurrentJobs: 2, allowedModels: ['b', 'c'] }))
      .toEqual({ maxPriority: 'interactive', maxConcurrentJobs: 2, allowedModels: ['b'] });
    expect(intersectQuota({}, { allowedModels: ['x'] })).toEqual({ allowedModels: ['x'] });
    expect(intersectQuota({ maxPriority: 'background' }, {})).toEqual({ maxPriority: 'background' });
  });
});
