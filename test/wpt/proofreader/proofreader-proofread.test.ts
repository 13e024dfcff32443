/** Port of WPT ai/proofreader/proofreader-proofread.tentative.https.window.js. See ../README.md. */
import {
  assert_equals, assert_not_equals, createProofreader, kTestPrompt, promise_test, setup_task_wpt, testCreateAbort, testDestroy,
} from '../task-harness';

// Room for the whole JSON answer of the random-weight model (its strings are closed by maxLength).
setup_task_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  const proofreader = await createProofreader();
  const result = await proofreader.proofread('');
  assert_equals(result.correctedInput, '');
  assert_equals(result.corrections, undefined);
}, 'Proofreader.proofread() with an empty input returns an empty text');

promise_test(async () => {
  const proofreader = await createProofreader();
  const result = await proofreader.proofread(' ');
  assert_equals(result.correctedInput, ' ');
  assert_equals(result.corrections, undefined);
}, 'Proofreader.proofread() with a whitespace input returns a whitespace text');

promise_test(async () => {
  const proofreader = await createProofreader();
  const result = await proofreader.proofread(kTestPrompt);
  assert_not_equals(result.correctedInput, '');
}, 'Proofreader.proofread() with non-empty input returns a non-empty result');

// TODO: add a test for non-empty corrections, kTestPrompt with grammar error.

promise_test(async (t) => {
  await testDestroy(t, createProofreader, {}, [
    proofreader => proofreader.proofread(kTestPrompt)
  ]);
}, 'Calling Proofreader.destroy() aborts calls to proofread');

promise_test(async t => {
  await testCreateAbort(t, createProofreader, {}, [
    proofreader => proofreader.proofread(kTestPrompt)
  ]);
}, 'Proofreader.create()\'s abort signal destroys its Proofreader after creation.');

promise_test(async () => {
  const proofreader = await createProofreader();
  const result = await proofreader.proofread(kTestPrompt);
  assert_equals(typeof result, 'object');
}, 'Simple Proofreader.proofread() call');

promise_test(async () => {
  const proofreader = await createProofreader();
  await Promise.all(
    [proofreader.proofread(kTestPrompt), proofreader.proofread(kTestPrompt)]);
}, 'Multiple Proofreader.proofread() calls are resolved successfully');
