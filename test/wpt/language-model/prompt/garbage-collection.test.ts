/** Port of WPT ai/language-model/prompt/garbage-collection.tentative.https.window.js. See ../../README.md. */
import { assert_equals, createLanguageModel, ensureLanguageModel, gc, kTestPrompt, promise_test, setup_wpt } from '../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();

  // Start a new session.
  const session = await createLanguageModel();
  // Test the prompt API.
  const promptPromise = session.prompt(kTestPrompt);
  // Run GC.
  gc();
  const result = await promptPromise;
  assert_equals(typeof result, "string");
}, 'Prompt API must continue even after GC has been performed.');
