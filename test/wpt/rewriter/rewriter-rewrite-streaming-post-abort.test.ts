/** Port of WPT ai/rewriter/rewriter-rewrite-streaming-post-abort.tentative.https.window.js. See ../README.md. */
import {
  assert_greater_than, assert_true, createRewriter, fromAsync, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt,
} from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const rewriter = await createRewriter();
  const controller = new AbortController();
  const stream = rewriter.rewriteStreaming(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));

  // Rewrite again on the same session to ensure it is still usable.
  const streamingResponse = rewriter.rewriteStreaming(kTestPrompt);
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join('');
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, "Rewrite after aborting a previous rewriteStreaming.");
