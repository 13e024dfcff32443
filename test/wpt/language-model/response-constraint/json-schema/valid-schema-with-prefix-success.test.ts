/** Port of WPT ai/language-model/response-constraint/json-schema/valid-schema-with-prefix-success.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kValidResponseSchema, promise_test, setup_wpt, testResponseJsonSchema,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const goodPrefix = '{ "Rating": ';
  const assistantResponse = await session.prompt(
      [
        {role: 'user', content: 'hello'},
        {role: 'assistant', content: goodPrefix, prefix: true}
      ],
      {responseConstraint: kValidResponseSchema});
  const response = goodPrefix + assistantResponse;
  testResponseJsonSchema(response);
}, 'Prompt should work when a valid response json schema and matching prefix is provided.',
'assistant prefixes (`prefix: true`) are not implemented: NotSupportedError', /NotSupportedError/);
