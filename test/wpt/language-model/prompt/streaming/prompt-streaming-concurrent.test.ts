/** Port of WPT ai/language-model/prompt/streaming/prompt-streaming-concurrent.tentative.https.window.js. See ../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kTestPrompt, kTestPrompt2, promise_test, readStream, setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const [result1, result2] = await Promise.all([
    readStream(session.promptStreaming(kTestPrompt)),
    readStream(session.promptStreaming(kTestPrompt)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple LanguageModel.promptStreaming() calls with identical inputs are resolved successfully');

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const [result1, result2] = await Promise.all([
    readStream(session.promptStreaming(kTestPrompt)),
    readStream(session.promptStreaming(kTestPrompt2)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple LanguageModel.promptStreaming() calls with divergent inputs are resolved successfully');
