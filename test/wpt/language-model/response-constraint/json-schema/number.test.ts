/** Port of WPT ai/language-model/response-constraint/json-schema/number.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Derive a rating between -1.0 and 1.0 from "Absolutely the best meal ever!"',
      {responseConstraint: {type: 'number'}});
  const jsonResponse = parse_json_response(response);
  assert_equals(typeof jsonResponse, 'number', 'Response should be a number');
}, 'Prompt should work with a number json schema constraint.');
