/** Port of WPT ai/language-model/language-model-abort.tentative.https.window.js. See ../README.md. */
import { createLanguageModel, kTestPrompt, promise_test, setup_wpt, testAbortPromise, testAbortReadableStream } from '../harness';

setup_wpt();

promise_test(async t => {
  await testAbortPromise(t, signal => {
    return createLanguageModel({
      signal: signal
    });
  });
}, "Aborting LanguageModel.create().");

promise_test(async t => {
  const session = await createLanguageModel();
  await testAbortPromise(t, signal => {
    return session.clone({
      signal: signal
    });
  });
}, "Aborting LanguageModel.clone().");

promise_test(async t => {
  const session = await createLanguageModel();
  await testAbortPromise(t, signal => {
    return session.prompt(kTestPrompt, { signal: signal });
  });
}, "Aborting LanguageModel.prompt().");

promise_test(async t => {
  const session = await createLanguageModel();
  await testAbortReadableStream(t, signal => {
    return session.promptStreaming(
      kTestPrompt, { signal: signal }
    );
  });
}, "Aborting LanguageModel.promptStreaming().");
