/** Port of WPT ai/summarizer/summarizer-measureInputUsage.tentative.https.window.js. See ../README.md. */
import { assert_equals, assert_greater_than, createSummarizer, kTestPrompt, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const summarizer = await createSummarizer();
  const result = await summarizer.measureInputUsage(kTestPrompt);
  assert_equals(typeof result, 'number');
  assert_greater_than(result, 0);
}, 'Summarizer.measureInputUsage() returns non-empty result');
