/** Port of WPT ai/summarizer/summarizer-summarize-streaming-concurrent.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createSummarizer, kTestPrompt, kTestPrompt2, promise_test, readStream, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const summarizer = await createSummarizer();
  const [result1, result2] = await Promise.all([
    readStream(summarizer.summarizeStreaming(kTestPrompt)),
    readStream(summarizer.summarizeStreaming(kTestPrompt)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Summarizer.summarizeStreaming() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const summarizer = await createSummarizer();
  const [result1, result2] = await Promise.all([
    readStream(summarizer.summarizeStreaming(kTestPrompt)),
    readStream(summarizer.summarizeStreaming(kTestPrompt2)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Summarizer.summarizeStreaming() calls with divergent inputs are resolved successfully');
