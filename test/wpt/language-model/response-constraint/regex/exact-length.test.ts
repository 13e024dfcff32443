/** Port of WPT ai/language-model/response-constraint/regex/exact-length.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^.{100}$/;
  const response = await session.prompt(
      'Write a short story that is exactly 100 characters long.',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
  assert_equals(response.length, 100, 'Response length should be exactly 100');
}, 'Prompt should work with an exact length regex constraint.');
