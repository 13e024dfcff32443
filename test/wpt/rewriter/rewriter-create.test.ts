/** Port of WPT ai/rewriter/rewriter-create.tentative.https.window.js. See ../README.md. */
import { Rewriter, assert_true, createRewriter, promise_test, setup_task_wpt, testCreateMonitorCallbackThrowsError } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  assert_true(!!Rewriter);
}, 'Rewriter must be defined.');

promise_test(async t => {
  await testCreateMonitorCallbackThrowsError(t, createRewriter);
}, 'If monitor throws an error, Rewriter.create() rejects with that error');
