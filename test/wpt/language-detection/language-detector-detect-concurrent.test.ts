/** Port of WPT ai/language_detection/language-detector-detect-concurrent.tentative.https.window.js. See ../README.md ("LanguageDetector"). */
import { createLanguageDetector, kTestPrompt, kTestPrompt2, promise_test, setup_language_detection } from './harness';

setup_language_detection();

promise_test(async () => {
  const detector = await createLanguageDetector();
  await Promise.all(
      [detector.detect(kTestPrompt), detector.detect(kTestPrompt)]);
}, 'Multiple LanguageDetector.detect() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const detector = await createLanguageDetector();
  await Promise.all(
      [detector.detect(kTestPrompt), detector.detect(kTestPrompt2)]);
}, 'Multiple LanguageDetector.detect() calls with divergent inputs are resolved successfully');
