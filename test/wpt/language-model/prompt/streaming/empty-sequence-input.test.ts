/** Port of WPT ai/language-model/prompt/streaming/empty-sequence-input.tentative.https.window.js. See ../../../README.md. */
import { createLanguageModel, ensureLanguageModel, promise_test, setup_wpt } from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const model = await createLanguageModel();
  for await (const _ of model.promptStreaming([{ role: 'user', content: [] }])) { /* drain */ }
}, 'LanguageModel.promptStreaming() allows empty message sequence input');
