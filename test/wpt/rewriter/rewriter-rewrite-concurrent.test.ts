/** Port of WPT ai/rewriter/rewriter-rewrite-concurrent.tentative.https.window.js. See ../README.md. */
import { createRewriter, kTestPrompt, kTestPrompt2, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const rewriter = await createRewriter();
  await Promise.all([rewriter.rewrite(kTestPrompt), rewriter.rewrite(kTestPrompt)]);
}, 'Multiple Rewriter.rewrite() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const rewriter = await createRewriter();
  await Promise.all([rewriter.rewrite(kTestPrompt), rewriter.rewrite(kTestPrompt2)]);
}, 'Multiple Rewriter.rewrite() calls with divergent inputs are resolved successfully');
