/** Port of WPT ai/language-model/prompt/context/usage.tentative.https.window.js. See ../../../README.md. */
import {
  assert_approx_equals, assert_equals, assert_greater_than, createLanguageModel, ensureLanguageModel, kTestPrompt, promise_test,
  setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  assert_equals(session.contextUsage, 0);
  const promptUsage = await session.measureContextUsage(kTestPrompt);
  assert_greater_than(promptUsage, 0);
  const result = await session.prompt(kTestPrompt);
  assert_equals(typeof result, 'string');
  const resultUsage = await session.measureContextUsage(result);
  // The response is also appended to the session context, increasing usage.
  // Allow some margin for counted tokens vs actual requested tokens.
  // TODO(crbug.com/500479741): Add expectation precision.
  assert_approx_equals(session.contextUsage, promptUsage + resultUsage, 5);
}, 'Check contextUsage increases from a simple LanguageModel.prompt() call');
