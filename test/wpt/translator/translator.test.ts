/** Port of WPT ai/translator/translator.https.window.js. See ../README.md. */
import { createTranslator, promise_test, setup_task_wpt, testCreateMonitorCallbackThrowsError } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  // Can pass in valid but unsupported languages since the create monitor error
  // should be thrown before language support is checked.
  await testCreateMonitorCallbackThrowsError(
      t, createTranslator, {sourceLanguage: 'und', targetLanguage: 'und'});
}, 'If monitor throws an error, LanguageDetector.create() rejects with that error');
