import { describe, expect, test } from 'vitest';
import { gbnfLiteral, jsonSchemaToGbnf } from './json-schema-grammar';
import { regexpToGbnf } from './regexp-grammar';
import { intersectQuota } from '../api/app-identity';

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

  test('no required property: any ordered subset, the first without a comma; the tails are shared rules', () => {
    const g = jsonSchemaToGbnf({ type: 'object', properties: { x: { type: 'null' }, y: { type: 'null' }, z: { type: 'null' } } });
    const r = rules(g);
    expect(r[r.root!]).toBe('"{" ws ( "\\"x\\"" ws ":" ws null root-rest-1 | "\\"y\\"" ws ":" ws null root-rest-0 | "\\"z\\"" ws ":" ws null )? ws "}"');
    expect(r['root-rest-1']).toBe('( ws "," ws "\\"y\\"" ws ":" ws null )? root-rest-0');
    expect(r['root-rest-0']).toBe('( ws "," ws "\\"z\\"" ws ":" ws null )?');
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

  test('hostile shapes stay linear: repeated types are compiled once, optional tails are shared', () => {
    // ≈ 1 KB; before de-duplication the grammar grew ≈ 4.4× per level (hundreds of MB).
    let nested: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 13; i++) nested = { type: ['object', 'object', 'object', 'object'], properties: { a: nested, b: { type: ['object', 'object'] } } };
    expect(jsonSchemaToGbnf(nested).length).toBeLessThan(4_000);
    // 900 optional properties: was quadratic (≈ 20 MB of grammar), now ≈ 100 KB.
    const props = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`p${i}`, { type: 'string' }]));
    expect(jsonSchemaToGbnf({ type: 'object', properties: props }).length).toBeLessThan(150_000);
  });

  test('limits: a typed error naming the limit, value and maximum', () => {
    const limitOf = (f: () => unknown) => {
      try { f(); } catch (e) { return { code: (e as { code: string }).code, ...(e as { details: Record<string, unknown> }).details }; }
      return null;
    };
    const props = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: 'string' }]));
    expect(limitOf(() => jsonSchemaToGbnf({ type: 'object', properties: props }))).toMatchObject({ code: 'INVALID_REQUEST', limit: 'schemaProperties', value: 3000, max: 1000 });
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 200; i++) deep = { type: 'object', properties: { a: deep } };
    expect(limitOf(() => jsonSchemaToGbnf(deep))).toMatchObject({ limit: 'schemaDepth', max: 64 });
    expect(limitOf(() => jsonSchemaToGbnf({ enum: Array.from({ length: 5000 }, (_, i) => i) }))).toMatchObject({ limit: 'enumValues', value: 5000 });
    expect(limitOf(() => jsonSchemaToGbnf({ anyOf: Array.from({ length: 100 }, () => ({ type: 'null' })) }))).toMatchObject({ limit: 'alternatives', value: 100 });
    expect(limitOf(() => jsonSchemaToGbnf({ description: 'x'.repeat(100_000) }))).toMatchObject({ limit: 'schemaBytes' });
    // A cycle (possible in a JS object) trips the depth limit instead of looping.
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(limitOf(() => jsonSchemaToGbnf(cyclic))).toMatchObject({ limit: 'schemaDepth' });
    // Within the input limits, over the grammar's size: each backslash is escaped twice (JSON, then GBNF).
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, { const: '\\'.repeat(4000) }]));
    expect(limitOf(() => jsonSchemaToGbnf({ type: 'object', properties: wide }))).toMatchObject({ limit: 'grammarBytes', max: 256 * 1024 });
  });

  test('repetition counts over the limit are relaxed, not spelled out', () => {
    const g = jsonSchemaToGbnf({ type: 'object', properties: { s: { type: 'string', minLength: 2, maxLength: 100_000 }, l: { type: 'array', maxItems: 5000 } }, required: ['s', 'l'] });
    expect(g).toContain('char{2,}');
    expect(g).toContain('{0,}');
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

  test('a long source is refused; huge repetition counts are relaxed', () => {
    expect(() => regexpToGbnf({ source: 'a'.repeat(3000), flags: '' })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: { limit: 'regexpSource', value: 3000, max: 2048, field: 'regexp' } }));
    expect(regexpToGbnf(/a{5000}b{2,99999}/)).toBe('root ::= ([a]{1000,} [b]{2,})');
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
