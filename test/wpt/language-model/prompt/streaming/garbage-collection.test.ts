/** Port of WPT ai/language-model/prompt/streaming/garbage-collection.tentative.https.window.js. See ../../../README.md. */
import { assert_greater_than, assert_true, createLanguageModel, ensureLanguageModel, gc, kTestPrompt, promise_test, setup_wpt } from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();

  // Start a new session.
  const session = await createLanguageModel();
  // Test the streaming prompt API.
  const streamingResponse =
    session.promptStreaming(kTestPrompt);
  // Run GC.
  gc();
  assert_true(streamingResponse instanceof ReadableStream);
  let result = "";
  for await (const value of streamingResponse) {
    result += value;
    gc();
  }
  assert_greater_than(result.length, 0, "The result should not be empty.");
}, 'Prompt Streaming API must continue even after GC has been performed.');
