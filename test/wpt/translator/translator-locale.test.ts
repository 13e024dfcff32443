/** Port of WPT ai/translator/translator-locale.https.window.js (with ai/resources/locale-util.js). See ../README.md. */
import {
  Translator, invalid_language_tags, promise_rejects_js, promise_test, setup_task_wpt, valid_language_tags, type WptCreateOptions, type WptTest,
} from '../task-harness';

setup_task_wpt();

function assert_rejects_invalid_expected_input_languages(
    t: WptTest, method: (o: WptCreateOptions) => Promise<unknown>, sourceLanguage: string, targetLanguage: string) {
  return promise_rejects_js(
      t, RangeError, method({sourceLanguage, targetLanguage}));
}

function testInvalidLanguagePairs(t: WptTest, method: (o: WptCreateOptions) => Promise<unknown>) {
  const allValidLanguageTags = Object.values(valid_language_tags).flat();
  // Invalid source language.
  for (const sourceLanguage of invalid_language_tags) {
    for (const targetLanguage of allValidLanguageTags) {
      void assert_rejects_invalid_expected_input_languages(
          t, method, sourceLanguage, targetLanguage);
    }
  }
  // Invalid target language.
  for (const sourceLanguage of allValidLanguageTags) {
    for (const targetLanguage of invalid_language_tags) {
      void assert_rejects_invalid_expected_input_languages(
          t, method, sourceLanguage, targetLanguage);
    }
  }
  // Invalid source and target language
  for (const sourceLanguage of invalid_language_tags) {
    for (const targetLanguage of invalid_language_tags) {
      void assert_rejects_invalid_expected_input_languages(
          t, method, sourceLanguage, targetLanguage);
    }
  }
}

promise_test(async t => {
  // We don't need to consume user activation since it should throw a RangeError
  // before it even can check if it needs to consume user activation.
  testInvalidLanguagePairs(t, Translator.create);
}, 'LanguageDetector.create() throws RangeError for invalid language tags');

promise_test(async t => {
  testInvalidLanguagePairs(t, Translator.availability);
}, 'LanguageDetector.availability() throws RangeError for invalid language tags');
