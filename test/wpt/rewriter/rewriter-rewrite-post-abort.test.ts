/** Port of WPT ai/rewriter/rewriter-rewrite-post-abort.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createRewriter, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const rewriter = await createRewriter();
  const controller = new AbortController();
  const promise = rewriter.rewrite(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Rewrite again on the same session to ensure it is still usable.
  const result = await rewriter.rewrite(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Rewrite after aborting a previous rewrite.");
