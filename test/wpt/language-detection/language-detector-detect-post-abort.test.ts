/** Port of WPT ai/language_detection/language-detector-detect-post-abort.tentative.https.window.js. See ../README.md ("LanguageDetector"). */
import { assert_greater_than, createLanguageDetector, kTestPrompt, promise_rejects_dom, promise_test, setup_language_detection } from './harness';

setup_language_detection();

promise_test(async t => {
  const detector = await createLanguageDetector();
  const controller = new AbortController();
  const promise = detector.detect(kTestPrompt, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Detect again on the same session to ensure it is still usable.
  const result = await detector.detect(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Detect after aborting a previous detect.");
