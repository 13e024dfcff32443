/**
 * The constraint worker's protocol, types only: the page validates generated output there
 * (`api/constraint-worker.ts`), so that a check that runs away can be ended by terminating the worker.
 */
import type { OutputConstraint } from '../constraints/output-check';

export interface ConstraintHostApi {
  /** Answers once the worker's modules are loaded (the validation clock starts after it). */
  ready(): true;
  /** The parsed output (the text for a RegExp), or an `OutputValidationError` / `InvalidRequestError`. */
  validate(text: string, constraint: OutputConstraint): unknown;
}
