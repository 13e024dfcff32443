/**
 * Limits on untrusted constraint input — JSON schemas, RegExps, GBNF grammars, chat templates — and on
 * the work done with it: grammar compilation (engine worker), output validation (constraint worker) and
 * chat-template rendering (engine worker). They live in one place so that the page's early checks, the
 * workers and the docs agree. Without them an 847-byte schema grew a 332 MB grammar on the page's main
 * thread (issue 13). Every check here is a walk that stops at its cap, so even a pathological input is
 * refused in O(cap) time.
 *
 * Exceeding a limit is an `InvalidRequestError` with `details: {limit, value, max}` (and `field` where
 * the caller named one): `/v1` answers it with HTTP 400 and `param`, the Prompt API polyfill rejects with
 * a `NotSupportedError` whose `cause` is that error.
 */
import { InvalidRequestError } from '../errors';

/** The limits, by the name an error's `details.limit` carries. */
export const CONSTRAINT_LIMITS = {
  /** UTF-16 code units of a schema's JSON text (strings, keys and punctuation, counted while walking). */
  schemaBytes: 64 * 1024,
  /** Nesting depth of a schema's JSON (each object or array is one level; a subschema is ≈ 2). */
  schemaDepth: 64,
  /** Property entries (`properties`, `patternProperties`, `$defs`, …) in a whole schema. */
  schemaProperties: 1_000,
  /** Values of one `enum`. */
  enumValues: 1_000,
  /** Branches of one `anyOf` / `oneOf` / `allOf` / `prefixItems`. (`type` lists are de-duplicated instead.) */
  alternatives: 64,
  /** Rules of a GBNF grammar (compiled, or given as is). */
  grammarRules: 4_096,
  /** UTF-8 bytes of a GBNF grammar's text; checked rule by rule while compiling. */
  grammarBytes: 256 * 1024,
  /**
   * Largest repetition count a grammar may spell out (`x{n,m}`): llama.cpp expands each repetition into
   * that many rules. Compiled grammars relax a larger bound (a schema's `maxLength`, a RegExp's `{n,m}`)
   * to an open one — the output is still validated against the real constraint afterwards; a grammar
   * given as is is refused.
   */
  repetition: 1_000,
  /** Characters of a RegExp's source. */
  regexpSource: 2_048,
  /** Wall time to validate one output against its constraint (in the constraint worker), ms. */
  validationMs: 1_000,
  /** Steps of one chat-template render (node evaluations and loop iterations). */
  templateSteps: 1_000_000,
  /** Wall time of one chat-template render, ms. */
  templateMs: 1_000,
  /** Characters of any string a chat-template render builds (its output included). */
  templateChars: 8 * 1024 * 1024,
  /** Items of any list a chat-template render builds (`range()` included). */
  templateItems: 10_000,
} as const;

/** A limit's name. */
export type ConstraintLimit = keyof typeof CONSTRAINT_LIMITS;

/** The typed error for a limit exceeded by `value` (for incremental checks: the count where it stopped). */
export function limitExceeded(limit: ConstraintLimit, value: number, what: string, field?: string): InvalidRequestError {
  const max = CONSTRAINT_LIMITS[limit];
  return new InvalidRequestError(`${what} exceeds the limit ${limit}: ${value} > ${max}`, { limit, value, max, ...(field ? { field } : {}) });
}

const PROPERTY_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const BRANCH_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

/**
 * Check a JSON schema against the size, depth, property, enum and branch limits, and that it is JSON
 * (no functions, symbols or bigints). The walk stops at the first limit, so its cost is bounded by the
 * limits, whatever the schema (shared sub-objects count each time they appear; cycles trip the depth).
 */
