/** Port of WPT ai/language-model/response-constraint/regex.tentative.https.window.js. See ../../README.md. */
import { assert_true, createLanguageModel, ensureLanguageModel, kTestPrompt, promise_rejects_dom, promise_test, setup_wpt } from '../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response =
      await session.prompt(kTestPrompt, {responseConstraint: /hello/});
  assert_true(typeof response === 'string');
}, 'Prompt should work with a valid regex constraint.');

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const goodPrefix = 'Greetings';
  const response = await session.prompt(
      [
        {role: 'user', content: 'hello'},
        {role: 'assistant', content: goodPrefix, prefix: true}
      ],
      {responseConstraint: /^Greetings and salutations.*/});
  assert_true(typeof response === 'string');
}, 'Prompt should work with a valid regex constraint and matching prefix.',
'assistant prefixes (`prefix: true`) are not implemented: NotSupportedError', /NotSupportedError/);

promise_test(async t => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const badPrefix = 'invalid';
  await promise_rejects_dom(
      t, 'NotSupportedError',
      session.prompt(
          [
            {role: 'user', content: 'hello'},
            {role: 'assistant', content: badPrefix, prefix: true}
          ],
          {responseConstraint: /^Greetings and salutations.*/}),
      'The request is invalid - the input or options could not be processed.');
}, 'Prompt should reject if the prefix deviates from the regex constraint.');
