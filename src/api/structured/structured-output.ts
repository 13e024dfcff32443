/**
 * Structured output: a JSON schema or RegExp the answer must satisfy. The engine enforces it while
 * sampling where it can — WebLLM takes the schema; for wllama the engine worker compiles a GBNF grammar
 * from the schema or RegExp (`engines/constraint-compile.ts`) — but a grammar does not guarantee a valid
 * result: generation may stop at the token limit mid-object, and some keywords (`minimum`, `pattern`,
 * `not`, …) are not enforced by the grammar. So every output is validated afterwards with an eval-free
 * JSON Schema validator (the app's CSP forbids Ajv's code generation), and a failure is an
 * `OutputValidationError`: invalid output is never passed on.
 *
 * Constraints are untrusted input, and the page does no unbounded work with them: here they are only
 * checked against `CONSTRAINT_LIMITS` (a walk that stops at the first limit) and for a sane shape; the
 * grammar is compiled in the engine worker, and the validator is built and run in the constraint
 * worker under a time limit (`constraint-worker.ts`).
 */
import { InvalidRequestError } from '../../errors';
import type { JobParams } from '../../kernel/types';
import { checkRegexpLimits, checkSchemaLimits } from '../../protocol/constraint-limits';
import { checkOutputOffPage } from './constraint-worker';
import { schemaProblem } from '../../constraints/json-schema-validate';
import type { OutputConstraint } from '../../constraints/output-check';

export type { OutputConstraint } from '../../constraints/output-check';

/**
 * Check a constraint before any generation: its limits, and a JSON schema's shape. Returns the
 * constraint to use — a JSON schema as a plain copy made after the check, so that what runs is what
 * was checked. Throws `InvalidRequestError` (`details.limit` for a limit, `details.field` = `field`).
 */
export function checkConstraint(c: OutputConstraint, field = 'schema'): OutputConstraint {
  if (c.kind === 'regexp') {
    checkRegexpLimits(c.regexp.source, c.regexp.flags, field);
    return c;
  }
  if (c.schema === undefined) return c;
  checkSchemaLimits(c.schema, field);
  const problem = schemaProblem(c.schema);
  if (problem) throw new InvalidRequestError(`Invalid JSON schema: ${problem}`, { field });
  return { ...c, schema: JSON.parse(JSON.stringify(c.schema)) as Record<string, unknown> };
}

/**
 * The generation parameters that make an engine enforce the constraint while sampling: the schema
 * (`jsonSchema`, or `jsonMode` without one) or the RegExp's `{source, flags}`; each engine takes what it
 * can (see `GenerateRequest`). `ignoreEos` is switched off: a constrained answer must be allowed to end.
 * The constraint is checked first (`checkConstraint`).
 */
export function constraintParams(constraint: OutputConstraint): Partial<JobParams> {
  const c = checkConstraint(constraint);
  if (c.kind === 'regexp') return { regexp: { source: c.regexp.source, flags: c.regexp.flags }, ignoreEos: false };
  return c.schema ? { jsonSchema: c.schema, ignoreEos: false } : { jsonMode: true, ignoreEos: false };
}

/**
 * Check `text` against the constraint, in the constraint worker. Resolves with the parsed JSON (or the
 * text for a RegExp); rejects with `OutputValidationError` (`details.reason`: `not-json`, `not-object`,
 * `schema`, `regexp`), or `InvalidRequestError` for a constraint over its limits or one whose check ran
 * longer than `CONSTRAINT_LIMITS.validationMs`.
 */
export async function validateOutput(text: string, constraint: OutputConstraint): Promise<unknown> {
  return checkOutputOffPage(text, checkConstraint(constraint));
}
