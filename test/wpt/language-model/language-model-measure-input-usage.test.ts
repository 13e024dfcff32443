/** Port of WPT ai/language-model/language-model-measure-input-usage.tentative.https.window.js. See ../README.md. */
import { assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt } from '../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();

  // Start a new session.
  const session = await createLanguageModel();

  // Test the measureInputUsage() API.
  const result = await session.measureInputUsage("This is a prompt.");
  assert_true(
    typeof result === "number" && result > 0,
    "The counting result should be a positive number."
  );
}, 'Language Model Measure Input Usage'); // unnamed in WPT: the test takes the file's title
