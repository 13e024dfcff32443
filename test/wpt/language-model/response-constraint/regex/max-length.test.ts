/** Port of WPT ai/language-model/response-constraint/regex/max-length.tentative.https.window.js. See ../../../README.md. */
import {
  assert_less_than_equal, assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^.{0,125}$/;
  const response = await session.prompt(
      'Write a short story that is no more than 125 characters.',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
  assert_less_than_equal(response.length, 125,
                         'Response length should be <= 125');
}, 'Prompt should work with a max length regex constraint.');
