/** Port of WPT ai/language-model/prompt/streaming/prompt-streaming-post-abort.tentative.https.window.js. See ../../../README.md. */
import {
  assert_greater_than, assert_true, createLanguageModel, fromAsync, kTestPrompt, promise_rejects_dom, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test(async t => {
  const session = await createLanguageModel();
  const controller = new AbortController();
  const stream = session.promptStreaming(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));

  // Prompt again on the same session to ensure it is still usable.
  const streamingResponse = session.promptStreaming(kTestPrompt);
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join(''); // Array.fromAsync
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, "Prompt after aborting a previous promptStreaming.");
