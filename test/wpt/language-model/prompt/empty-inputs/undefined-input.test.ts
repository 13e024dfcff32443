/** Port of WPT ai/language-model/prompt/empty-inputs/undefined-input.tentative.https.window.js. See ../../../README.md. */
import { assert_equals, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt } from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const model = await createLanguageModel();
  assert_equals(typeof await model.prompt(undefined), 'string');
}, 'LanguageModel.prompt() allows undefined input');
