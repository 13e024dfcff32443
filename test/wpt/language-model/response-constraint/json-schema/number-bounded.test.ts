/** Port of WPT ai/language-model/response-constraint/json-schema/number-bounded.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, assert_greater_than_equal, assert_less_than_equal, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Rate the sentiment of "Absolutely the best meal ever!" on a scale from -1.0 (worst) to 1.0 (best).',
      {responseConstraint: {type: 'number', minimum: -1.0, maximum: 1.0}});
  const jsonResponse = parse_json_response(response);
  assert_equals(typeof jsonResponse, 'number', 'Response should be a number');
  assert_greater_than_equal(jsonResponse as number, -1.0, 'Response should be >= -1.0');
  assert_less_than_equal(jsonResponse as number, 1.0, 'Response should be <= 1.0');
}, 'Prompt should work with a bounded number json schema constraint.',
'minimum/maximum are checked after generation, not enforced while sampling (src/constraints/json-schema-grammar.ts compiles no numeric ranges): an out-of-range reply is rejected with SyntaxError', /SyntaxError/);
