/** Port of WPT ai/summarizer/summarizer-summarize-post-abort.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createSummarizer, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const summarizer = await createSummarizer();
  const controller = new AbortController();
  const promise = summarizer.summarize(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Summarize again on the same session to ensure it is still usable.
  const result = await summarizer.summarize(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Summarize after aborting a previous summarize.");
