/** Port of WPT ai/language-model/prompt/context/usage-prompt-quota-exceeded.tentative.https.window.js. See ../../../README.md. */
import {
  assert_approx_equals, assert_equals, assert_unreached, createLanguageModel, ensureLanguageModel, kTestPrompt, promise_test,
  setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const promptString = kTestPrompt.repeat(session.contextWindow);
  const usage = await session.measureContextUsage(promptString);
  try {
    await session.prompt(promptString);
    assert_unreached("Should have rejected with QuotaExceededError");
  } catch (error) {
    const e = error as DOMException & { requested: number; quota: number };
    assert_equals(e.name, 'QuotaExceededError');
    // Allow some margin for counted tokens vs actual requested tokens.
    // TODO(crbug.com/500479741): Add expectation precision.
    assert_approx_equals(e.requested, usage, 50);
    assert_equals(e.quota, session.contextWindow);
  }
}, 'Test that prompt input exceeding the total context window rejects');
