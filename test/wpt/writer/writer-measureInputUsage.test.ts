/** Port of WPT ai/writer/writer-measureInputUsage.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createWriter, kTestPrompt, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const writer = await createWriter();
  const result = await writer.measureInputUsage(kTestPrompt);
  assert_greater_than(result, 0);
}, 'Writer.measureInputUsage() returns non-empty result');
