/**
 * JSON Schema → GBNF (llama.cpp grammar), so that wllama enforces structured output while sampling.
 * wllama 3.13's own `response_format` path fails to initialise its sampler on every schema
 * ("Failed to initialize samplers: std::exception"); a plain `grammar` works (the engine renders the
 * chat template itself for constrained requests). Building the grammar here also keeps whitespace to at
 * most one space — small models otherwise loop on whitespace until the token limit — and lets RegExp
 * constraints take the same path. It covers the structural keywords (type, properties, required,
 * items, min/maxItems, enum, const, anyOf/oneOf, local `$ref`s, min/maxLength); value constraints a
 * grammar cannot express (minimum, pattern, not, …) are left to the validator that checks every output
 * after generation (`structured-output.ts`).
 *
 * The schema is untrusted (it comes from `/v1`, the Prompt API, any app), so the compiler runs in the
 * engine worker, never on the page (`engines/constraint-compile.ts`), and its output stays linear in the
 * schema's size: `type` lists are de-duplicated (`["object","object",…]` at every level once grew the
 * grammar ≈ 4.4× per level), `$ref`s become one named rule each, the optional-property tails of an object
 * are shared rules (they were spelled out for each start, quadratic), repetition counts above
 * `CONSTRAINT_LIMITS.repetition` are relaxed, and rules are counted and measured as they are added, so a
 * grammar over `grammarRules` / `grammarBytes` stops the compilation at once (see `protocol/constraint-limits.ts`).
 */
import { checkSchemaLimits, CONSTRAINT_LIMITS, limitExceeded, utf8Length } from '../protocol/constraint-limits';

type Schema = Record<string, unknown> | boolean;

const PRIMITIVES: Record<string, string> = {
  ws: '" "?',
  char: '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
  string: '"\\"" char* "\\""',
  integer: '"-"? ("0" | [1-9] [0-9]{0,15})',
  number: '"-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?',
  boolean: '"true" | "false"',
  null: '"null"',
  value: 'object | array | string | number | boolean | null',
  object: '"{" ws ( string ws ":" ws value ( ws "," ws string ws ":" ws value )* )? ws "}"',
  array: '"[" ws ( value ( ws "," ws value )* )? ws "]"',
};

