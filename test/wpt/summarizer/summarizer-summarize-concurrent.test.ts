/** Port of WPT ai/summarizer/summarizer-summarize-concurrent.tentative.https.window.js. See ../README.md. */
import { createSummarizer, kTestPrompt, kTestPrompt2, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const summarizer = await createSummarizer();
  await Promise.all(
      [summarizer.summarize(kTestPrompt), summarizer.summarize(kTestPrompt)]);
}, 'Multiple Summarizer.summarize() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const summarizer = await createSummarizer();
  await Promise.all(
      [summarizer.summarize(kTestPrompt), summarizer.summarize(kTestPrompt2)]);
}, 'Multiple Summarizer.summarize() calls with divergent inputs are resolved successfully');
