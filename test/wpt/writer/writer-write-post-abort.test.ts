/** Port of WPT ai/writer/writer-write-post-abort.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createWriter, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const writer = await createWriter();
  const controller = new AbortController();
  const promise = writer.write(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Write again on the same session to ensure it is still usable.
  const result = await writer.write(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Write after aborting a previous write.");
