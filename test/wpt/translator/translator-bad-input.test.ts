/**
 * Port of WPT ai/translator/translator-bad-input.https.window.js (translator-bad-input.tentative.https.window.js
 * holds the same three tests). See ../README.md.
 */
import { Translator, promise_rejects_js, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  await promise_rejects_js(t, TypeError, Translator.create(/*empty options*/));
}, 'Translator.create rejects with TypeError if no options are passed.');

promise_test(async t => {
  await promise_rejects_js(
      t, TypeError, Translator.create({sourceLanguage: 'en'}));
}, 'Translator.create rejects with TypeError targetLanguage is not provided.');

promise_test(async t => {
  await promise_rejects_js(
      t, TypeError, Translator.create({targetLanguage: 'en'}));
}, 'Translator.create rejects with TypeError sourceLanguage is not provided.');
