/** Port of WPT ai/language-model/prompt/monitor-callback-exception.tentative.https.window.js. See ../../README.md. */
import { LanguageModel, assert_equals, createLanguageModel, promise_rejects_exactly, promise_test, setup_wpt } from '../../harness';

setup_wpt();

// Test that the exception from the callback will be re-thrown by the session
// creation, and the session won't be created.
promise_test(async t => {
  // Make sure the model availability is `downloadable`.
  const availability = await LanguageModel.availability();
  // (Port: the file runs on a fresh kernel, so the branch below must be taken.)
  assert_equals(availability, 'downloadable');
  if (availability === "downloadable") {
    const error = new Error("test");
    const sessionPromise = createLanguageModel({
      // Start a new session with callback that will throw error.
      monitor() {
        throw error;
      }
    });
    await promise_rejects_exactly(
      t, error, sessionPromise
    );
  }
}, 'Language Model Prompt Monitor Callback Exception'); // unnamed in WPT: the test takes the file's title
