/** Port of WPT ai/language-model/response-constraint/regex/decimal.tentative.https.window.js. See ../../../README.md. */
import {
  assert_false, assert_greater_than_equal, assert_less_than_equal, assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const regex = /^-?(0(\.\d+)?|1(\.0+)?)$/;
  const response = await session.prompt(
      'Derive a rating between -1.0 and 1.0 from "Absolutely the best meal ever!"',
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(regex.test(response),
              `Response "${response}" should match regex ${regex}`);
  const num = parseFloat(response);
  assert_false(isNaN(num),
               `Response "${response}" should parse to a valid decimal`);
  assert_greater_than_equal(num, -1.0, 'Response should be >= -1.0');
  assert_less_than_equal(num, 1.0, 'Response should be <= 1.0');
}, 'Prompt should work with a decimal regex constraint.');
