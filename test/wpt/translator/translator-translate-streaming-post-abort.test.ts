/** Port of WPT ai/translator/translator-translate-streaming-post-abort.tentative.https.window.js. See ../README.md. */
import {
  assert_greater_than, assert_true, createTranslator, fromAsync, promise_rejects_dom, promise_test, setup_task_wpt,
} from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  const translator = await createTranslator({ sourceLanguage: 'en', targetLanguage: 'ja' });
  const controller = new AbortController();
  const stream = translator.translateStreaming('hello', { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', stream.pipeTo(new WritableStream()));

  // Translate again on the same session to ensure it is still usable.
  const streamingResponse = translator.translateStreaming('hello');
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join('');
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, "Translate after aborting a previous translateStreaming.");
