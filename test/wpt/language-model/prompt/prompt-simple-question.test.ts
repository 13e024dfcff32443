/**
 * Port of WPT ai/language-model/prompt/prompt-simple-question.tentative.https.window.js: the answer (or an
 * echo of the question) is the model's, not the API's — kept, not run (../../README.md).
 */
import { assert_true, createLanguageModel, ensureLanguageModel, model_quality, promise_test, setup_wpt } from '../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt('What is the capital of France?');
  const isParis = /paris/i.test(response);
  const isEcho = /capital of france/i.test(response);
  model_quality(() => assert_true(isParis || isEcho, "Response should be either an answer or an echo"));
}, 'Check capital of France');
