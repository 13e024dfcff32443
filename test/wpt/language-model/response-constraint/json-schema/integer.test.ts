/** Port of WPT ai/language-model/response-constraint/json-schema/integer.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Derive a rating between -10 and 10 from "Absolutely the best meal ever!"',
      {responseConstraint: {type: 'integer'}});
  const jsonResponse = parse_json_response(response);
  assert_true(Number.isInteger(jsonResponse), 'Response should be an integer');
}, 'Prompt should work with an integer json schema constraint.');
