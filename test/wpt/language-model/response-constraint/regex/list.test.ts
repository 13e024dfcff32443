/** Port of WPT ai/language-model/response-constraint/regex/list.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^\s*"[a-zA-Z]+"\s*(?:,\s*"[a-zA-Z]+"\s*)*$/;
  const response = await session.prompt(
      'Extract the names as a comma separated list from "I met John, Jane, and Jessie."',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
}, 'Prompt should work with a list regex constraint.',
'model-dependent: the random-weight fixture model never closes an unbounded value (string, array, object, `+`/`*` run) within the reply budget, so the reply is cut off and rejected with SyntaxError', /SyntaxError/);
