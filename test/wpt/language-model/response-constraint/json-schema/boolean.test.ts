/** Port of WPT ai/language-model/response-constraint/json-schema/boolean.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Do you want to play a game? Answer true or false.',
      {responseConstraint: {type: 'boolean'}});
  const jsonResponse = parse_json_response(response);
  assert_equals(typeof jsonResponse, 'boolean', 'Response should be a boolean');
}, 'Prompt should work with a boolean json schema constraint.');
