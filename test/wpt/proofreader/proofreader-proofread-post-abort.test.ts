/** Port of WPT ai/proofreader/proofreader-proofread-post-abort.tentative.https.window.js. See ../README.md. */
import { assert_equals, assert_not_equals, createProofreader, kTestPrompt, promise_rejects_dom, promise_test, setup_task_wpt } from '../task-harness';

// Room for the whole JSON answer of the random-weight model (its strings are closed by maxLength).
setup_task_wpt({ maxOutputTokens: 128 });

promise_test(async t => {
  const proofreader = await createProofreader();
  const controller = new AbortController();
  const promise = proofreader.proofread(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Proofread again on the same session to ensure it is still usable.
  const result = await proofreader.proofread(kTestPrompt);
  assert_equals(typeof result, 'object');
  assert_not_equals(result.correctedInput, '');
}, "Proofread after aborting a previous proofread.");
