/**
 * The summariser's structured output: sentiment, a one-line summary and key points, as a JSON schema.
 * The API's `constraintParams` sends it as `jsonSchema` to engines that enforce schemas and as a grammar
 * derived from it to wllama (whose `response_format` path is broken in 3.13); the bounded lengths make
 * even a random-weight test model end its output. Whatever comes back is parsed and checked here: model
 * output is untrusted.
 */
import { OutputValidationError } from '../../errors';

/** Sentiment classes. */
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
/** One sentiment class. */
export type Sentiment = (typeof SENTIMENTS)[number];

/** What the model must return. */
export interface Analysis {
  sentiment: Sentiment;
  summary: string;
  keyPoints: string[];
}

/** The JSON schema of `Analysis`. */
export const ANALYSIS_SCHEMA = {
  type: 'object',
  properties: {
    sentiment: { type: 'string', enum: [...SENTIMENTS] },
    summary: { type: 'string', maxLength: 240 },
    keyPoints: { type: 'array', items: { type: 'string', maxLength: 160 }, minItems: 1, maxItems: 5 },
  },
  required: ['sentiment', 'summary', 'keyPoints'],
  additionalProperties: false,
} as const;

/** The instruction sent as the system prompt. */
export const ANALYSIS_PROMPT =
  'You analyse texts. Reply with JSON only: {"sentiment": "positive" | "neutral" | "negative", "summary": one sentence, ' +
  '"keyPoints": 1 to 5 short key points}. Write the summary and key points in the language of the text.';

/** Parse and check model output; an `OutputValidationError` (with the raw text) when it does not fit. */
export function parseAnalysis(text: string): Analysis {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new OutputValidationError('The model did not return valid JSON', { reason: 'invalid-json', output: text.slice(0, 2000) }, { cause: e });
  }
  const bad = (reason: string) => new OutputValidationError(`The model's JSON does not match the schema: ${reason}`, { reason, output: text.slice(0, 2000) });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('not an object');
  const d = data as Record<string, unknown>;
  if (!SENTIMENTS.includes(d['sentiment'] as Sentiment)) throw bad('sentiment must be positive, neutral or negative');
  if (typeof d['summary'] !== 'string') throw bad('summary must be a string');
  const points = d['keyPoints'];
  if (!Array.isArray(points) || points.length < 1 || points.some((p) => typeof p !== 'string')) throw bad('keyPoints must be a non-empty list of strings');
  return { sentiment: d['sentiment'] as Sentiment, summary: d['summary'], keyPoints: points as string[] };
}
