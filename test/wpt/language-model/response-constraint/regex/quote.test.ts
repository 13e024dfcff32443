/** Port of WPT ai/language-model/response-constraint/regex/quote.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  // eslint-disable-next-line no-useless-escape -- the WPT's regular expression, as written
  const regex = /^\"[^\"]*\"$/;
  const response = await session.prompt(
      'Extract a short quote from "Absolutely the best meal ever!"',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
}, 'Prompt should work with a quote regex constraint.',
'model-dependent: the random-weight fixture model never closes an unbounded value (string, array, object, `+`/`*` run) within the reply budget, so the reply is cut off and rejected with SyntaxError', /SyntaxError/);
