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
 */

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

class Builder {
  readonly rules = new Map<string, string>();
  private readonly refs = new Map<string, string>();
  private seq = 0;

  constructor(private readonly root: Schema) {}

  /** Add a rule under a fresh name derived from `hint`; returns the name. */
  private add(hint: string, body: string): string {
    const base = hint.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'r';
    const name = `${base}-${this.seq++}`;
    this.rules.set(name, body);
    return name;
  }

  private use(primitive: string): string {
    if (this.rules.has(primitive)) return primitive;
    this.rules.set(primitive, PRIMITIVES[primitive]!);
    if (primitive === 'string') this.use('char');
    if (primitive === 'value') for (const p of ['object', 'array', 'string', 'number', 'boolean', 'null', 'ws']) this.use(p);
    if (primitive === 'object' || primitive === 'array') { this.use('value'); this.use('ws'); }
    return primitive;
  }

  private ref(ref: string, hint: string): string {
    const hit = this.refs.get(ref);
    if (hit) return hit;
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const target = m && isObj(this.root) ? (this.root[m[1]!] as Record<string, Schema> | undefined)?.[decodeURIComponent(m[2]!)] : undefined;
    if (target === undefined) return this.use('value');
    // Reserve the name first: recursive schemas refer to themselves.
    const name = this.add(hint, '"null"');
    this.refs.set(ref, name);
    this.rules.set(name, this.visit(target, hint));
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
    if (Array.isArray(type)) return `(${type.map((t) => this.visit({ ...s, type: t }, `${hint}-${String(t)}`)).join(' | ')})`;
    switch (type) {
      case 'object': return this.object(s, hint);
      case 'array': return this.array(s, hint);
      case 'string': {
        const min = count(s.minLength) ?? 0;
        const max = count(s.maxLength);
        if (min === 0 && max === undefined) return this.use('string');
        this.use('char');
        return this.add(hint, `"\\"" char{${min},${max ?? ''}} "\\""`);
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
    } else {
      // No required property: any ordered subset of the optional ones, the first without a comma.
      const tails = opt.map((_, i) => opt.slice(i + 1).map((o) => `( ws "," ws ${o} )?`).join(' '));
      body = `( ${opt.map((o, i) => `${o} ${tails[i]}`.trim()).join(' | ')} )?`;
    }
    return this.add(hint, `"{" ws ${body} ws "}"`);
  }

  private array(s: Record<string, unknown>, hint: string): string {
    const item = s.items === undefined || Array.isArray(s.items) ? this.use('value') : this.visit(s.items as Schema, `${hint}-item`);
    this.use('ws');
    const min = count(s.minItems) ?? 0;
    const max = count(s.maxItems);
    if (max === 0) return this.add(hint, '"[" ws "]"');
    const rest = `( ws "," ws ${item} ){${Math.max(0, min - 1)},${max === undefined ? '' : max - 1}}`;
    const list = `${item} ${rest}`;
    return this.add(hint, `"[" ws ${min > 0 ? list : `( ${list} )?`} ws "]"`);
  }
}

/**
 * A GBNF grammar whose language is JSON text shaped by `schema` (any JSON object without one, as
 * OpenAI's `json_object` mode promises).
 */
export function jsonSchemaToGbnf(schema?: Record<string, unknown>): string {
  const b = new Builder(schema ?? true);
  const root = schema ? b.visit(schema, 'root') : 'object';
  if (!schema) b.visit({ type: 'object' }, 'root');
  const lines = [`root ::= ${root}`];
  for (const [name, body] of b.rules) lines.push(`${name} ::= ${body}`);
  return lines.join('\n');
}
