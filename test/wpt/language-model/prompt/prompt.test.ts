/** Port of WPT ai/language-model/prompt/prompt.tentative.https.window.js. See ../../README.md. */
import { assert_equals, createLanguageModel, ensureLanguageModel, kTestPrompt, promise_test, setup_wpt } from '../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const result = await session.prompt(kTestPrompt);
  assert_equals(typeof result, 'string');
}, 'Simple LanguageModel.prompt() call');
