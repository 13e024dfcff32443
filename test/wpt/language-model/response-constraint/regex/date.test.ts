/** Port of WPT ai/language-model/response-constraint/regex/date.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^\d{4}-\d{2}-\d{2}$/;
  const response = await session.prompt(
      'Extract the date as YYYY-MM-DD from "Last edited on June 15 2026."',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
}, 'Prompt should work with a date regex constraint.');
