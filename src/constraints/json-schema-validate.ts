/**
 * JSON Schema validation without code generation. Ajv compiles validators with `new Function`, which
 * the app's Content-Security-Policy (no 'unsafe-eval') forbids in the built page; @cfworker/json-schema
 * interprets the schema instead. Schemas are checked for a sane shape first, so a malformed schema is
 * refused up front rather than silently accepting everything.
 */
import { Validator, type Schema } from '@cfworker/json-schema';

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems'];

/** Why a schema is malformed (a path and a reason), or null when its shape is sane. */
export function schemaProblem(schema: unknown, path = '#', depth = 0): string | null {
  if (typeof schema === 'boolean') return null;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return `${path} is not a schema object`;
  if (depth > 64) return `${path} is nested too deeply`;
  const s = schema as Record<string, unknown>;
  const t = s['type'];
  if (t !== undefined) {
    const list = Array.isArray(t) ? t : [t];
    if (list.length === 0 || list.some((x) => typeof x !== 'string' || !TYPES.has(x))) return `${path}/type must name JSON types`;
  }
  if (s['required'] !== undefined && (!Array.isArray(s['required']) || s['required'].some((x) => typeof x !== 'string'))) {
    return `${path}/required must be an array of strings`;
  }
  if (s['enum'] !== undefined && !Array.isArray(s['enum'])) return `${path}/enum must be an array`;
  for (const k of SUBSCHEMA_MAPS) {
    const m = s[k];
    if (m === undefined) continue;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return `${path}/${k} must be an object`;
    for (const [name, sub] of Object.entries(m)) {
      const p = schemaProblem(sub, `${path}/${k}/${name}`, depth + 1);
      if (p) return p;
    }
  }
  for (const k of SUBSCHEMA_LISTS) {
    const l = s[k];
    if (l === undefined) continue;
    if (!Array.isArray(l)) return `${path}/${k} must be an array`;
    for (const [i, sub] of l.entries()) {
      const p = schemaProblem(sub, `${path}/${k}/${i}`, depth + 1);
      if (p) return p;
    }
  }
  for (const k of SUBSCHEMAS) {
    if (s[k] === undefined) continue;
    const p = schemaProblem(s[k], `${path}/${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** A validation failure: where in the instance, and what is wrong. */
export interface SchemaViolation { path: string; message: string }

/** A compiled (interpreted) validator: `violations(value)` is empty when the value conforms. */
export interface JsonValidator { violations(value: unknown, limit?: number): SchemaViolation[] }

/** Check the schema's shape and build a validator; throws an `Error` naming the problem. */
export function compileJsonSchema(schema: Record<string, unknown> | boolean): JsonValidator {
  const problem = schemaProblem(schema);
  if (problem) throw new Error(problem);
  const validator = new Validator(schema as Schema | boolean, '2020-12', false);
  return {
    violations(value, limit = 10) {
      const r = validator.validate(value);
      if (r.valid) return [];
      // The deepest units say the most: keep those with an instance location, most specific first.
      return r.errors
        .slice()
        .sort((a, b) => b.instanceLocation.length - a.instanceLocation.length)
        .slice(0, limit)
        .map((e) => ({ path: e.instanceLocation.replace(/^#/, '') || '/', message: e.error }));
    },
  };
}
