/** Port of WPT ai/language-model/response-constraint/json-schema/integer-bounded.tentative.https.window.js. See ../../../README.md. */
import {
  assert_greater_than_equal, assert_less_than_equal, assert_true, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Derive a rating between -10 and 10 from "Absolutely the best meal ever!"',
      {responseConstraint: {type: 'integer', minimum: -10, maximum: 10}});
  const jsonResponse = parse_json_response(response);
  assert_true(Number.isInteger(jsonResponse), 'Response should be an integer');
  assert_greater_than_equal(jsonResponse as number, -10, 'Response should be >= -10');
  assert_less_than_equal(jsonResponse as number, 10, 'Response should be <= 10');
}, 'Prompt should work with a bounded integer json schema constraint.',
'minimum/maximum are checked after generation, not enforced while sampling (src/constraints/json-schema-grammar.ts compiles no numeric ranges): an out-of-range reply is rejected with SyntaxError', /SyntaxError/);
