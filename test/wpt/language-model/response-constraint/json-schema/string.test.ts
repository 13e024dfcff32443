/** Port of WPT ai/language-model/response-constraint/json-schema/string.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Extract a short quote from "Absolutely the best meal ever!"',
      {responseConstraint: {type: 'string'}});
  const jsonResponse = parse_json_response(response);
  assert_equals(typeof jsonResponse, 'string', 'Response should be a string');
}, 'Prompt should work with a string json schema constraint.',
'model-dependent: the random-weight fixture model never closes an unbounded value (string, array, object, `+`/`*` run) within the reply budget, so the reply is cut off and rejected with SyntaxError', /SyntaxError/);
