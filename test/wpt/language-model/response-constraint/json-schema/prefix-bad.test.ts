/** Port of WPT ai/language-model/response-constraint/json-schema/prefix-bad.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kValidResponseSchema, promise_rejects_dom, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

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
          {responseConstraint: kValidResponseSchema}),
      'Response constraint is not a supported json schema.');
}, 'Prompt should reject if the prefix deviates from the json schema constraint.');
