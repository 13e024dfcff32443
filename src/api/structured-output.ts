/**
 * Structured output, checked after generation. The engine enforces a JSON schema where it can
 * (for wllama a GBNF grammar built from the schema), but a grammar does not guarantee a
 * valid result — generation may stop at the token limit mid-object, and some schema keywords
 * (`minimum`, `pattern`, …) are not enforced by the grammar — so every output is validated here with
 * an eval-free JSON Schema validator (the app's CSP forbids Ajv's code generation) and a failure is an
 * `OutputValidationError`: invalid output is never passed on.
 *
 */
import { compileJsonSchema, type JsonValidator } from './json-schema-validate';
import { InvalidRequestError, OutputValidationError } from '../errors';
import type { EngineKind } from '../engines/engine';
import type { JobParams } from '../kernel/types';
import { jsonSchemaToGbnf } from './json-schema-grammar';
import { regexpToGbnf } from './regexp-grammar';

/** What the output must satisfy. */
export type OutputConstraint =
  | { kind: 'json'; schema?: Record<string, unknown>; name?: string }
  | { kind: 'regexp'; regexp: RegExp };

const compiled = new WeakMap<object, JsonValidator>();

/** Compile a JSON schema (cached per schema object); an invalid schema is an `InvalidRequestError`. */
export async function compileSchema(schema: Record<string, unknown>): Promise<JsonValidator> {
  const hit = compiled.get(schema);
  if (hit) return hit;
  try {
    const fn = compileJsonSchema(schema);
    compiled.set(schema, fn);
    return fn;
  } catch (e) {
    throw new InvalidRequestError(`Invalid JSON schema: ${e instanceof Error ? e.message : String(e)}`, { field: 'schema' });
  }
}

/**
 * The generation parameters that make an engine enforce the constraint while sampling: a GBNF grammar
 * for wllama (built here, see `json-schema-grammar.ts` for why), the schema for engines that take one
 * (WebLLM). `ignoreEos` is switched off: a grammar must be allowed to end.
 * Returns `{}` where the engine cannot enforce it (the output is still validated afterwards).
 */
export function constraintParams(engine: EngineKind, c: OutputConstraint): Partial<JobParams> {
  if (engine === 'wllama') {
    const grammar = c.kind === 'json' ? jsonSchemaToGbnf(c.schema) : regexpToGbnf(c.regexp);
    return grammar ? { grammar, ignoreEos: false } : {};
  }
  if (c.kind === 'regexp') return {};
  return c.schema ? { jsonSchema: c.schema, ignoreEos: false } : { jsonMode: true, ignoreEos: false };
}

/** At most this much of a failed output is kept in the error's details. */
const EXCERPT = 200;

/**
 * Check `text` against the constraint. Resolves with the parsed JSON (or the text for a RegExp);
 * rejects with `OutputValidationError` (`details.reason`: `not-json`, `not-object`, `schema`, `regexp`).
 */
export async function validateOutput(text: string, constraint: OutputConstraint): Promise<unknown> {
  const fail = (reason: string, message: string, extra: Record<string, unknown> = {}) =>
    new OutputValidationError(message, { reason, output: text.slice(0, EXCERPT), outputLength: text.length, ...extra });
  if (constraint.kind === 'regexp') {
    // A constraint describes the whole response: anchor it, whatever the caller's RegExp says.
    const whole = new RegExp(`^(?:${constraint.regexp.source})$`, constraint.regexp.flags.replace(/[gy]/g, ''));
    if (!whole.test(text)) throw fail('regexp', `The output does not match ${String(constraint.regexp)}`);
    return text;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail('not-json', `The output is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!constraint.schema) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('not-object', 'The output is JSON but not an object');
    return value;
  }
  const validator = await compileSchema(constraint.schema);
  const violations = validator.violations(value);
  if (violations.length) {
    const errors = violations.map((e) => `${e.path} ${e.message}`);
    throw fail('schema', `The output does not satisfy the schema${constraint.name ? ` ${constraint.name}` : ''}: ${errors.join('; ')}`, { errors });
  }
  return value;
}
