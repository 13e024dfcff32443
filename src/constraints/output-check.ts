/**
 * The check of one output against its constraint: JSON parse + JSON Schema validation, or a whole-string
 * RegExp match. Synchronous and pure; it runs in the constraint worker (`constraint-worker.ts`), because
 * neither check is bounded by the output's size alone: a 1 KB schema of nested `$ref`/`anyOf` makes the
 * validator's work double per level (measured: 14 levels ≈ 0.3 s, 18 overflow the stack), and a RegExp
 * like `(a+)+$` backtracks exponentially. There a check that takes too long is ended by terminating the
 * worker, never by freezing the page.
 */
import { compileJsonSchema, type JsonValidator } from './json-schema-validate';
import { InvalidRequestError, OutputValidationError } from '../errors';

/** What the output must satisfy. */
export type OutputConstraint =
  | { kind: 'json'; schema?: Record<string, unknown>; name?: string }
  | { kind: 'regexp'; regexp: RegExp };

/** At most this much of a failed output is kept in the error's details. */
const EXCERPT = 200;
const CACHE_SIZE = 16;
/** Validators by schema JSON text (the schema arrives cloned on every call), most recent last. */
const validators = new Map<string, JsonValidator>();

/** A validator for `schema` (cached); an invalid schema is an `InvalidRequestError`. */
function validatorFor(schema: Record<string, unknown>): JsonValidator {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (v) {
    validators.delete(key);
  } else {
    try {
      v = compileJsonSchema(schema);
    } catch (e) {
      throw new InvalidRequestError(`Invalid JSON schema: ${e instanceof Error ? e.message : String(e)}`, { field: 'schema' });
    }
    if (validators.size >= CACHE_SIZE) validators.delete(validators.keys().next().value!);
  }
  validators.set(key, v);
  return v;
}

/**
 * Check `text` against the constraint. Returns the parsed JSON (or the text for a RegExp); throws
 * `OutputValidationError` (`details.reason`: `not-json`, `not-object`, `schema`, `regexp`).
 */
export function checkOutput(text: string, constraint: OutputConstraint): unknown {
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
  const validator = validatorFor(constraint.schema);
  let violations;
  try {
    violations = validator.violations(value);
  } catch (e) {
    // The validator recursed past the stack (a schema whose branches multiply): the schema's fault.
    throw new InvalidRequestError(`The JSON schema is too complex to validate against: ${e instanceof Error ? e.message : String(e)}`, { field: 'schema' });
  }
  if (violations.length) {
    const errors = violations.map((e) => `${e.path} ${e.message}`);
    throw fail('schema', `The output does not satisfy the schema${constraint.name ? ` ${constraint.name}` : ''}: ${errors.join('; ')}`, { errors });
  }
  return value;
}
