/** Port of WPT ai/language-model/response-constraint/json-schema/valid-schema-success.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kValidResponseSchema, promise_test, setup_wpt, testResponseJsonSchema,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response =
      await session.prompt('hello', {responseConstraint: kValidResponseSchema});
  testResponseJsonSchema(response);
}, 'Prompt should work when a valid response json schema is provided.',
'minimum/maximum are checked after generation, not enforced while sampling (src/constraints/json-schema-grammar.ts compiles no numeric ranges): an out-of-range reply is rejected with SyntaxError', /SyntaxError/);
