/** Port of WPT ai/language-model/response-constraint/regex/prefix-good.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const goodPrefix = 'Greetings';
  const regex = /^Greetings and salutations.*/;
  const response = await session.prompt(
      [
        {role: 'user', content: 'hello'},
        {role: 'assistant', content: goodPrefix, prefix: true}
      ],
      {responseConstraint: regex});
  assert_true(typeof response === 'string');
  assert_true(
      regex.test(goodPrefix + response),
      `Response "${goodPrefix + response}" should match regex ${regex}`);
}, 'Prompt should work with a valid regex constraint and matching prefix.',
'assistant prefixes (`prefix: true`) are not implemented: NotSupportedError', /NotSupportedError/);