/** A GBNF string literal matching exactly `text`. */
export function gbnfLiteral(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

const literalOf = (v: unknown) => gbnfLiteral(JSON.stringify(v));
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/**
 * A GBNF repetition `{min,max}` no larger than llama.cpp can expand cheaply: a bound over the limit is
 * relaxed (min lowered to it, max dropped). The output is validated against the real schema afterwards.
 */
export function boundedRepeat(min: number, max: number | undefined): string {
  const cap = CONSTRAINT_LIMITS.repetition;
  return `{${Math.min(min, cap)},${max === undefined || max > cap ? '' : max}}`;
}

class Builder {
  readonly rules = new Map<string, string>();
  private readonly refs = new Map<string, string>();
  private seq = 0;
  private bytes = 0;

  /** `prefix` starts every generated rule name, so that several schemas' rules can share one grammar. */
  constructor(private readonly root: Schema, private readonly field: string, private readonly prefix = '') {}

  /** Set a rule, counting it against the grammar limits (checked as the grammar grows, not at the end). */
  define(name: string, body: string): void {
    const old = this.rules.get(name);
    this.bytes += utf8Length(body) + (old === undefined ? utf8Length(name) + 5 : -utf8Length(old));
    this.rules.set(name, body);
    if (this.rules.size > CONSTRAINT_LIMITS.grammarRules) throw limitExceeded('grammarRules', this.rules.size, 'The grammar built from the JSON schema', this.field);
    if (this.bytes > CONSTRAINT_LIMITS.grammarBytes) throw limitExceeded('grammarBytes', this.bytes, 'The grammar built from the JSON schema', this.field);
  }

  /** Add a rule under a fresh name derived from `hint`; returns the name. */
  private add(hint: string, body: string): string {
    // The hint's last words only: names along a deep path would otherwise grow with every level.
    const full = hint.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
    const base = (full.length > 24 ? full.slice(-24).replace(/^[^-]*-/, '') : full) || 'r';
    const name = `${this.prefix}${base}-${this.seq++}`;
    this.define(name, body);
    return name;
  }

  private use(primitive: string): string {
    if (this.rules.has(primitive)) return primitive;
    this.define(primitive, PRIMITIVES[primitive]!);
    if (primitive === 'string') this.use('char');
    if (primitive === 'value') for (const p of ['object', 'array', 'string', 'number', 'boolean', 'null', 'ws']) this.use(p);
    if (primitive === 'object' || primitive === 'array') { this.use('value'); this.use('ws'); }
    return primitive;
  }

  private ref(ref: string, hint: string): string {
    const hit = this.refs.get(ref);
    if (hit) return hit;
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const defs = m && isObj(this.root) ? this.root[m[1]!] : undefined;
    const key = m ? decodeURIComponent(m[2]!) : '';
    const target = isObj(defs) && Object.hasOwn(defs, key) ? defs[key] as Schema : undefined;
    if (target === undefined) return this.use('value');
    // Reserve the name first: recursive schemas refer to themselves.
    const name = this.add(hint, '"null"');
    this.refs.set(ref, name);
    this.define(name, this.visit(target, hint));
    return name;
  }

  /** A GBNF expression for values satisfying `s` (structurally). */
  visit(s: Schema, hint: string): string {
    if (s === true || (isObj(s) && Object.keys(s).length === 0)) return this.use('value');
    if (s === false || !isObj(s)) return this.use('value');
    if (typeof s.$ref === 'string') return this.ref(s.$ref, hint);
    if ('const' in s) return literalOf(s.const);
    if (Array.isArray(s.enum) && s.enum.length) return `(${s.enum.map(literalOf).join(' | ')})`;
    const alts = (Array.isArray(s.anyOf) && s.anyOf) || (Array.isArray(s.oneOf) && s.oneOf);
    if (alts && alts.length) return `(${alts.map((a, i) => this.visit(a as Schema, `${hint}-${i}`)).join(' | ')})`;
    if (Array.isArray(s.allOf) && s.allOf.length === 1) return this.visit(s.allOf[0] as Schema, hint);
    const type = s.type ?? (isObj(s.properties) ? 'object' : isObj(s.items) ? 'array' : undefined);
    if (Array.isArray(type)) {
      // Each distinct type once: a repeated type would compile the whole subschema again, per level.
      const types = [...new Set(type)];
      if (types.length === 1) return this.visit({ ...s, type: types[0] }, hint);
      return `(${types.map((t) => this.visit({ ...s, type: t }, `${hint}-${String(t)}`)).join(' | ')})`;
    }
    switch (type) {
      case 'object': return this.object(s, hint);
      case 'array': return this.array(s, hint);
      case 'string': {
        const min = count(s.minLength) ?? 0;
        const max = count(s.maxLength);
        if (min === 0 && max === undefined) return this.use('string');
        this.use('char');
        return this.add(hint, `"\\"" char${boundedRepeat(min, max)} "\\""`);
      }
      case 'integer': case 'number': case 'boolean': case 'null': return this.use(type as string);
      default: return this.use('value');
    }
  }

  private object(s: Record<string, unknown>, hint: string): string {
    const props = isObj(s.properties) ? Object.entries(s.properties as Record<string, Schema>) : [];
    if (props.length === 0) return this.use('object');
    this.use('ws');
    const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    const kv = (k: string, v: Schema) => `${gbnfLiteral(JSON.stringify(k))} ws ":" ws ${this.visit(v, `${hint}-${k}`)}`;
    const req = props.filter(([k]) => required.has(k)).map(([k, v]) => kv(k, v));
    const opt = props.filter(([k]) => !required.has(k)).map(([k, v]) => kv(k, v));
    let body: string;
    if (req.length) {
      body = [req.join(' ws "," ws '), ...opt.map((o) => `( ws "," ws ${o} )?`)].join(' ');
    } else if (opt.length === 1) {
      body = `( ${opt[0]} )?`;
    } else {
      // No required property: any ordered subset of the optional ones, the first without a comma. The
      // tail after property i is a rule shared by every start before it (linear, not quadratic).
      const tails: string[] = [];
      for (let i = opt.length - 1; i >= 1; i--) {
        const rest = tails[0] ? ` ${tails[0]}` : '';
        tails.unshift(this.add(`${hint}-rest`, `( ws "," ws ${opt[i]} )?${rest}`));
      }
      body = `( ${opt.map((o, i) => (tails[i] ? `${o} ${tails[i]}` : o)).join(' | ')} )?`;
    }
    return this.add(hint, `"{" ws ${body} ws "}"`);
  }

  private array(s: Record<string, unknown>, hint: string): string {
    const item = s.items === undefined || Array.isArray(s.items) ? this.use('value') : this.visit(s.items as Schema, `${hint}-item`);
    this.use('ws');
    const min = count(s.minItems) ?? 0;
    const max = count(s.maxItems);
    if (max === 0) return this.add(hint, '"[" ws "]"');
    const rest = `( ws "," ws ${item} )${boundedRepeat(Math.max(0, min - 1), max === undefined ? undefined : max - 1)}`;
    const list = `${item} ${rest}`;
    return this.add(hint, `"[" ws ${min > 0 ? list : `( ${list} )?`} ws "]"`);
  }
}

/**
 * The rules for values shaped by `schema` (any JSON object without one) and the expression that matches
 * them, with every generated rule name starting with `prefix` (the primitives — `ws`, `string`, `value`… —
 * are shared and identical across calls): for grammars that hold several schemas, such as a tool call's.
 */
export function schemaGbnfRules(schema: Record<string, unknown> | undefined, prefix: string, field: string): { expr: string; rules: Map<string, string> } {
  if (schema !== undefined) checkSchemaLimits(schema, field);
  const b = new Builder(schema ?? true, field, prefix);
  const expr = b.visit(schema ?? { type: 'object' }, 'root');
  return { expr, rules: b.rules };
}

/**
 * A GBNF grammar whose language is JSON text shaped by `schema` (any JSON object without one, as
 * OpenAI's `json_object` mode promises). A schema or grammar over a limit is an `InvalidRequestError`
 * naming it (`details.limit`), found in bounded time; `field` names the request field in that error.
 */
export function jsonSchemaToGbnf(schema?: Record<string, unknown>, field = 'jsonSchema'): string {
  if (schema !== undefined) checkSchemaLimits(schema, field);
  const b = new Builder(schema ?? true, field);
  const root = schema ? b.visit(schema, 'root') : 'object';
  if (!schema) b.visit({ type: 'object' }, 'root');
  const lines = [`root ::= ${root}`];
  for (const [name, body] of b.rules) lines.push(`${name} ::= ${body}`);
  const grammar = lines.join('\n');
  // The root line and any inline expression were not counted rule by rule: measure the whole once.
  const bytes = utf8Length(grammar);
  if (bytes > CONSTRAINT_LIMITS.grammarBytes) throw limitExceeded('grammarBytes', bytes, 'The grammar built from the JSON schema', field);
  return grammar;
}
