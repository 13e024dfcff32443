/** Port of WPT ai/language-model/prompt/streaming/prompt-streaming.tentative.https.window.js. See ../../../README.md. */
import { assert_greater_than, assert_true, createLanguageModel, ensureLanguageModel, fromAsync, kTestPrompt, promise_test, setup_wpt } from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const streamingResponse = session.promptStreaming(kTestPrompt);
  assert_true(streamingResponse instanceof ReadableStream);
  const result = (await fromAsync(streamingResponse)).join(''); // Array.fromAsync
  assert_greater_than(result.length, 0, 'The result should not be empty.');
}, 'LanguageModel.promptStreaming yields non-empty response');
