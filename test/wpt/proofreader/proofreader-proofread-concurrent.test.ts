/** Port of WPT ai/proofreader/proofreader-proofread-concurrent.tentative.https.window.js. See ../README.md. */
import { createProofreader, kTestPrompt, kTestPrompt2, promise_test, setup_task_wpt } from '../task-harness';

// Room for the whole JSON answer of the random-weight model (its strings are closed by maxLength).
setup_task_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  const proofreader = await createProofreader();
  await Promise.all(
      [proofreader.proofread(kTestPrompt), proofreader.proofread(kTestPrompt)]);
}, 'Multiple Proofreader.proofread() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const proofreader = await createProofreader();
  await Promise.all([
    proofreader.proofread(kTestPrompt), proofreader.proofread(kTestPrompt2)
  ]);
}, 'Multiple Proofreader.proofread() calls with divergent inputs are resolved successfully');
