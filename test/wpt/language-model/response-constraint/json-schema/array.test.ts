/** Port of WPT ai/language-model/response-constraint/json-schema/array.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, parse_json_response, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt(
      'Extract the names as a JSON array from "I met John, Jane, and Jessie."',
      {responseConstraint: {type: 'array'}});
  const jsonResponse = parse_json_response(response);
  assert_true(Array.isArray(jsonResponse), 'Response should be an array');
}, 'Prompt should work with an array json schema constraint.',
'model-dependent: the random-weight fixture model never closes an unbounded value (string, array, object, `+`/`*` run) within the reply budget, so the reply is cut off and rejected with SyntaxError', /SyntaxError/);
