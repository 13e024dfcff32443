/** Port of WPT ai/translator/translator-translate-concurrent.optional.https.window.js. See ../README.md. */
import { createTranslator, kTestPrompt, kTestPrompt2, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const translator =
      await createTranslator({sourceLanguage: 'en', targetLanguage: 'ja'});
  await Promise.all(
      [translator.translate(kTestPrompt), translator.translate(kTestPrompt)]);
}, 'Multiple Translator.translate() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const translator =
      await createTranslator({sourceLanguage: 'en', targetLanguage: 'ja'});
  await Promise.all(
      [translator.translate(kTestPrompt), translator.translate(kTestPrompt2)]);
}, 'Multiple Translator.translate() calls with divergent inputs are resolved successfully');
