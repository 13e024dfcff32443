/** Port of WPT ai/summarizer/summarizer-create.tentative.https.window.js. See ../README.md. */
import { Summarizer, assert_equals, assert_true, createSummarizer, promise_test, setup_task_wpt, testCreateMonitorCallbackThrowsError } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  assert_true(!!Summarizer);
  assert_equals(typeof Summarizer.create, 'function');
}, 'Summarizer.create() is defined');

promise_test(async t => {
  await testCreateMonitorCallbackThrowsError(t, createSummarizer);
}, 'If monitor throws an error, Summarizer.create() rejects with that error');
