/** Port of WPT ai/language-model/prompt/context/measure.tentative.https.window.js. See ../../../README.md. */
import { assert_equals, assert_greater_than, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt } from '../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const result = await session.measureContextUsage('This is a prompt.');
  assert_equals(typeof result, 'number');
  assert_greater_than(result, 0);
}, 'measureContextUsage returns a number greater than zero for text');

promise_test(async () => {
  const prompts = [
    {role: 'system', content: 'foo'},
    {role: 'user', content: 'bar'},
    {role: 'assistant', content: 'baz'},
  ];
  await ensureLanguageModel();
  const session = await createLanguageModel({initialPrompts: prompts});
  const result = await session.measureContextUsage(prompts);
  assert_equals(typeof result, 'number');
  assert_greater_than(result, 0);
}, 'measure message sequences of various roles, even after adding prompts');
