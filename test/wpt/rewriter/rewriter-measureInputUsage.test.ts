/** Port of WPT ai/rewriter/rewriter-measureInputUsage.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createRewriter, kTestPrompt, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const rewriter = await createRewriter();
  const result = await rewriter.measureInputUsage(kTestPrompt);
  assert_greater_than(result, 0);
}, 'Rewriter.measureInputUsage() returns non-empty result');
