/** Port of WPT ai/summarizer/summarizer-summarize-streaming-post-abort.tentative.https.window.js. See ../README.md. */
import {
  assert_greater_than, assert_true, createSummarizer, fromAsync, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt,
} from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const summarizer = await createSummarizer();
  const controller = new AbortController();
  const stream = summarizer.summarizeStreaming(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));

  // Summarize again on the same session to ensure it is still usable.
  const streamingResponse = summarizer.summarizeStreaming(kTestPrompt);
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join('');
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, "Summarize after aborting a previous summarizeStreaming.");
