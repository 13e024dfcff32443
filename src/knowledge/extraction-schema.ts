/**
 * The JSON schema the extractor's output must satisfy (sent to the engine as a constraint and checked
 * again here (eval-free, see src/constraints/json-schema-validate.ts), since engines enforce schemas loosely or not at all), and the parser that turns
 * raw model text into validated triples or a reason for rejecting it.
 */
import { compileJsonSchema, type JsonValidator } from '../constraints/json-schema-validate';
import { cleanLabel, normaliseLabel, normalisePredicate } from './entities';

/** Most triples accepted from one chunk. */
export const MAX_TRIPLES = 24;

/** The output schema: `{ "triples": [{ subject, predicate, object, … }] }`. */
export const EXTRACTION_SCHEMA = {
  type: 'object',
  properties: {
    triples: {
      type: 'array',
      maxItems: MAX_TRIPLES,
      items: {
        type: 'object',
        properties: {
          subject: { type: 'string', minLength: 1, maxLength: 120 },
          subjectType: { type: 'string', maxLength: 40 },
          predicate: { type: 'string', minLength: 1, maxLength: 60 },
          object: { type: 'string', minLength: 1, maxLength: 120 },
          objectType: { type: 'string', maxLength: 40 },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          evidence: { type: 'string', maxLength: 400 },
        },
        required: ['subject', 'predicate', 'object'],
        additionalProperties: false,
      },
    },
  },
  required: ['triples'],
  additionalProperties: false,
} as const;

/** One extracted triple, as the model returned it (validated). */
export interface ExtractedTriple {
  subject: string;
  subjectType?: string;
  predicate: string;
  object: string;
  objectType?: string;
  confidence?: number;
  /** A verbatim quote of the sentence stating the fact (used for the provenance span). */
  evidence?: string;
}

/** Result of `parseExtraction`. */
export type ParsedExtraction =
  | { ok: true; triples: ExtractedTriple[] }
  | { ok: false; reason: string };

let validator: JsonValidator | null = null;

function validate(value: unknown): string | null {
  validator ??= compileJsonSchema(EXTRACTION_SCHEMA as Record<string, unknown>);
  const e = validator.violations(value, 1)[0];
  return e ? `${e.path} ${e.message}` : null;
}

/** Turn raw model text into triples, or say why it is rejected (invalid JSON, schema mismatch). */
export function parseExtraction(text: string): ParsedExtraction {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) };
  }
  const problem = validate(value);
  if (problem) return { ok: false, reason: `schema mismatch: ${problem}`.slice(0, 200) };
  const triples = (value as { triples: ExtractedTriple[] }).triples;
  // The schema cannot say "not just spaces or punctuation": check what the store would reject.
  for (const [i, t] of triples.entries()) {
    if (!normaliseLabel(cleanLabel(t.subject)) || !normaliseLabel(cleanLabel(t.object)) || !normalisePredicate(t.predicate)) {
      return { ok: false, reason: `schema mismatch: /triples/${i} has an empty subject, object or predicate` };
    }
  }
  return { ok: true, triples };
}
