/** Port of WPT ai/language-model/language-model-params.tentative.https.window.js. See ../README.md. */
import { LanguageModel, assert_false, ensureLanguageModel, promise_test, setup_wpt } from '../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();

  assert_false(
      'params' in LanguageModel,
      'LanguageModel.params should not be defined on the LanguageModel interface in a window context.');
}, 'Language Model Params'); // unnamed in WPT: the test takes the file's title
