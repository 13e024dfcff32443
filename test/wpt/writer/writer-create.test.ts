/** Port of WPT ai/writer/writer-create.tentative.https.window.js. See ../README.md. */
import { Writer, assert_true, createWriter, promise_test, setup_task_wpt, testCreateMonitorCallbackThrowsError } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  assert_true(!!Writer);
}, 'Writer must be defined.');

promise_test(async t => {
  await testCreateMonitorCallbackThrowsError(t, createWriter);
}, 'If monitor throws an error, Writer.create() rejects with that error');
