/** Port of WPT ai/language-model/prompt/prompt-post-abort.tentative.https.window.js. See ../../README.md. */
import { assert_greater_than, createLanguageModel, kTestPrompt, promise_rejects_dom, promise_test, setup_wpt } from '../../harness';

setup_wpt();

promise_test(async t => {
  const session = await createLanguageModel();
  const controller = new AbortController();
  const promise = session.prompt(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Prompt after aborting a previous prompt.");
