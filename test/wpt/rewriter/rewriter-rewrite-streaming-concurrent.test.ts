/** Port of WPT ai/rewriter/rewriter-rewrite-streaming-concurrent.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createRewriter, kTestPrompt, kTestPrompt2, promise_test, readStream, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const rewriter = await createRewriter();
  const [result1, result2] = await Promise.all([
    readStream(rewriter.rewriteStreaming(kTestPrompt)),
    readStream(rewriter.rewriteStreaming(kTestPrompt)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Rewriter.rewriteStreaming() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const rewriter = await createRewriter();
  const [result1, result2] = await Promise.all([
    readStream(rewriter.rewriteStreaming(kTestPrompt)),
    readStream(rewriter.rewriteStreaming(kTestPrompt2)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Rewriter.rewriteStreaming() calls with divergent inputs are resolved successfully');
