/** Port of WPT ai/language-model/prompt/prompt-concurrent.tentative.https.window.js. See ../../README.md. */
import { createLanguageModel, ensureLanguageModel, kTestPrompt, kTestPrompt2, promise_test, setup_wpt } from '../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  await Promise.all([session.prompt(kTestPrompt), session.prompt(kTestPrompt)]);
}, 'Multiple LanguageModel.prompt() calls with identical inputs are resolved successfully');

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  await Promise.all(
      [session.prompt(kTestPrompt), session.prompt(kTestPrompt2)]);
}, 'Multiple LanguageModel.prompt() calls with divergent inputs are resolved successfully');
