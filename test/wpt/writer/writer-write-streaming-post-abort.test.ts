/** Port of WPT ai/writer/writer-write-streaming-post-abort.tentative.https.window.js. See ../README.md. */
import {
  assert_greater_than, assert_true, createWriter, fromAsync, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt,
} from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const writer = await createWriter();
  const controller = new AbortController();
  const stream = writer.writeStreaming(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));

  // Write again on the same session to ensure it is still usable.
  const streamingResponse = writer.writeStreaming(kTestPrompt);
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join('');
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, "Write after aborting a previous writeStreaming.");
