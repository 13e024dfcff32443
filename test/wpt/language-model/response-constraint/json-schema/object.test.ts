/** Port of WPT ai/language-model/response-constraint/json-schema/object.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, assert_not_equals, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Extract the key info as a JSON object from "John Doe is 30 years old"',
      {responseConstraint: {type: 'object'}});
  const jsonResponse = parse_json_response(response);
  assert_equals(typeof jsonResponse, 'object', 'Response should be an object');
  assert_not_equals(jsonResponse, null, 'Response should not be null');
}, 'Prompt should work with an object json schema constraint.',
'model-dependent: the random-weight fixture model never closes an unbounded value (string, array, object, `+`/`*` run) within the reply budget, so the reply is cut off and rejected with SyntaxError', /SyntaxError/);
