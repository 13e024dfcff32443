/** Port of WPT ai/language-model/response-constraint/json-schema/null.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Return null',
      {responseConstraint: {type: 'null'}});
  const jsonResponse = parse_json_response(response);
  assert_equals(jsonResponse, null, 'Response should be null');
}, 'Prompt should work with a null json schema constraint.');
