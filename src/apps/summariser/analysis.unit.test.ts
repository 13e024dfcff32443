import { describe, expect, test } from 'vitest';
import { OutputValidationError } from '../../errors';
import { ANALYSIS_SCHEMA, parseAnalysis } from './analysis';
import { jsonSchemaToGbnf } from '../../constraints/json-schema-grammar';

describe('summariser output', () => {
  test('valid JSON of the right shape parses', () => {
    expect(parseAnalysis('{"sentiment":"negative","summary":"Late parcel.","keyPoints":["late","no reply"]}'))
      .toEqual({ sentiment: 'negative', summary: 'Late parcel.', keyPoints: ['late', 'no reply'] });
  });

  test.each([
    ['{"sentiment":"positive","summary":"x","keyPoints":["a"', 'invalid-json'],
    ['[1,2]', 'not an object'],
    ['{"sentiment":"happy","summary":"x","keyPoints":["a"]}', 'sentiment must be'],
    ['{"sentiment":"neutral","summary":3,"keyPoints":["a"]}', 'summary must be'],
    ['{"sentiment":"neutral","summary":"x","keyPoints":[]}', 'keyPoints must be'],
  ])('%s is an OutputValidationError (%s), raw output kept', (text, reason) => {
    try {
      parseAnalysis(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OutputValidationError);
      const err = e as OutputValidationError;
      expect(err.code).toBe('OUTPUT_INVALID');
      expect(String(err.details['reason'])).toContain(reason);
      expect(err.details['output']).toBe(text);
    }
  });

  test('the schema becomes a bounded grammar for wllama (strings and lists have maximum lengths)', () => {
    const g = jsonSchemaToGbnf(ANALYSIS_SCHEMA as unknown as Record<string, unknown>);
    expect(g).toContain('positive');
    expect(g).toMatch(/\{0,240\}|\{1,240\}|\{0,239\}/);
  });
});
