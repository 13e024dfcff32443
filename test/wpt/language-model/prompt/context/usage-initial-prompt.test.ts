/** Port of WPT ai/language-model/prompt/context/usage-initial-prompt.tentative.https.window.js. See ../../../README.md. */
import {
  assert_equals, assert_greater_than, assert_regexp_match, createLanguageModel, ensureLanguageModel, model_quality, promise_test,
  setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test(async () => {
  const options = {
    initialPrompts:
        [{role: 'system', content: 'The word of the day is banana.'}]
  };
  await ensureLanguageModel(options);
  const session = await createLanguageModel(options);
  const usage = await session.measureContextUsage(options.initialPrompts);
  assert_greater_than(usage, 0);
  assert_equals(session.contextUsage, usage);
  const answer = await session.prompt('What is the word of the day?');
  model_quality(() => assert_regexp_match(
      answer, /banana/i));
}, 'Test that initialPrompt counts towards session contextUsage');
