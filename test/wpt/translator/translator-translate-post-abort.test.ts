/** Port of WPT ai/translator/translator-translate-post-abort.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createTranslator, promise_rejects_dom, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const translator = await createTranslator({ sourceLanguage: 'en', targetLanguage: 'ja' });
  const controller = new AbortController();
  const promise = translator.translate('hello', { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Translate again on the same session to ensure it is still usable.
  const result = await translator.translate('hello');
  assert_greater_than(result.length, 0);
}, "Translate after aborting a previous translate.");