export function checkSchemaLimits(schema: unknown, field = 'schema'): void {
  let bytes = 0;
  let properties = 0;
  const add = (n: number) => {
    bytes += n;
    if (bytes > CONSTRAINT_LIMITS.schemaBytes) throw limitExceeded('schemaBytes', bytes, 'The JSON schema', field);
  };
  const walk = (v: unknown, depth: number, key: string | null): void => {
    if (depth > CONSTRAINT_LIMITS.schemaDepth) throw limitExceeded('schemaDepth', depth, 'The JSON schema\'s nesting', field);
    switch (typeof v) {
      case 'string': add(v.length + 2); return;
      case 'number': case 'boolean': add(String(v).length); return;
      case 'undefined': return;
      case 'object': break;
      default: throw new InvalidRequestError(`The JSON schema holds a ${typeof v}, which is not JSON`, { field });
    }
    if (v === null) return add(4);
    if (Array.isArray(v)) {
      if (key === 'enum' && v.length > CONSTRAINT_LIMITS.enumValues) throw limitExceeded('enumValues', v.length, 'An enum', field);
      if (key !== null && BRANCH_LISTS.has(key) && v.length > CONSTRAINT_LIMITS.alternatives) throw limitExceeded('alternatives', v.length, `A ${key}`, field);
      add(2 + v.length);
      for (const item of v) walk(item, depth + 1, null);
      return;
    }
    const keys = Object.keys(v);
    if (key !== null && PROPERTY_MAPS.has(key)) {
      properties += keys.length;
      if (properties > CONSTRAINT_LIMITS.schemaProperties) throw limitExceeded('schemaProperties', properties, 'The JSON schema\'s properties', field);
    }
    add(2 + keys.length);
    for (const k of keys) {
      add(k.length + 3);
      walk((v as Record<string, unknown>)[k], depth + 1, k);
    }
  };
  walk(schema, 1, null);
}

/** Check a RegExp's source length and flags. */
export function checkRegexpLimits(source: unknown, flags: unknown, field = 'regexp'): void {
  if (typeof source !== 'string' || typeof flags !== 'string' || !/^[dgimsuvy]*$/.test(flags)) {
    throw new InvalidRequestError('A RegExp constraint needs a string source and valid flags', { field });
  }
  if (source.length > CONSTRAINT_LIMITS.regexpSource) throw limitExceeded('regexpSource', source.length, 'The RegExp source', field);
}

/** UTF-8 length of `s` without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

/**
 * Check a GBNF grammar given as text: its size, its rule count, and its repetition counts (`{n}`,
 * `{n,m}` outside literals and character classes), which llama.cpp would expand into that many rules.
 * One pass over at most `grammarBytes` characters.
 */
export function checkGrammarLimits(grammar: unknown, field = 'grammar'): void {
  if (typeof grammar !== 'string') throw new InvalidRequestError('grammar must be a string', { field });
  // A UTF-16 length over the cap is over it in UTF-8 too: no need to measure a huge string.
  const bytes = grammar.length > CONSTRAINT_LIMITS.grammarBytes ? grammar.length : utf8Length(grammar);
  if (bytes > CONSTRAINT_LIMITS.grammarBytes) throw limitExceeded('grammarBytes', bytes, 'The grammar', field);
  let rules = 0;
  for (let i = 0; i < grammar.length; i++) {
    const c = grammar[i];
    if (c === '"' || c === '[') {
      // Skip a literal or a class; a backslash escapes the next character.
      const end = c === '"' ? '"' : ']';
      for (i++; i < grammar.length && grammar[i] !== end; i++) if (grammar[i] === '\\') i++;
    } else if (c === '#') {
      while (i < grammar.length && grammar[i] !== '\n') i++;
    } else if (c === ':' && grammar.startsWith('::=', i)) {
      if (++rules > CONSTRAINT_LIMITS.grammarRules) throw limitExceeded('grammarRules', rules, 'The grammar', field);
    } else if (c === '{') {
      const m = /^\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}/.exec(grammar.slice(i, i + 32));
      const n = m ? Math.max(Number(m[1]), Number(m[2] || 0)) : 0;
      if (n > CONSTRAINT_LIMITS.repetition) throw limitExceeded('repetition', n, 'A grammar repetition count', field);
    }
  }
}
