/** Port of WPT ai/language-model/response-constraint/regex/time.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^\d{2}:\d{2}(:\d{2})?$/;
  const response = await session.prompt(
      'Extract the 24 hour time as HH:MM from "The time is eleven thirty am"',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
}, 'Prompt should work with a time regex constraint.');
