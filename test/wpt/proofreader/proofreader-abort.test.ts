/** Port of WPT ai/proofreader/proofreader-abort.tentative.https.window.js. See ../README.md. */
import { createProofreader, kTestPrompt, promise_test, setup_task_wpt, testAbortPromise } from '../task-harness';

// Room for the whole JSON answer of the random-weight model (its strings are closed by maxLength).
setup_task_wpt({ maxOutputTokens: 128 });

promise_test(async t => {
  await testAbortPromise(t, signal => {
    return createProofreader({signal: signal});
  });
}, 'Aborting Proofreader.create()');

promise_test(async t => {
  const proofreader = await createProofreader();
  await testAbortPromise(t, signal => {
    return proofreader.proofread(kTestPrompt, { signal: signal });
  });
}, 'Aborting Proofreader.proofread()');
